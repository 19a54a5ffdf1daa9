import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDist } from '../synth/write-dist';
import { tempDir } from './helpers';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('writeDist', () => {
  it('keeps unchanged files as the same inode, rewrites changed ones and drops stale ones', () => {
    const dist = join(tempDir(), 'dist');
    writeDist({ distDir: dist, environments: ['dev'], files: files({ 'dev/a/x.yaml': 'x: 1\n', 'dev/a/y.yaml': 'y: 1\n', 'dev/a/z.yaml': 'z: 1\n' }) });
    const before = statSync(join(dist, 'dev/a/x.yaml')).ino;
    writeFileSync(join(dist, 'dev/a/y.yaml'), 'y: edited by hand\n');

    writeDist({ distDir: dist, environments: ['dev'], files: files({ 'dev/a/x.yaml': 'x: 1\n', 'dev/a/y.yaml': 'y: 1\n' }) });

    expect(statSync(join(dist, 'dev/a/x.yaml')).ino).toBe(before);
    expect(readFileSync(join(dist, 'dev/a/y.yaml'), 'utf8')).toBe('y: 1\n');
    expect(existsSync(join(dist, 'dev/a/z.yaml'))).toBe(false);
  });

  it('leaves other environments alone on a partial run', () => {
    const dist = join(tempDir(), 'dist');
    writeDist({ distDir: dist, environments: ['dev', 'prod'], files: files({ 'dev/a/x.yaml': 'x: 1\n', 'prod/a/x.yaml': 'x: 2\n' }) });
    writeDist({ distDir: dist, environments: ['dev'], files: files({ 'dev/a/x.yaml': 'x: 3\n' }) });
    expect(readFileSync(join(dist, 'prod/a/x.yaml'), 'utf8')).toBe('x: 2\n');
    expect(readFileSync(join(dist, 'dev/a/x.yaml'), 'utf8')).toBe('x: 3\n');
  });
});
