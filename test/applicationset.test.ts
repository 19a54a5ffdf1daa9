/**
 * The `platform` ApplicationSet: what Argo CD generates from dist/<env>/ must be one valid
 * Application per app folder, in the dependency layers' order.
 *
 * Argo CD's generation is replayed here: the files generator's glob over the synthesized files,
 * the Go templates (a small interpreter for the subset the generator uses, with
 * `missingkey=error`), and `templatePatch` merged over `template` (maps merge, lists replace,
 * as a strategic merge patch does for Argo CD's types).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Yaml from 'yaml';
import { ArgocdImageUpdater } from '../charts/argocd-image-updater';
import { Argocd } from '../charts/argocd';
import { addons } from '../charts';
import { loadEnvironment } from '../config/environments';
import { applicationSet, appJsonGlob, LAYER_LABEL } from '../synth/applicationset';
import type { AppParams } from '../synth/app-params';
import type { AppSummary } from '../synth/environment-objects';
import { syncLayers } from '../synth/graph';
import type { KubeObject } from '../synth/kube-object';
import { synthesize, type SynthResult } from '../synth/pipeline';
import { renderPlatform } from './rendered';
import { validateObject } from '../synth/schema-validate';

// ---------------------------------------------------------------------------------------------
// A Go text/template interpreter for the generator's subset: actions if/else/end, range $k, $v :=,
// comments, trim markers, pipelines, and the functions toJson, hasKey, eq, and, printf (%s).

type Scope = { dot: unknown; vars: Record<string, unknown> };
type Node = { kind: 'text'; text: string } | { kind: 'action'; body: string };

function tokenize(src: string): Node[] {
  const nodes: Node[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      nodes.push({ kind: 'text', text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    const close = src.indexOf('}}', open);
    if (close < 0) throw new Error('unclosed action');
    let body = src.slice(open + 2, close);
    if (body.startsWith('-')) {
      text = text.replace(/\s+$/, '');
      body = body.slice(1);
    }
    let trimRight = false;
    if (body.endsWith('-')) {
      trimRight = true;
      body = body.slice(0, -1);
    }
    nodes.push({ kind: 'text', text }, { kind: 'action', body: body.trim() });
    i = close + 2;
    if (trimRight) while (i < src.length && /\s/.test(src[i]!)) i++;
  }
  return nodes;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ' ') {
      i++;
      continue;
    }
    if (s[i] === '"') {
      const j = s.indexOf('"', i + 1);
      out.push(s.slice(i, j + 1));
      i = j + 1;
    } else if (s[i] === '(') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '(') depth++;
        if (s[j] === ')' && --depth === 0) break;
      }
      out.push(s.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== ' ') j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

function field(value: unknown, path: string, whole: string): unknown {
  let v = value;
  for (const key of path.split('.').filter((k) => k !== '')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) throw new Error(`template: map has no entry for key "${key}" (in ${whole}; missingkey=error)`);
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const FUNCS: Record<string, (...a: unknown[]) => unknown> = {
  toJson: (v) => JSON.stringify(v),
  hasKey: (m, k) => m !== null && typeof m === 'object' && Object.hasOwn(m, k as string),
  eq: (a, b) => a === b,
  printf: (fmt, ...args) => {
    let n = 0;
    return (fmt as string).replace(/%s/g, () => String(args[n++]));
  },
};

function operand(tok: string, scope: Scope): unknown {
  if (tok.startsWith('"')) return JSON.parse(tok);
  if (tok.startsWith('(')) return pipeline(tok.slice(1, -1), scope);
  if (tok === '.') return scope.dot;
  if (tok.startsWith('.')) return field(scope.dot, tok, tok);
  if (tok.startsWith('$')) {
    const [name, ...rest] = tok.split('.');
    if (!Object.hasOwn(scope.vars, name!)) throw new Error(`undefined variable ${name}`);
    return field(scope.vars[name!], rest.join('.'), tok);
  }
  throw new Error(`unsupported operand ${tok}`);
}

function command(cmd: string, scope: Scope, piped?: { value: unknown }): unknown {
  const [head, ...rest] = splitArgs(cmd);
  if (head === 'and') {
    // Go >= 1.18: `and` stops at the first falsy argument without evaluating the rest.
    let v: unknown = true;
    for (const a of rest) {
      v = operand(a, scope);
      if (!v) return v;
    }
    return v;
  }
  if (head !== undefined && Object.hasOwn(FUNCS, head)) {
    const args = rest.map((a) => operand(a, scope));
    if (piped) args.push(piped.value);
    return FUNCS[head]!(...args);
  }
  if (rest.length > 0 || piped) throw new Error(`unsupported command ${cmd}`);
  return operand(head!, scope);
}

function pipeline(expr: string, scope: Scope): unknown {
  const parts = splitArgs(expr.replace(/\|/g, ' | ')).reduce<string[][]>((acc, t) => (t === '|' ? [...acc, []] : (acc[acc.length - 1]!.push(t), acc)), [[]]);
  let value: { value: unknown } | undefined;
  for (const p of parts) value = { value: command(p.join(' '), scope, value) };
  return value!.value;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

function execute(nodes: Node[], start: number, scope: Scope, out: string[], skip: boolean): { end: number; stop: 'end' | 'else' | 'eof' } {
  let i = start;
  while (i < nodes.length) {
    const n = nodes[i]!;
    i++;
    if (n.kind === 'text') {
      if (!skip) out.push(n.text);
      continue;
    }
    const body = n.body;
    if (body.startsWith('/*')) continue;
    if (body === 'end') return { end: i, stop: 'end' };
    if (body === 'else') return { end: i, stop: 'else' };
    if (body.startsWith('if ')) {
      const cond = skip ? false : truthy(pipeline(body.slice(3), scope));
      const first = execute(nodes, i, scope, out, skip || !cond);
      i = first.end;
      if (first.stop === 'else') i = execute(nodes, i, scope, out, skip || cond).end;
      continue;
    }
    const range = /^range \$(\w+), \$(\w+) := (.+)$/.exec(body);
    if (range) {
      const m = skip ? {} : (pipeline(range[3]!, scope) as Record<string, unknown>);
      const keys = Object.keys(m).sort();
      let end = i;
      if (keys.length === 0) end = execute(nodes, i, scope, out, true).end;
      for (const k of keys) end = execute(nodes, i, { dot: scope.dot, vars: { ...scope.vars, [`$${range[1]}`]: k, [`$${range[2]}`]: m[k] } }, out, skip).end;
      i = end;
      continue;
    }
    if (!skip) {
      const v = pipeline(body, scope);
      out.push(typeof v === 'string' ? v : String(v));
    }
  }
  return { end: i, stop: 'eof' };
}

function renderTemplate(src: string, params: unknown): string {
  const out: string[] = [];
  execute(tokenize(src), 0, { dot: params, vars: {} }, out, false);
  return out.join('');
}

/** Every string leaf of `template` rendered with the parameters. */
function renderLeaves(v: unknown, params: unknown): unknown {
  if (typeof v === 'string') return renderTemplate(v, params);
  if (Array.isArray(v)) return v.map((x) => renderLeaves(x, params));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderLeaves(x, params)]));
  return v;
}

