/**
 * The render cache's entries (render.ts): one JSON file per render key under `<cache>/renders/`,
 * holding the final file bytes and object facts of one release.
 *
 * - Read once per process: a process that synthesizes many times (the tests, the bench) parses each
 *   entry once; an entry is frozen (it is shared) and read again when its file changed since.
 * - Least recently used first out: reading an entry sets its mtime, and once the folder holds more
 *   than {@link RENDER_CACHE_MAX_BYTES}, the entries used longest ago are deleted (never one of this
 *   run) until it holds three quarters of that. A values edit makes a new entry of its release
 *   (kube-prometheus-stack's: 4 MiB, its CRDs included), so without a bound the folder only grows.
 */
import { readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { ReleaseRequest } from '../charts/lib/upstream-chart';
import { readCacheFile } from './cache-file';
import type { KubeObject } from './kube-object';
import type { ObjectFacts } from './objects';

/** How much the render cache may hold before the entries used longest ago are deleted. */
export const RENDER_CACHE_MAX_BYTES = 256 * 1024 * 1024;

export interface CacheEntry {
  readonly files: Record<string, string>;
  readonly objects: ObjectFacts[];
  /** Scopes of the custom kinds the release defines (so a warm synth knows them too). */
  readonly clusterScopedCrds: KubeObject[];
}

function entryProblem(value: unknown): string | undefined {
  const e = value as Partial<CacheEntry> | null;
  if (typeof e?.files !== 'object' || e.files === null || !Array.isArray(e.objects) || !Array.isArray(e.clusterScopedCrds)) return 'not a render cache entry';
  return undefined;
}

/** Entries read or written in this process, by path, with the file's size and mtime when it was. */
const entriesRead = new Map<string, { readonly stamp: string; readonly entry: CacheEntry }>();
const ENTRIES_MAX = 500;

function stampOf(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** Keeps an entry just written or read for this process; returns it, frozen. */
export function remember(path: string, entry: CacheEntry): CacheEntry {
  const stamp = stampOf(path);
  if (stamp === undefined) return entry;
  if (entriesRead.size >= ENTRIES_MAX) entriesRead.delete(entriesRead.keys().next().value!);
  deepFreeze(entry);
  entriesRead.set(path, { stamp, entry });
  return entry;
}

/** The entry at `path` (undefined: none, or damaged: then deleted and `warn` told), marked as used now. */
export function readEntry(path: string, r: ReleaseRequest, warn: (line: string) => void): CacheEntry | undefined {
  const known = entriesRead.get(path);
  if (known !== undefined && known.stamp === stampOf(path)) return known.entry;
  const entry = readCacheFile<CacheEntry>(path, `render cache entry of ${r.env}/${r.app}`, entryProblem, warn);
  if (entry === undefined) return undefined;
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // read-only cache: it is still used, only not marked
  }
  return remember(path, entry);
}

/**
 * Deletes the entries used longest ago while the folder holds more than `maxBytes`, down to three
 * quarters of it; `inUse` (this run's entries) are kept whatever their age. Returns how many went.
 */
export function pruneRenderCache(dir: string, inUse: ReadonlySet<string>, maxBytes = RENDER_CACHE_MAX_BYTES): number {
  const entries = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const path = join(dir, f);
      const st = statSync(path, { throwIfNoEntry: false });
      return st ? [{ path, size: st.size, used: st.mtimeMs }] : [];
    });
  let total = entries.reduce((n, e) => n + e.size, 0);
  if (total <= maxBytes) return 0;
  let removed = 0;
  for (const e of entries.filter((x) => !inUse.has(x.path)).sort((a, b) => a.used - b.used)) {
    if (total <= maxBytes * 0.75) break;
    rmSync(e.path, { force: true });
    entriesRead.delete(e.path);
    total -= e.size;
    removed++;
  }
  return removed;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
