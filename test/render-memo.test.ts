import { join } from 'node:path';
import * as yaml from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { chartsDir } from '../config/paths';
import { readLock } from '../synth/chart-lock';
import { runHelm } from '../synth/helm';
import { helmArgs } from '../synth/helm-runs';
import { toYaml } from '../synth/objects';
import { RenderMemo } from '../synth/render-memo';
import { helm } from './helpers';

// Counts the parses done in this thread (the parser threads load their own copy of yaml).
vi.mock('yaml', async (actual) => {
  const real = await actual<typeof import('yaml')>();
  return { ...real, parseAllDocuments: vi.fn(real.parseAllDocuments) };
});
const { parseAllDocuments } = yaml;
const parsesHere = () => vi.mocked(parseAllDocuments).mock.calls.length;

const whole = (text: string) => parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS() as unknown);

describe('render memo', () => {
  it('parses helm output piece by piece into the documents a whole parse gives (argo-cd with its CRDs)', async () => {
    const entry = readLock(chartsDir).charts.find((c) => c.name === 'argo-cd')!;
    const request = { release: 'argocd', namespace: 'argocd', includeCrds: true } as Parameters<typeof helmArgs>[0];
    const output = await runHelm(helm(), helmArgs(request, join(chartsDir, entry.file), '/dev/null'));
    const memo = new RenderMemo();
    expect(memo.documents(output)).toEqual(whole(output));
    const again = memo.documents(output);
    (again[1] as { kind: string }).kind = 'Changed';
    expect(memo.documents(output)).toEqual(whole(output));
  });

  it('parses in its parser threads what prefetch is given, each distinct piece once, and ends them on close', async () => {
    const output = '---\na: 1\n---\nb: [2, 3]\n---\na: 1\n';
    const memo = new RenderMemo();
    memo.startParsers();
    await memo.prefetch(output);
    await memo.prefetch(`${output}---\nc: 4\n`);
    await memo.close();
    const before = parsesHere();
    const documents = [memo.documents(output), memo.documents('---\nc: 4\n')];
    expect(parsesHere()).toBe(before);
    expect(documents).toEqual([whole(output), [{ c: 4 }]]);
    await memo.prefetch('---\nd: 5\n');
    expect(memo.documents('---\nd: 5\n')).toEqual([{ d: 5 }]);
  });

  it('splits only at document markers, and reports a YAML error as the whole parse does', () => {
    const text = '---\na: |\n  --- not a marker\n  b\n---\nc: 1\n--- # comment\nd: [1\n';
    expect(() => new RenderMemo().documents(text)).toThrow(parseAllDocuments(text).find((d) => d.errors.length > 0)!.errors[0]!.message);
    const valid = '---\na: |\n  --- not a marker\n---\nc: 1\n';
    expect(new RenderMemo().documents(valid)).toEqual(whole(valid));
  });

  it('prints equal objects once, and keeps a timestamp apart from its ISO string', () => {
    const memo = new RenderMemo();
    const [date] = whole('t: 2024-01-02') as { t: unknown }[];
    const string = { t: (date!.t as Date).toISOString() };
    expect(memo.print(date!).yaml).toBe(toYaml(date));
    expect(memo.print(string).yaml).toBe(toYaml(string));
    expect(memo.print(string).yaml).not.toBe(memo.print(date!).yaml);
  });
});
