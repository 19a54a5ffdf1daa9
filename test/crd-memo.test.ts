/**
 * The vendored CRD memos (synth/crd-memo.ts): one beside every chart archive with static CRDs, made
 * from that archive by the running parser and printer, found for every static CRD piece of a real
 * helm render, and used by a render: those pieces are not parsed, those CRDs not printed again.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chartsDir } from '../config/paths';
import { readLock, sha256 } from '../synth/chart-lock';
import { sourcePieces } from '../synth/chart-randomness';
import { crdMemoPath, readCrdMemo, staticCrdFiles } from '../synth/crd-memo';
import { runHelm } from '../synth/helm';
import { helmArgs } from '../synth/helm-runs';
import type { KubeObject } from '../synth/kube-object';
import { DOCUMENT_START, printKey, RenderMemo } from '../synth/render-memo';
import { prepareUpstream } from '../synth/shared-crds';
import { helm, tempDir } from './helpers';
import { readFileSync } from 'node:fs';

const lock = readLock(chartsDir);
const memoOf = (name: string) => {
  const entry = lock.charts.find((c) => c.name === name)!;
  const path = join(chartsDir, entry.file);
  const warnings: string[] = [];
  const memo = readCrdMemo(path, sha256(readFileSync(path)), (w) => warnings.push(w));
  return { entry, path, memo, warnings };
};

describe('vendored CRD memos', () => {
  it('sit beside exactly the chart archives that have static CRDs, made from them by the running parser and printer', async () => {
    const withCrds: string[] = [];
    for (const entry of lock.charts) {
      if ((await staticCrdFiles(readFileSync(join(chartsDir, entry.file)))).size > 0) withCrds.push(crdMemoPath(entry.file));
      const { memo, warnings } = memoOf(entry.name);
      expect(warnings, entry.name).toEqual([]);
      expect(memo !== undefined, entry.name).toBe(withCrds.includes(crdMemoPath(entry.file)));
    }
    expect(readdirSync(chartsDir).filter((f) => f.endsWith('.crds.json.gz')).sort()).toEqual(withCrds.sort());
    expect(withCrds.map((f) => f.split('-')[0])).toEqual(expect.arrayContaining(['kube', 'fluent']));
  });

  it('hold the final form of every CRD they hold the documents of, as synth prepares it now (else: npm run import)', () => {
    for (const name of ['kube-prometheus-stack', 'fluent-operator']) {
      const { memo } = memoOf(name);
      const crds = [...memo!.documents.values()].flat().filter((d): d is KubeObject => (d as KubeObject | null)?.kind === 'CustomResourceDefinition');
      expect(crds.length, name).toBeGreaterThan(8);
      for (const crd of structuredClone(crds)) {
        prepareUpstream(crd);
        expect(memo!.printed.has(printKey(crd)), `${name}: ${crd.metadata.name}`).toBe(true);
      }
    }
  });

  it('serve a real render: every static CRD piece of helm output is found, and its CRDs are printed from the memo', async () => {
    const { entry, path, memo } = memoOf('fluent-operator');
    const request = { release: 'fluent', namespace: 'fluent', includeCrds: true } as Parameters<typeof helmArgs>[0];
    const output = await runHelm(helm(), helmArgs(request, path, '/dev/null'));
    const sources = new Set((await staticCrdFiles(readFileSync(path))).keys());
    const staticPieces = sourcePieces(output, sources).split(DOCUMENT_START);
    expect(staticPieces.length, entry.file).toBeGreaterThan(20);
    for (const piece of staticPieces) expect(memo!.documents.has(sha256(piece)), piece.slice(0, 120)).toBe(true);

    const seeded = new RenderMemo();
    seeded.seed(memo!);
    const plain = new RenderMemo();
    const docs = seeded.documents(output) as KubeObject[];
    expect(docs).toEqual(plain.documents(output));
    expect(seeded.vendoredHits.documents).toBe(new Set(staticPieces).size);
    const crds = docs.filter((d) => d?.kind === 'CustomResourceDefinition');
    for (const crd of crds) {
      prepareUpstream(crd);
      expect(seeded.print(crd)).toEqual(plain.print(crd));
    }
    expect(seeded.vendoredHits.printed).toBe(crds.length);
  });

  it('are not used when made from another archive or damaged, with the reason told', () => {
    const dir = tempDir('crd-memo-');
    const { path } = memoOf('external-dns');
    const copy = join(dir, 'external-dns.tgz');
    writeFileSync(copy, readFileSync(path));
    writeFileSync(crdMemoPath(copy), readFileSync(crdMemoPath(path)));
    const warnings: string[] = [];
    expect(readCrdMemo(copy, sha256('another archive'), (w) => warnings.push(w))).toBeUndefined();
    writeFileSync(crdMemoPath(copy), gzipSync('{"chart":'));
    expect(readCrdMemo(copy, sha256(readFileSync(copy)), (w) => warnings.push(w))).toBeUndefined();
    expect(warnings).toEqual([
      `warning: ${crdMemoPath(copy)} was made from another archive; its CRDs are parsed at synth (npm run import makes it again)`,
      expect.stringMatching(new RegExp(`^warning: ${crdMemoPath(copy)} is damaged \\(.+\\); its CRDs are parsed at synth \\(npm run import makes it again\\)$`)),
    ]);
  });
});
