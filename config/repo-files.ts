/**
 * Files synth reads at run time rather than importing them (scripts and documents charts embed,
 * the derived schemas, the chart archives and their lock): each read is recorded with the sha256
 * of the bytes read, so a recorded synth result (synth/run-memo.ts) is reused only while every
 * file it read still hashes the same. A folder's listing counts as an input too (key `<dir>/`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileHash, sha256 } from '../tools/file-stamps.cjs';

/** A file read twice with different bytes during one process: never matches, so nothing read then is reused. */
const CHANGED = 'changed while read';
const read = new Map<string, string>();

function note(key: string, hash: string): void {
  const before = read.get(key);
  read.set(key, before === undefined || before === hash ? hash : CHANGED);
}

/** Reads a file (absolute path), recording it as an input. */
export function readInput(path: string): Buffer {
  const bytes = readFileSync(path);
  note(path, sha256(bytes));
  return bytes;
}

export function readTextInput(path: string): string {
  return readInput(path).toString('utf8');
}

/** The sorted names in a folder, recording the listing as an input. */
export function listInput(dir: string): string[] {
  const names = readdirSync(dir).sort();
  note(`${join(dir)}/`, sha256(names.join('\n')));
  return names;
}

/** Every input read so far in this process, with the hash of what was read. */
export function inputsRead(): ReadonlyMap<string, string> {
  return read;
}

/** What an input hashes to now, as recorded (a missing file or folder: ''). */
export function currentHash(key: string): string {
  if (!key.endsWith('/')) return fileHash(key);
  try {
    return sha256(readdirSync(key).sort().join('\n'));
  } catch {
    return '';
  }
}
