/**
 * The check memo (tools/check-memo.ts): a stored result is reused only for exactly the same inputs,
 * only a result the caller accepted is stored, a damaged entry is discarded with a warning, and a
 * check keeps a bounded number of entries.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckMemo, contentDigest, memoKey, statDigest, toolIdentity, type ValueCheck } from '../tools/check-memo';
import { tempDir } from './helpers';

interface Output {
  readonly lines: string[];
}
const isOutput: ValueCheck = (v) => (Array.isArray((v as Partial<Output> | null)?.lines) ? undefined : 'not an output');

/** A memo in a temporary folder, its warnings, and a tool that counts its runs. */
function setup(keep?: number) {
  const dir = tempDir('check-memo-');
  const warnings: string[] = [];
  const memo = new CheckMemo({ check: 'demo', dir, keep, warn: (line) => warnings.push(line) });
  const tool = { runs: 0, output: { lines: ['ok'] } as Output };
  const run = () => {
    tool.runs++;
    return structuredClone(tool.output);
  };
  const accepted: Output[] = [];
  const how = { run, accept: (v: Output) => void accepted.push(v), check: isOutput };
  return { dir, memo, warnings, tool, how, accepted };
}

/** A folder of input files. */
function inputs(): string {
  const dir = tempDir('check-inputs-');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.yaml'), 'kind: A\n');
  writeFileSync(join(dir, 'sub', 'b.yaml'), 'kind: B\n');
  return dir;
}

describe('CheckMemo.reuse', () => {
  it('a hit returns the stored value without running the tool, and still runs the assertions on it', async () => {
    const { dir, memo, tool, how, accepted } = setup();
    expect(await memo.reuse('k1', how)).toEqual({ value: { lines: ['ok'] }, reused: false });
    tool.output = { lines: ['changed'] }; // would show if the tool ran again
    expect(await memo.reuse('k1', how)).toEqual({ value: { lines: ['ok'] }, reused: true });
    // Another process (a new memo on the same folder) finds it too.
    const again = new CheckMemo({ check: 'demo', dir });
    expect(await again.reuse('k1', how)).toEqual({ value: { lines: ['ok'] }, reused: true });
    expect(tool.runs).toBe(1);
    expect(accepted).toHaveLength(3);
    // Another key runs the tool.
    expect(await memo.reuse('k2', how)).toEqual({ value: { lines: ['changed'] }, reused: false });
    expect(tool.runs).toBe(2);
  });

  it('a failing run is not stored: the tool runs again next time', async () => {
    const { memo, tool, how } = setup();
    const broken = { ...how, run: () => Promise.reject(new Error('tool exited 1')) };
    await expect(memo.reuse('k', broken)).rejects.toThrow('tool exited 1');
    expect(existsSync(memo.pathOf('k'))).toBe(false);
    // Output the assertions reject is not stored either.
    tool.output = { lines: ['bad'] };
    const strict = { ...how, accept: (v: Output) => expect(v.lines).toEqual(['ok']) };
    await expect(memo.reuse('k', strict)).rejects.toThrow();
    expect(existsSync(memo.pathOf('k'))).toBe(false);
    await expect(memo.reuse('k', strict)).rejects.toThrow();
    expect(tool.runs).toBe(2);
    tool.output = { lines: ['ok'] };
    expect((await memo.reuse('k', strict)).reused).toBe(false);
    expect((await memo.reuse('k', strict)).reused).toBe(true);
    expect(tool.runs).toBe(3);
  });

  it('a stored result the assertions now reject is deleted and the tool run for real', async () => {
    const { memo, tool, how } = setup();
    await memo.reuse('k', how);
    const stricter = { ...how, accept: (v: Output) => expect(v.lines).toEqual(['ok', 'more']) };
    await expect(memo.reuse('k', stricter)).rejects.toThrow();
    expect(tool.runs).toBe(2);
    expect(existsSync(memo.pathOf('k'))).toBe(false);
  });

  it('a damaged entry is discarded with a warning naming it, and the tool runs again', async () => {
    const { memo, warnings, tool, how } = setup();
    const damage = [
      '{"key":"k","value":{"lin', // a truncated write
      JSON.stringify({ key: 'k', value: { lines: 'ok' } }), // not what the check stores
      JSON.stringify({ key: 'other', value: { lines: ['forged'] } }), // another key's entry
      JSON.stringify({ lines: ['ok'] }), // no entry at all
    ];
    for (const [i, text] of damage.entries()) {
      await memo.reuse('k', how);
      writeFileSync(memo.pathOf('k'), text);
      expect(await memo.reuse('k', how)).toEqual({ value: { lines: ['ok'] }, reused: false });
      expect(tool.runs, text).toBe(2 * (i + 1));
      expect(warnings.at(-1)).toContain(`discarded demo result ${memo.pathOf('k')}`);
      rmSync(memo.pathOf('k'));
    }
    expect(warnings).toHaveLength(damage.length);
  });

  it('keeps the most recently used entries only', async () => {
    const { dir, memo, how } = setup(2);
    await memo.reuse('a', how);
    await memo.reuse('b', how);
    const past = (s: number) => new Date(Date.now() - s * 1000);
    utimesSync(memo.pathOf('a'), past(20), past(20));
    utimesSync(memo.pathOf('b'), past(10), past(10));
    expect((await memo.reuse('a', how)).reused).toBe(true); // used: now the newest
    await memo.reuse('c', how);
    expect(readdirSync(join(dir, 'demo')).sort()).toEqual(['a.json', 'c.json']);
  });

  it('refuses a check name or key that is not a file name, and a keep below 1', () => {
    expect(() => new CheckMemo({ check: '../x' })).toThrow('CheckMemo: check "../x" must be a folder name');
    expect(() => new CheckMemo({ check: 'x', keep: 0 })).toThrow('CheckMemo x: keep must be a whole number of at least 1, got 0');
    expect(() => new CheckMemo({ check: 'x' }).pathOf('../k')).toThrow('CheckMemo x: key "../k" is not a file name');
  });
});

