/**
 * CRDs once (synth/shared-crds.ts): each chart's CRDs are written once for every environment, stay
 * the objects of the app that installs the chart, come first in its sync, and a change of layout
 * removes nothing from a running cluster.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appFiles, SHARED_CRDS_DIR } from '../config/argocd';
import { day2 } from '../converge/day2';
import type { SynthResult } from '../synth/pipeline';
import { annotateCrd, CRD_SYNC_WAVE, effectiveEnvTree, referencedFolders } from '../synth/shared-crds';
import { distFiles } from '../synth/synth-to-dist';
import { tempDir } from './helpers';
import { kubectl, kustomize } from './kustomize';
import { renderPlatform } from './rendered';

let platform: SynthResult;
let files: Map<string, string>;
beforeAll(async () => {
  platform = await renderPlatform();
  files = distFiles(platform);
});
const crdFiles = () => [...files.keys()].filter((p) => /\/customresourcedefinition-[^/]+\.yaml$/.test(p));

describe('shared CRD folders', () => {
  it('write each CRD once, under dist/crds/, for both environments', () => {
    const all = crdFiles();
    expect(all.every((p) => p.startsWith(`${SHARED_CRDS_DIR}/`))).toBe(true);
    const crds = platform.apps.filter((a) => a.env === 'prod').flatMap((a) => a.objects.filter((o) => o.kind === 'CustomResourceDefinition'));
    expect(all).toHaveLength(crds.length);
    expect(all.length).toBeGreaterThan(50);
    // Names say which chart version they belong to; the hash tells contents apart.
    const folders = [...new Set(all.map((p) => p.split('/')[1]!))];
    expect(folders).toContain(folders.find((f) => /^kube-prometheus-stack-58\.5\.3-[0-9a-f]{10}$/.test(f)));
  });

  it('are referenced by the app that installs the chart, in each environment, which stays their owner', () => {
    for (const app of platform.apps.filter((a) => a.sharedCrds)) {
      const kustomization = app.files[appFiles.kustomization]!;
      expect(referencedFolders(kustomization), `${app.env}/${app.app}`).toEqual([app.sharedCrds!.folder]);
      expect(app.params.source).toBe('kustomize');
      expect(app.objects.filter((o) => o.kind === 'CustomResourceDefinition').length).toBe(Object.keys(app.sharedCrds!.files).length - 1);
    }
    const byFolder = (env: string) => new Map(platform.apps.filter((a) => a.env === env && a.sharedCrds).map((a) => [a.app, a.sharedCrds!.folder]));
    expect(byFolder('dev')).toEqual(byFolder('prod'));
  });

  it('put every CRD in a wave before the rest of its app, server-side applied when too large for client-side apply', () => {
    for (const path of crdFiles()) {
      const crd = parse(files.get(path)!);
      expect(crd.metadata.annotations['argocd.argoproj.io/sync-wave'], path).toBe(String(CRD_SYNC_WAVE));
      const ssa = crd.metadata.annotations['argocd.argoproj.io/sync-options'] === 'ServerSideApply=true';
      // Client-side apply copies the object into an annotation; all annotations must fit in 256 KiB.
      expect(ssa, path).toBe(Buffer.byteLength(JSON.stringify(crd)) > 255 * 1024);
    }
    expect(crdFiles().filter((p) => files.get(p)!.includes('ServerSideApply=true')).map((p) => p.split('/').pop()).sort()).toEqual([
      'customresourcedefinition-alertmanagers.monitoring.coreos.com.yaml',
      'customresourcedefinition-prometheusagents.monitoring.coreos.com.yaml',
      'customresourcedefinition-prometheuses.monitoring.coreos.com.yaml',
      'customresourcedefinition-thanosrulers.monitoring.coreos.com.yaml',
    ]);
    const big = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'big', annotations: { 'argocd.argoproj.io/sync-options': 'Replace=false' } }, spec: { x: 'y'.repeat(262_000) } };
    annotateCrd(big);
    expect(big.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Replace=false,ServerSideApply=true', 'argocd.argoproj.io/sync-wave': '-10' });
  });

});

/**
 * `Kind/name` of one document of kustomize's output, read from its top-level `kind:` and the `name:`
 * directly under `metadata:` (kustomize writes block YAML, two spaces per level): parsing 8 MB of
 * CRDs as YAML would take most of this test's time.
 */
function kindAndName(doc: string): string {
  const kind = /^kind: (.+)$/m.exec(doc)?.[1];
  const metadata = /^metadata:\n((?: {2}.*\n| {4,}.*\n)*)/m.exec(doc)?.[1] ?? '';
  const name = /^ {2}name: (.+)$/m.exec(metadata)?.[1];
  if (kind === undefined || name === undefined) throw new Error(`no kind or metadata.name in:\n${doc.slice(0, 300)}`);
  return `${kind}/${String(parse(name))}`;
}

describe.skipIf(!existsSync(kubectl))('an app folder built as Argo CD builds it', () => {
  it('gives kustomize exactly the app\'s objects, CRDs included', async () => {
    const dist = tempDir('dist-');
    for (const [path, content] of files) {
      mkdirSync(dirname(join(dist, path)), { recursive: true });
      writeFileSync(join(dist, path), content);
    }
    // One build of a kustomization over dev's apps: what each app's folder yields, together. prod's
    // folders reference the same shared folders the same way (tested above), so one build is enough.
    for (const env of ['dev']) {
      const apps = platform.apps.filter((a) => a.env === env && a.sharedCrds);
      const root = join(dist, `all-${env}`);
      mkdirSync(root);
      writeFileSync(join(root, 'kustomization.yaml'), `resources:\n${apps.map((a) => `  - ../${env}/${a.app}/${appFiles.manifests}\n`).join('')}`);
      const expected = apps.flatMap((a) => a.objects.map((o) => `${o.kind}/${o.name}`)).sort();
      await kustomize(root, (built) => expect(built.split(/^---\n/m).map(kindAndName).sort(), env).toEqual(expected));
    }
  });
});

describe('moving CRDs into the shared folder, on a running cluster', () => {
  it('prunes nothing: each app still owns the same CRDs', () => {
    const after = effectiveEnvTree('dev', files);
    // The layout before: every CRD inside its app's folder, no kustomization for directory apps.
    const before = new Map<string, string>();
    for (const [path, content] of after) {
      if (path.endsWith(`/${appFiles.kustomization}`) && !path.startsWith('django/')) continue;
      before.set(path, content);
    }
    const rendered = new Set(platform.apps.filter((a) => a.env === 'dev').flatMap((a) => a.objects.map((o) => `${o.apiVersion}/${o.kind}`)));
    expect(day2('dev', before, after, rendered)).toEqual({ removals: [], problems: [] });
    // Dropping a shared folder from an app is seen as removing its CRDs.
    const lost = new Map([...after].filter(([p]) => !p.startsWith('eck-operator/manifests/customresourcedefinition-')));
    expect(day2('dev', after, lost, rendered).problems[0]).toMatch(/^dev\/eck-operator: removing CRD [a-z0-9.]+ deletes every/);
  });
});
