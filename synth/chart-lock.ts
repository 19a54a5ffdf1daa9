/**
 * The vendored chart archives under imports/charts/ and their lock file. Synth uses only archives
 * whose sha256 matches the lock, and never downloads.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readInput, readTextInput } from '../config/repo-files';
import { Parser, type ReadEntry } from 'tar';

export interface LockedChart {
  readonly name: string;
  readonly version: string;
  /** Helm repository the archive came from. */
  readonly repository: string;
  /** Archive file name inside the charts directory. */
  readonly file: string;
  readonly sha256: string;
}

export interface ChartLock {
  readonly charts: readonly LockedChart[];
}

export const LOCK_FILE = 'charts.lock.json';

export function readLock(dir: string): ChartLock {
  const path = join(dir, LOCK_FILE);
  if (!existsSync(path)) throw new Error(`no chart lock at ${path}: run npm run charts:vendor`);
  return JSON.parse(readTextInput(path)) as ChartLock;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Path and digest of a vendored chart after checking it against the lock. */
export function verifiedChart(dir: string, lock: ChartLock, name: string, version: string): { path: string; sha256: string } {
  const entry = lock.charts.find((c) => c.name === name && c.version === version);
  if (!entry) {
    const have = lock.charts.filter((c) => c.name === name).map((c) => c.version);
    throw new Error(`chart ${name}@${version} is not vendored (locked versions: ${have.join(', ') || 'none'}); run npm run charts:vendor`);
  }
  const path = join(dir, entry.file);
  if (!existsSync(path)) throw new Error(`chart ${name}@${version}: archive ${entry.file} is missing from ${dir}; run npm run charts:vendor`);
  const actual = sha256(readInput(path));
  if (actual !== entry.sha256) {
    throw new Error(`chart ${name}@${version}: digest mismatch for ${entry.file}: lock has sha256 ${entry.sha256}, file has ${actual}`);
  }
  return { path, sha256: actual };
}

/** Reads a .tgz buffer into a path -> bytes map (nested .tgz are left packed). */
export function readTgz(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    const p = new Parser();
    p.on('entry', (e: ReadEntry) => {
      if (e.type !== 'File') return void e.resume();
      const chunks: Buffer[] = [];
      e.on('data', (c: Buffer) => chunks.push(c));
      e.on('end', () => files.set(e.path, Buffer.concat(chunks)));
    });
    p.on('error', reject);
    p.on('end', () => resolve(files));
    p.end(buf);
  });
}

/**
 * Where a path of a chart archive belongs: the folder of its chart (`<chart>`, or a subchart's
 * `<chart>/charts/<sub>`, nested as deep as it goes) and the path inside that chart.
 */
export function chartPathOf(path: string): { readonly dir: string; readonly rest: string } {
  const dir = /^[^/]+(?:\/charts\/[^/]+(?=\/))*/.exec(path)![0];
  return { dir, rest: path.slice(dir.length + 1) };
}

/**
 * Every file of a chart archive, path -> bytes, with packed subcharts (`charts/<sub>.tgz`) unpacked
 * under the names helm gives their files (`<chart>/charts/<sub>/...`), the archives themselves left out.
 */
export function chartFiles(archive: Buffer): Promise<ReadonlyMap<string, Buffer>> {
  const key = sha256(archive);
  let files = unpacked.get(key);
  if (files === undefined) {
    if (unpacked.size >= UNPACKED_MAX) unpacked.delete(unpacked.keys().next().value!);
    unpacked.set(key, (files = unpack(archive)));
  }
  return files;
}

/** Archives unpacked in this process, by sha256 (the randomness analysis and the second render both read one). */
const unpacked = new Map<string, Promise<ReadonlyMap<string, Buffer>>>();
const UNPACKED_MAX = 16;

async function unpack(archive: Buffer): Promise<ReadonlyMap<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const entries = [...(await readTgz(archive))];
  for (let i = 0; i < entries.length; i++) {
    const [path, bytes] = entries[i]!;
    const { dir, rest } = chartPathOf(path);
    if (/^charts\/[^/]+\.tgz$/.test(rest)) for (const [inner, b] of await readTgz(bytes)) entries.push([`${dir}/charts/${inner}`, b]);
    else files.set(path, bytes);
  }
  return files;
}
