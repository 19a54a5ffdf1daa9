import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { validateObject } from '../synth/schema-validate';
import { ValidationMemo } from '../synth/validation-memo';
import { tempDir } from './helpers';

const valid = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } };
const invalid = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 1 } };
let calls = 0;
/** Strict validation, counted. */
const counted = (obj: object) => {
  calls++;
  return validateObject(obj);
};
const validations = () => calls;
const memoAt = (dir: string, version: string, warn?: (line: string) => void) => new ValidationMemo(dir, version, warn, counted);

describe('ValidationMemo', () => {
  beforeEach(() => {
    calls = 0;
  });

  it('validates an object once per code version, across runs', () => {
    const dir = tempDir();
    const first = memoAt(dir, 'v1');
    expect(first.validate(valid)).toEqual([]);
    first.save();
    expect(memoAt(dir, 'v1').validate(valid)).toEqual([]);
    expect(validations()).toBe(1);

    expect(memoAt(dir, 'v2').validate(valid)).toEqual([]);
    expect(memoAt(dir, 'v1').validate({ ...valid, data: { k: 'changed' } })).toEqual([]);
    expect(validations()).toBe(3);
  });

  it('never remembers an invalid object: it fails every time', () => {
    const dir = tempDir();
    const memo = memoAt(dir, 'v1');
    expect(memo.validate(invalid)).not.toEqual([]);
    memo.save();
    expect(memoAt(dir, 'v1').validate(invalid)).toEqual([{ path: 'data.k', message: expect.stringContaining('string') }]);
    expect(validations()).toBe(2);
  });

  it('discards a damaged memo with a warning naming the file, and validates again', () => {
    const dir = tempDir();
    const memo = memoAt(dir, 'v1');
    memo.validate(valid);
    memo.save();
    const file = join(dir, 'validated', 'v1.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 30));
    const warnings: string[] = [];
    expect(memoAt(dir, 'v1', (w) => warnings.push(w)).validate(valid)).toEqual([]);
    expect(warnings).toEqual([`warning: discarded validation memo ${file}: Unterminated string in JSON at position 30`]);
    expect(existsSync(file)).toBe(false);
    expect(validations()).toBe(2);
  });
});