function merge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object' || Array.isArray(base)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = k in out ? merge(out[k], v) : v;
  return out;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

/** What Argo CD's ApplicationSet controller generates from the dist files of one environment. */
function generate(appSet: KubeObject, files: readonly string[], read: (file: string) => string): KubeObject[] {
  const spec = appSet.spec as { generators: { git: { files: { path: string }[] } }[]; template: unknown; templatePatch: string };
  const matched = files.filter((f) => spec.generators.some((g) => g.git.files.some((p) => globToRegExp(p.path).test(f))));
  return matched.map((file) => {
    const dir = file.slice(0, file.lastIndexOf('/'));
    const params = { ...(JSON.parse(read(file)) as Record<string, unknown>), path: { path: dir, basename: dir.slice(dir.lastIndexOf('/') + 1), filename: 'app.json', segments: dir.split('/') } };
    const base = renderLeaves(spec.template, params);
    const patch = Yaml.parse(renderTemplate(spec.templatePatch, params)) as unknown;
    const app = merge(base, patch) as { metadata: KubeObject['metadata']; spec: unknown };
    return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: app.metadata, spec: app.spec };
  });
}

// ---------------------------------------------------------------------------------------------

const ENVS = ['dev', 'prod'] as const;
let result: SynthResult;
const distFiles = (env: string) =>
  result.apps.filter((a) => a.env === env).flatMap((a) => Object.keys(a.files).map((f) => `dist/${env}/${a.app}/${f}`)).sort();
