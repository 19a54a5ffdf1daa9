/**
 * Remembers which of our own objects passed strict schema validation, by content hash, under the
 * version of the validating code and schemas. A warm synth then validates only objects that changed
 * and does not load the validators at all when nothing did. Lives beside the render cache.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './chart-lock';
import { validateObject, type SchemaProblem } from './schema-validate';

export class ValidationMemo {
  private readonly file: string;
  private readonly known: Set<string>;
  private readonly added = new Set<string>();

  constructor(cacheDir: string, codeVersion: string) {
    this.file = join(cacheDir, 'validated', `${codeVersion}.json`);
    this.known = new Set(existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as string[]) : []);
  }

  /** Problems of one object; [] without validating when this exact object passed before. */
  validate(obj: object): SchemaProblem[] {
    const key = sha256(JSON.stringify(obj));
    if (this.known.has(key)) return [];
    const problems = validateObject(obj);
    if (problems.length === 0) this.added.add(key);
    return problems;
  }

  /** Persists what this run validated (write and rename, so readers never see half a file). */
  save(): void {
    if (this.added.size === 0) return;
    mkdirSync(join(this.file, '..'), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify([...new Set([...this.known, ...this.added])].sort()));
    renameSync(tmp, this.file);
  }
}
