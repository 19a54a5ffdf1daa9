/**
 * tools/file-stamps.cjs: a recorded stat stamp spares reading a file only while the file is
 * untouched; an edit that keeps size and mtime is still found (ctime cannot be set back).
 */
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { holds, sha256, stampOf } from '../tools/file-stamps.cjs';
import { tempDir } from './helpers';

describe('file stamps', () => {
  it('no stamp for a missing file or one changed in the last 2 s (its edit could share the clock tick)', () => {
    const file = join(tempDir(), 'f.txt');
    expect(stampOf(file)).toBe('');
    writeFileSync(file, 'one\n');
    expect(stampOf(file)).toBe('');
    const stamps: Record<string, string> = {};
    expect(holds(file, sha256('one\n'), stamps, 'f')).toBe(true);
    expect(stamps).toEqual({});
  });

  it('a stamp vouches for an untouched file; an edit keeping size and mtime is hashed and found', () => {
    const file = join(tempDir(), 'f.txt');
    writeFileSync(file, 'one\n');
    // A whole second, so that setting it back below restores it exactly.
    const mtime = Math.floor(Date.now() / 1000) - 60;
    utimesSync(file, mtime, mtime);
    // Its change time is now: let the clock pass 2 s (Date only; the file system keeps real time).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2100 });
    onTestFinished(() => void vi.useRealTimers());
    const stamps: Record<string, string> = {};
    const refreshed = { value: false };
    expect(holds(file, sha256('one\n'), stamps, 'f', refreshed)).toBe(true);
    expect(refreshed.value).toBe(true);
    expect(stamps.f).toBe(`${stampOf(file)} ${sha256('one\n')}`);
    // The stamp vouches for the hash it was recorded with only.
    expect(holds(file, sha256('two\n'), stamps, 'f')).toBe(false);

    const { ino, size } = statSync(file);
    writeFileSync(file, 'two\n');
    utimesSync(file, mtime, mtime);
    expect(statSync(file)).toMatchObject({ ino, size, mtimeMs: mtime * 1000 });
    expect(holds(file, sha256('one\n'), stamps, 'f')).toBe(false);
    expect(holds(file, sha256(readFileSync(file)), stamps, 'f')).toBe(true);
  });
});
