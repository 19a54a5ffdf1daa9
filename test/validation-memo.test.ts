import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { validateObject } from '../synth/schema-validate';
import { ValidationMemo } from '../synth/validation-memo';
import { tempDir } from './helpers';

vi.mock('../synth/schema-validate', async (original) => {
  const real = await original<typeof import('../synth/schema-validate')>();
  return { ...real, validateObject: vi.fn(real.validateObject) };
});

const valid = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } };
const invalid = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 1 } };
const validations = () => vi.mocked(validateObject).mock.calls.length;

describe('ValidationMemo', () => {
  beforeEach(() => vi.mocked(validateObject).mockClear());

  it('validates an object once per code version, across runs', () => {
    const dir = tempDir();
    const first = new ValidationMemo(dir, 'v1');
    expect(first.validate(valid)).toEqual([]);
    first.save();
    expect(new ValidationMemo(dir, 'v1').validate(valid)).toEqual([]);
    expect(validations()).toBe(1);

    expect(new ValidationMemo(dir, 'v2').validate(valid)).toEqual([]);
    expect(new ValidationMemo(dir, 'v1').validate({ ...valid, data: { k: 'changed' } })).toEqual([]);
    expect(validations()).toBe(3);
  });

  it('never remembers an invalid object: it fails every time', () => {
    const dir = tempDir();
    const memo = new ValidationMemo(dir, 'v1');
    expect(memo.validate(invalid)).not.toEqual([]);
    memo.save();
    expect(new ValidationMemo(dir, 'v1').validate(invalid)).toEqual([{ path: 'data.k', message: expect.stringContaining('string') }]);
    expect(validations()).toBe(2);
  });

  it('discards a damaged memo with a warning naming the file, and validates again', () => {
    const dir = tempDir();
    const memo = new ValidationMemo(dir, 'v1');
    memo.validate(valid);
    memo.save();
    const file = join(dir, 'validated', 'v1.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 30));
    const warnings: string[] = [];
    expect(new ValidationMemo(dir, 'v1', (w) => warnings.push(w)).validate(valid)).toEqual([]);
    expect(warnings).toEqual([`warning: discarded validation memo ${file}: Unterminated string in JSON at position 30`]);
    expect(existsSync(file)).toBe(false);
    expect(validations()).toBe(2);
  });
});