const readDist = (file: string) => {
  const [, env, app, ...rest] = file.split('/');
  const content = result.apps.find((a) => a.env === env && a.app === app)?.files[rest.join('/')];
  if (content === undefined) throw new Error(`no file ${file}`);
  return content;
};
const appSetOf = (env: string) => Yaml.parse(readDist(`dist/${env}/argocd/manifests/applicationset-platform.yaml`)) as KubeObject;

beforeAll(async () => {
  result = await renderPlatform();
}, 300_000);

describe.each(ENVS)('the %s ApplicationSet', (envName) => {
  const env = () => loadEnvironment(envName);

  it('is the argocd app\'s manifests/applicationset-platform.yaml, named platform in argocd, schema-valid', () => {
    const appSet = appSetOf(envName);
    expect(appSet.kind).toBe('ApplicationSet');
    expect(appSet.metadata).toEqual({
      name: 'platform',
      namespace: 'argocd',
      annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
    });
    expect(validateObject(appSet)).toEqual([]);
    const spec = appSet.spec as Record<string, any>;
    expect(spec.goTemplate).toBe(true);
    expect(spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(spec.generators).toEqual([{ git: { repoURL: env().git.repoUrl, revision: env().git.revision, files: [{ path: `dist/${envName}/*/app.json` }] } }]);
    // RollingSync strips `automated` but passes its prune flag to the syncs it runs.
    expect(spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    // Without preserveResourcesOnDeletion each Application gets the resources finalizer.
    expect(spec.syncPolicy).toBeUndefined();
    expect(spec.preservedFields).toBeUndefined();
    expect(JSON.stringify(spec)).not.toMatch(/ServerSideDiff|refresh|plugin/);
  });

  it('generates exactly one Application per app folder, none pointing at a missing folder', () => {
    const files = distFiles(envName);
    const apps = generate(appSetOf(envName), files, readDist);
    const folders = [...new Set(files.map((f) => f.split('/')[2]!))].sort();
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(folders);
    expect(new Set(apps.map((a) => a.metadata.name)).size).toBe(apps.length);
    for (const app of apps) {
      expect(validateObject(app), app.metadata.name).toEqual([]);
      const spec = app.spec as { source?: { path: string }; sources?: { path?: string; ref?: string }[]; destination: { namespace: string } };
      const paths = [spec.source, ...(spec.sources ?? [])].filter((s) => s?.path !== undefined).map((s) => s!.path!);
      expect(paths.length, app.metadata.name).toBeGreaterThan(0);
      for (const p of paths) expect(files.some((f) => f.startsWith(`${p}/`)), `${app.metadata.name}: ${p}`).toBe(true);
      expect(spec.destination.namespace).toBe(result.apps.find((a) => a.env === envName && a.app === app.metadata.name)!.namespace);
      // Image Updater annotations exactly where app.json asks for them.
      const asks = 'imageUpdater' in JSON.parse(readDist(`dist/${envName}/${app.metadata.name}/app.json`));
      const iu = Object.keys(app.metadata.annotations ?? {}).filter((k) => k.startsWith('argocd-image-updater'));
      expect(iu.length > 0, app.metadata.name).toBe(asks);
    }
  });

  it('has one RollingSync step per topological layer, matching the Applications\' layer labels', () => {
    const own = result.apps.filter((a) => a.env === envName);
    const layers = syncLayers(own.map((a) => ({ app: a.app, dependsOn: a.dependsOn })), envName);
    const steps = (appSetOf(envName).spec as any).strategy;
    expect(steps.type).toBe('RollingSync');
    const apps = generate(appSetOf(envName), distFiles(envName), readDist);
    const byStep = (steps.rollingSync.steps as { matchExpressions: { key: string; operator: string; values: string[] }[] }[]).map((s) =>
      apps.filter((a) => s.matchExpressions.every((e) => e.operator === 'In' && e.values.includes(a.metadata.labels?.[e.key] ?? ''))).map((a) => a.metadata.name).sort(),
    );
    expect(byStep).toEqual(layers);
    expect(steps.rollingSync.steps[0].matchExpressions[0].key).toBe(LAYER_LABEL);
    // Cluster addons first, Argo CD next, then the Image Updater.
    expect(layers[0]).toEqual(expect.arrayContaining(['aws-load-balancer-controller', 'cluster-config', 'external-secrets']));
    expect(layers.findIndex((l) => l.includes('argocd'))).toBeLessThan(layers.findIndex((l) => l.includes('argocd-image-updater')));
  });
});

describe('per-app differences (templatePatch)', () => {
  const env = loadEnvironment('dev');
  const summary = (app: string, extra: Partial<AppParams>, layer = 0): AppSummary => ({
    app,
    params: { name: app, namespace: app, dependsOn: [], syncOptions: ['CreateNamespace=true'], ignoreDifferences: [], source: 'directory', layer, ...extra },
  });
  const imageUpdater = {
    imageList: 'django=111111111111.dkr.ecr.us-east-1.amazonaws.com/django-todo',
    annotations: { 'django.update-strategy': 'newest-build', 'django.allow-tags': 'regexp:^[0-9a-f]{40}$' },
    writeBackTarget: 'kustomization',
  };
  const apps = [
    summary('plain', {}),
    summary('inflated', { chart: { mode: 'inflate', repoURL: 'https://charts.example.com', chart: 'thing', version: '1.2.3', release: 'thing', namespace: 'inflated', valuesFile: 'values/thing.yaml' } }),
    summary('django', { imageUpdater }, 1),
  ];
  const layers = [['inflated', 'plain'], ['django']];
  const appSet = applicationSet(env, apps, layers);
  const files = apps.map((a) => `dist/dev/${a.app}/app.json`);
  const generated = generate(appSet, files, (f) => JSON.stringify(apps.find((a) => f === `dist/dev/${a.app}/app.json`)!.params));
  const byName = (n: string) => generated.find((a) => a.metadata.name === n)! as KubeObject & { spec: any };

  it('renders schema-valid Applications for every kind of app.json', () => {
    for (const a of generated) expect(validateObject(a), a.metadata.name).toEqual([]);
    expect(validateObject(appSet)).toEqual([]);
  });

  it('uses one directory source in render mode', () => {
    expect(byName('plain').spec.source).toEqual({ repoURL: env.git.repoUrl, targetRevision: env.git.revision, path: 'dist/dev/plain/manifests' });
    expect(byName('plain').spec.sources).toBeUndefined();
    expect(byName('plain').spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, retry: expect.any(Object), syncOptions: ['CreateNamespace=true'] });
  });

  it('uses chart + $values ref + manifests directory in inflate mode', () => {
    const spec = byName('inflated').spec;
    expect(spec.source).toBeUndefined();
    expect(spec.sources).toEqual([
      { repoURL: 'https://charts.example.com', chart: 'thing', targetRevision: '1.2.3', helm: { releaseName: 'thing', valueFiles: ['$values/dist/dev/inflated/values/thing.yaml'] } },
      { repoURL: env.git.repoUrl, targetRevision: env.git.revision, ref: 'values' },
      { repoURL: env.git.repoUrl, targetRevision: env.git.revision, path: 'dist/dev/inflated/manifests' },
    ]);
  });

  it('puts the Image Updater annotations on the app that declares them, and only there', () => {
    expect(byName('django').metadata.annotations).toEqual({
      'argocd-image-updater.argoproj.io/image-list': imageUpdater.imageList,
      'argocd-image-updater.argoproj.io/django.update-strategy': 'newest-build',
      'argocd-image-updater.argoproj.io/django.allow-tags': 'regexp:^[0-9a-f]{40}$',
      'argocd-image-updater.argoproj.io/write-back-method': 'git:secret:argocd/argocd-image-updater-git',
      'argocd-image-updater.argoproj.io/git-branch': env.git.revision,
      'argocd-image-updater.argoproj.io/write-back-target': 'kustomization',
    });
    expect(byName('plain').metadata.annotations).toBeUndefined();
    expect(byName('inflated').metadata.annotations).toBeUndefined();
    expect(byName('django').metadata.labels).toEqual({ [LAYER_LABEL]: '1' });
  });

  it('leaves write-back-target out when the app does not set it', () => {
    const { writeBackTarget: _, ...noTarget } = imageUpdater;
    const set = applicationSet(env, [summary('django', { imageUpdater: noTarget })], [['django']]);
    const [app] = generate(set, ['dist/dev/django/app.json'], () => JSON.stringify({ ...apps[0]!.params, name: 'django', imageUpdater: noTarget }));
    expect(Object.keys(app!.metadata.annotations!)).not.toContain('argocd-image-updater.argoproj.io/write-back-target');
  });

  it('rejects a layer label that is not the app\'s RollingSync step', () => {
    expect(() => applicationSet(env, [summary('x', {}, 1)], [['x']])).toThrow(/layer 1/);
  });

  it('matches only the environment\'s own app.json files', () => {
    expect(globToRegExp(appJsonGlob('dev')).test('dist/dev/django/app.json')).toBe(true);
    expect(globToRegExp(appJsonGlob('dev')).test('dist/prod/django/app.json')).toBe(false);
    expect(globToRegExp(appJsonGlob('dev')).test('dist/dev/django/manifests/app.json')).toBe(false);
  });
});

describe('schema validation of generated objects', () => {
  it('rejects unknown fields on the ApplicationSet and on Applications', () => {
    const appSet = appSetOf('dev') as any;
    const bad = { ...appSet, spec: { ...appSet.spec, unknownField: true } };
    expect(validateObject(bad).map((p) => p.message).join('\n')).toMatch(/unknownField/);
    const app = generate(appSet, distFiles('dev'), readDist)[0] as any;
    const badApp = { ...app, spec: { ...app.spec, syncPolicy: { ...app.spec.syncPolicy, bogus: 1 } } };
    expect(validateObject(badApp).length).toBeGreaterThan(0);
  });
});

describe('dependency cycles', () => {
  it('syncLayers names the cycle', () => {
    expect(() => syncLayers([{ app: 'a', dependsOn: ['b'] }, { app: 'b', dependsOn: ['a'] }, { app: 'c', dependsOn: [] }], 'dev')).toThrow('dev: dependency cycle: a -> b -> a');
  });

  it('synth fails naming the cycle', async () => {
    class CyclicArgocd extends Argocd {
      static override readonly dependsOn = ['external-secrets', 'argocd-image-updater'] as never;
    }
    await expect(synthesize({ environments: ['dev'], addons: [...addons.filter((a) => a.app !== 'argocd' && a.app !== 'argocd-image-updater'), CyclicArgocd, ArgocdImageUpdater] })).rejects.toThrow(/dependency cycle: argocd -> argocd-image-updater -> argocd/);
  });
});
