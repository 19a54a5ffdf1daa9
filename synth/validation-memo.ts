/**
 * Remembers which of our own objects passed strict schema validation, by content hash, under the
 * version of the validating code and schemas. A warm synth then validates only objects that changed
 * and does not load the validators at all when nothing did. Lives beside the render cache.
 */
import { join } from 'node:path';
import { readCacheFile, writeCacheFile } from './cache-file';
import { sha256 } from './chart-lock';
import type { SchemaProblem } from './schema-problems';
import { validateObject } from './schema-validate';

export class ValidationMemo {
  private readonly file: string;
  private readonly known: Set<string>;
  private readonly added = new Set<string>();

  /**
   * `warn` is told when the memo file is damaged (it is then discarded: objects are validated again).
   * `validateOne` checks an object the memo does not know. @default strict schema validation
   */
  constructor(cacheDir: string, codeVersion: string, warn: (line: string) => void = () => {}, private readonly validateOne: (obj: object) => SchemaProblem[] = validateObject) {
    this.file = join(cacheDir, 'validated', `${codeVersion}.json`);
    const isHashList = (v: unknown) => (Array.isArray(v) && v.every((h) => typeof h === 'string') ? undefined : 'not a list of hashes');
    this.known = new Set(readCacheFile<string[]>(this.file, 'validation memo', isHashList, warn) ?? []);
  }

  /**
   * Problems of one object; [] without validating when this exact object passed before.
   * @param json the object's JSON text, when the caller has it. @default JSON.stringify(obj)
   */
  validate(obj: object, json = JSON.stringify(obj)): SchemaProblem[] {
    const key = sha256(json);
    if (this.known.has(key)) return [];
    const problems = this.validateOne(obj);
    if (problems.length === 0) this.added.add(key);
    return problems;
  }

  /** Persists what this run validated (write and rename, so readers never see half a file). */
  save(): void {
    if (this.added.size === 0) return;
    writeCacheFile(this.file, JSON.stringify([...new Set([...this.known, ...this.added])].sort()));
  }
}
