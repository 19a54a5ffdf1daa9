/**
 * The replay of Argo CD's ApplicationSet generation (test/argocd-generator.ts) that
 * test/applicationset.test.ts trusts: the missingkey=error rewrite, Go's printing through helm,
 * the strategic merge for an Application, and git's pathspec glob.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../synth/kube-object';
import { generateApplications, gitFilesMatching } from './argocd-generator';
import { strategicMerge } from './strategic-merge';
import { strictTemplate } from './strict-template';

describe('strictTemplate (missingkey=error for helm)', () => {
  it('rewrites field accesses on `.`, variables and `$`, and nothing in text, strings or comments', () => {
    const src = 'a.b {{/* .c */}}{{ printf "%s.d" .e.f }}{{ range $k, $v := .m }}{{ $v.x }}{{ $.y }}{{ end }}{{ 1.5 }}';
    const { text, identifiers } = strictTemplate(src);
    expect(text.startsWith('a.b {{/* .c */}}{{ printf "%s.d" (index (required "map has no entry for key \\"f\\"" (ternary (index')).toBe(true);
    expect(text).toContain('(hasKey $v "x")');
    expect(text).toContain('(hasKey $ "y")');
    expect(text).toContain('(hasKey . "m")');
    expect(text.endsWith('{{ end }}{{ 1.5 }}')).toBe(true);
    expect([...identifiers].sort()).toEqual(['end', 'printf', 'range']);
  });

  it('rejects field accesses it cannot rewrite', () => {
    expect(() => strictTemplate('{{ (index . "a").b }}')).toThrow(/parenthesized pipeline/);
    expect(() => strictTemplate('{{ "x" }')).toThrow(/unclosed action/);
  });
});

describe('generateApplications', () => {
  const appSet = (template: unknown, templatePatch?: string): KubeObject => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'test' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ git: { repoURL: 'https://git.example.com/repo.git', revision: 'main', files: [{ path: 'apps/*/config.json' }] } }],
      template,
      templatePatch,
    },
  });
  const template = (annotations: Record<string, string>) => ({ metadata: { name: '{{ .name }}', labels: { '{{ .path.basename }}': 'x' }, annotations }, spec: { project: 'default' } });
  const run = (set: KubeObject, content: object) => generateApplications(set, ['apps/My_App/config.json', 'apps/My_App/README.md'], () => JSON.stringify(content));

  it('renders each string with Go\'s semantics: git file parameters, `<no value>` for nil, guarded and short-circuited lookups, map keys', async () => {
    const [app] = await run(
      appSet(template({
        path: '{{ .path.path }} {{ .path.filename }} {{ .path.basenameNormalized }} {{ .path.filenameNormalized }} {{ toJson .path.segments }}',
        nil: '{{ .none }}',
        guarded: '{{ if hasKey . "absent" }}{{ .absent.x }}{{ end }}{{ and (hasKey . "absent") .absent.x }}',
        numbers: '{{ .big }} {{ .small }}',
      })),
      { name: 'app', none: null, big: 1000000, small: 2 },
    );
    expect(app!.metadata).toEqual({
      name: 'app',
      labels: { My_App: 'x' },
      annotations: { path: 'apps/My_App config.json my-app config.json ["apps","My_App"]', nil: '<no value>', guarded: 'false', numbers: '1e+06 2' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
  });

  it('merges the patch strategically and keeps the template\'s project', async () => {
    const patch = 'metadata:\n  annotations:\n    b: "2"\nspec:\n  project: other\n  syncPolicy:\n    syncOptions: [B]';
    const set = appSet({ ...template({ a: '1' }), spec: { project: 'default', syncPolicy: { automated: { prune: true }, syncOptions: ['A'] } } }, patch);
    const [app] = await run(set, { name: 'app' });
    expect(app!.metadata.annotations).toEqual({ a: '1', b: '2' });
    expect(app!.spec).toEqual({ project: 'default', syncPolicy: { automated: { prune: true }, syncOptions: ['B'] } });
  });

  it('rejects a function helm and Argo CD do not both have or render differently, and Go newer than Argo CD\'s', async () => {
    for (const f of ['normalize .name', 'required "x" .name', 'include "t0" .', 'toYaml .name']) {
      await expect(run(appSet(template({ a: `{{ ${f} }}` })), { name: 'app' })).rejects.toThrow(/template\.metadata\.annotations\.a: \w+: not among the functions/);
    }
    await expect(run(appSet(template({ a: '{{ with .x }}{{ else with .name }}{{ . }}{{ end }}' })), { name: 'app' })).rejects.toThrow(/else with.*Go 1\.21/);
  });
});

describe('strategicMerge (an Application\'s patch strategies)', () => {
  it('merges maps, replaces lists and scalars, deletes on null, drops nulls from new values', () => {
    const original = { metadata: { labels: { a: '1', b: '2' } }, spec: { list: [1, 2], s: 'x', m: { k: 1 }, t: 'scalar' } };
    const patch = { metadata: { labels: { b: null, c: '3' } }, spec: { list: [3], s: 'y', m: { j: 2 }, t: { n: null, v: 1 }, added: { n: null } } };
    expect(strategicMerge(original, patch)).toEqual({ metadata: { labels: { a: '1', c: '3' } }, spec: { list: [3], s: 'y', m: { k: 1, j: 2 }, t: { v: 1 }, added: {} } });
  });

  it('rejects what it does not replay', () => {
    expect(() => strategicMerge({ spec: {} }, { spec: { $patch: 'replace' } })).toThrow(/directives/);
    expect(() => strategicMerge({ metadata: {} }, { metadata: { finalizers: ['x'] } })).toThrow(/metadata\.finalizers/);
  });
});

describe('gitFilesMatching (git ls-files pathspec)', () => {
  it('lets `*` match `/` too, as git does', () => {
    expect(gitFilesMatching(['d/a/app.json', 'd/a/m/app.json', 'd/app.json', 'e/a/app.json'], ['d/*/app.json'])).toEqual(['d/a/app.json', 'd/a/m/app.json']);
  });
});
