/**
 * "The import regenerates the committed files byte for byte", behind the check memo
 * (tools/check-memo.ts): the result is kept under everything an import reads (the inputs named by
 * the test; the code that derives, scripts/, synth/ and config/ whole; the locked packages; Node),
 * and the comparison with the committed files runs on a kept result too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from '../config/paths';
import { sha256 } from '../synth/chart-lock';
import { CheckMemo, contentDigest, memoKey } from '../tools/check-memo';

/** File name → sha256 of every file in a folder. */
function digests(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, sha256(readFileSync(join(dir, f)))]));
}

const isDigestList = (v: unknown) => (Array.isArray(v) && v.every((d) => typeof d === 'object' && d !== null && Object.values(d).every((h) => typeof h === 'string')) ? undefined : 'not lists of file digests');

export interface RegeneratesProps {
  /** The check's name in the memo. */
  readonly check: string;
  /** Folders the import reads besides the code (their every file is part of the key). */
  readonly inputs: readonly string[];
  /** Anything else the import depends on (a tool's identity). @default none */
  readonly also?: readonly string[];
  /** Writes the import's files into a folder. */
  readonly generate: (out: string) => Promise<unknown>;
  /** The committed folder the output must equal. */
  readonly committed: string;
  /** How many times to generate (twice: deterministic too). @default 1 */
  readonly times?: number;
}

export async function expectRegenerates(props: RegeneratesProps): Promise<void> {
  const key = memoKey([
    ...props.inputs.map(contentDigest),
    ...['scripts', 'synth', 'config'].map((d) => contentDigest(join(repoRoot, d))),
    sha256(readFileSync(join(repoRoot, 'package-lock.json'))),
    process.version,
    ...(props.also ?? []),
  ]);
  const run = async () => {
    const outputs: Record<string, string>[] = [];
    for (let i = 0; i < (props.times ?? 1); i++) {
      const out = mkdtempSync(join(tmpdir(), `${props.check}-`));
      try {
        await props.generate(out);
        outputs.push(digests(out));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    return outputs;
  };
  const accept = (outputs: Record<string, string>[]) => {
    const want = digests(props.committed);
    expect(outputs).toHaveLength(props.times ?? 1);
    for (const got of outputs) expect(got).toEqual(want);
  };
  await new CheckMemo({ check: props.check, keep: 2 }).reuse(key, { run, accept, check: isDigestList });
}