describe('keys', () => {
  it('change with any input byte, a file added, removed or renamed', () => {
    const dir = inputs();
    const digests = [contentDigest(dir)];
    const step = (change: () => void) => {
      change();
      digests.push(contentDigest(dir));
    };
    step(() => writeFileSync(join(dir, 'a.yaml'), 'kind: a\n'));
    step(() => writeFileSync(join(dir, 'sub', 'c.yaml'), ''));
    step(() => renameSync(join(dir, 'sub', 'c.yaml'), join(dir, 'c.yaml')));
    expect(new Set(digests).size).toBe(4);
    step(() => rmSync(join(dir, 'c.yaml'))); // removed again: the files of the second key
    expect(digests[4]).toBe(digests[1]);
    // Back to the first bytes: the first key again, whatever the files' times.
    writeFileSync(join(dir, 'a.yaml'), 'kind: A\n');
    expect(contentDigest(dir)).toBe(digests[0]);
    // Where the folder is plays no part (a temporary folder's name differs every run).
    expect(contentDigest(inputs())).toBe(digests[0]);
  });

  it('a changed input misses: the tool runs again', async () => {
    const { memo, tool, how } = setup();
    const dir = inputs();
    await memo.reuse(memoKey(['tool 1', contentDigest(dir)]), how);
    writeFileSync(join(dir, 'sub', 'b.yaml'), 'kind: B \n');
    expect((await memo.reuse(memoKey(['tool 1', contentDigest(dir)]), how)).reused).toBe(false);
    expect(tool.runs).toBe(2);
  });

  it('tell tools apart by what a path resolves to, size and modification time', () => {
    const dir = tempDir('check-tool-');
    const [v1, v2, link] = ['tool-1.0', 'tool-2.0', 'tool'].map((f) => join(dir, f)) as [string, string, string];
    writeFileSync(v1, 'binary one');
    writeFileSync(v2, 'binary one');
    symlinkSync(v1, link);
    const ids = [toolIdentity(link)];
    rmSync(link);
    symlinkSync(v2, link); // another target, same bytes
    ids.push(toolIdentity(link));
    writeFileSync(v2, 'binary two'); // same size, rewritten
    utimesSync(v2, new Date(2000, 1, 1), new Date(2000, 1, 1));
    ids.push(toolIdentity(link));
    writeFileSync(v2, 'binary three');
    utimesSync(v2, new Date(2000, 1, 1), new Date(2000, 1, 1)); // same time, other size
    ids.push(toolIdentity(link));
    expect(new Set(ids).size).toBe(4);
    expect(() => toolIdentity(join(dir, 'missing'))).toThrow();
  });

  it('statDigest sees a file replaced, added or removed, without reading it', () => {
    const dir = inputs();
    const before = statDigest(dir);
    utimesSync(join(dir, 'a.yaml'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = statDigest(dir);
    writeFileSync(join(dir, 'd.bin'), '');
    expect(new Set([before, touched, statDigest(dir)]).size).toBe(3);
  });

  it('memoKey keeps its parts apart', () => {
    expect(memoKey(['ab', 'c'])).not.toBe(memoKey(['a', 'bc']));
    expect(memoKey(['a\n1:b'])).not.toBe(memoKey(['a', 'b']));
    expect(memoKey(['a', 'b'])).toBe(memoKey(['a', 'b']));
  });
});
