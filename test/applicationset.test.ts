/**
 * The `platform` ApplicationSet: what Argo CD generates from dist/<env>/ must be one valid
 * Application per app folder, in the dependency layers' order, each synced with prune.
 *
 * Argo CD v2.11.4's generation is replayed by test/argocd-generator.ts with the real engines: git
 * lists the files the generator's pattern selects, helm's Go text/template + sprig renders the
 * template's string fields and `templatePatch` for every app.json (one helm process per
 * ApplicationSet, `missingkey=error` kept), and the patch is merged as Argo CD's strategic merge
 * patch does for an Application. Where helm's engine differs from Argo CD's, and how the replay
 * bridges it, is written at the top of that file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Yaml from 'yaml';
import { ArgocdImageUpdater } from '../charts/argocd-image-updater';
import { Argocd } from '../charts/argocd';
import { addons, addonsByApp, type AddonRegistry } from '../charts';
import { Prometheus } from '../charts/prometheus';
import { appNames } from '../config/contract';
import { loadEnvironment } from '../config/environments';
import { applicationSet, appJsonGlob, LAYER_LABEL } from '../synth/applicationset';
import type { AppParams } from '../synth/app-params';
import type { AppSummary } from '../synth/environment-objects';
import { syncLayers } from '../synth/graph';
import type { KubeObject } from '../synth/kube-object';
import { synthesize, type SynthResult } from '../synth/pipeline';
import { generateApplications, gitFilesMatching } from './argocd-generator';
import { renderPlatform } from './rendered';
import { validateObject } from '../synth/schema-validate';

type Application = KubeObject & { metadata: { finalizers?: string[] }; spec: any };

const ENVS = ['dev', 'prod'] as const;
let result: SynthResult;
const generated = new Map<string, Application[]>();
const distFiles = (env: string) =>
  result.apps.filter((a) => a.env === env).flatMap((a) => Object.keys(a.files).map((f) => `dist/${env}/${a.app}/${f}`)).sort();
const readDist = (file: string) => {
  const [, env, app, ...rest] = file.split('/');
  const content = result.apps.find((a) => a.env === env && a.app === app)?.files[rest.join('/')];
  if (content === undefined) throw new Error(`no file ${file}`);
  return content;
};
const appSetOf = (env: string) => Yaml.parse(readDist(`dist/${env}/argocd/manifests/applicationset-platform.yaml`)) as KubeObject;
const appsOf = (env: string) => generated.get(env)!;

beforeAll(async () => {
  result = await renderPlatform();
  for (const env of ENVS) generated.set(env, (await generateApplications(appSetOf(env), distFiles(env), readDist)) as Application[]);
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
    const apps = appsOf(envName);
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

  it('syncs every Application with prune: the patch\'s syncOptions merge with the template\'s automated and retry', () => {
    const retry = (appSetOf(envName).spec as any).template.spec.syncPolicy.retry;
    for (const app of appsOf(envName)) {
      const params = JSON.parse(readDist(`dist/${envName}/${app.metadata.name}/app.json`)) as AppParams;
      expect(app.spec.syncPolicy, app.metadata.name).toEqual({
        automated: { prune: true, selfHeal: true },
        retry,
        syncOptions: params.syncOptions,
        // Pod Security labels on the app's namespace (none on kube-system, which is EKS's).
        ...(params.namespaceLabels ? { managedNamespaceMetadata: { labels: params.namespaceLabels } } : {}),
      });
      expect(params.namespaceLabels === undefined, app.metadata.name).toBe(params.namespace === 'kube-system');
      // Deleting an app folder deletes the app's objects with its Application.
      expect(app.metadata.finalizers, app.metadata.name).toEqual(['resources-finalizer.argocd.argoproj.io']);
    }
  });

  it('selects each app folder\'s app.json and nothing else (git pathspec: `*` also matches `/`)', () => {
    const files = distFiles(envName);
    expect(gitFilesMatching(files, [appJsonGlob(envName)])).toEqual(files.filter((f) => /^dist\/[^/]+\/[^/]+\/app\.json$/.test(f)));
  });

  it('has one RollingSync step per topological layer, matching the Applications\' layer labels', () => {
    const own = result.apps.filter((a) => a.env === envName);
    const layers = syncLayers(own.map((a) => ({ app: a.app, dependsOn: a.dependsOn })), envName);
    const steps = (appSetOf(envName).spec as any).strategy;
    expect(steps.type).toBe('RollingSync');
    const apps = appsOf(envName);
    const byStep = (steps.rollingSync.steps as { matchExpressions: { key: string; operator: string; values: string[] }[] }[]).map((s) =>
      apps.filter((a) => s.matchExpressions.every((e) => e.operator === 'In' && e.values.includes(a.metadata.labels?.[e.key] ?? ''))).map((a) => a.metadata.name).sort(),
    );
    expect(byStep).toEqual(layers);
    expect(steps.rollingSync.steps[0].matchExpressions[0].key).toBe(LAYER_LABEL);
    // Cluster addons first (the Load Balancer Controller after External Secrets, its VPC ID comes from SSM),
    // Argo CD next, then the Image Updater.
    expect(layers[0]).toEqual(expect.arrayContaining(['cluster-config', 'external-secrets']));
    expect(layers[1]).toContain('aws-load-balancer-controller');
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
  const chart = { mode: 'inflate', repoURL: 'https://charts.example.com', chart: 'thing', version: '1.2.3', release: 'thing', namespace: 'inflated', valuesFile: 'values/thing.yaml' } as const;
  const { writeBackTarget: _, ...noTarget } = imageUpdater;
  const apps = [summary('plain', {}), summary('inflated', { chart }), summary('django', { imageUpdater }, 1), summary('no-target', { imageUpdater: noTarget }, 1)];
  const appSet = applicationSet(env, apps, [['inflated', 'plain'], ['django', 'no-target']]);
  /** What Argo CD generates from app.json files with these contents (by app folder). */
  const generate = (set: KubeObject, contents: Record<string, unknown>) =>
    generateApplications(set, Object.keys(contents).map((a) => `dist/dev/${a}/app.json`), (f) => JSON.stringify(contents[f.split('/')[2]!])) as Promise<Application[]>;
  let byName: (name: string) => Application;
  beforeAll(async () => {
    const list = await generate(appSet, Object.fromEntries(apps.map((a) => [a.app, a.params])));
    byName = (n) => list.find((a) => a.metadata.name === n)!;
  });

  it('renders schema-valid Applications for every kind of app.json', () => {
    for (const a of apps) expect(validateObject(byName(a.app)), a.app).toEqual([]);
    expect(validateObject(appSet)).toEqual([]);
  });

  it('uses one directory source in render mode, keeping the template\'s automated and retry', () => {
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
    const annotations = Object.keys(byName('no-target').metadata.annotations!);
    expect(annotations).toContain('argocd-image-updater.argoproj.io/image-list');
    expect(annotations).not.toContain('argocd-image-updater.argoproj.io/write-back-target');
  });

  it('fails the whole generation (missingkey=error) on an app.json missing a key, naming file, field and key', async () => {
    const { namespace: _, ...noNamespace } = apps[0]!.params;
    await expect(generate(appSet, { plain: apps[0]!.params, broken: noNamespace })).rejects.toThrow(
      /dist\/dev\/broken\/app\.json: template\.spec\.destination\.namespace.*map has no entry for key "namespace"/,
    );
    const { valuesFile: __, ...noValuesFile } = chart;
    await expect(generate(appSet, { inflated: { ...apps[1]!.params, chart: noValuesFile } })).rejects.toThrow(
      /dist\/dev\/inflated\/app\.json: templatePatch.*map has no entry for key "valuesFile"/,
    );
  });

  it('rejects a layer label that is not the app\'s RollingSync step', () => {
    expect(() => applicationSet(env, [summary('x', {}, 1)], [['x']])).toThrow(/layer 1/);
  });

  it('matches only the environment\'s own app.json files', () => {
    const files = ['dist/dev/django/app.json', 'dist/prod/django/app.json', 'dist/dev/django/manifests/kustomization.yaml'];
    expect(gitFilesMatching(files, [appJsonGlob('dev')])).toEqual(['dist/dev/django/app.json']);
    expect(gitFilesMatching(files, [appJsonGlob('prod')])).toEqual(['dist/prod/django/app.json']);
  });
});

describe('schema validation of generated objects', () => {
  it('rejects unknown fields on the ApplicationSet and on Applications', () => {
    const appSet = appSetOf('dev') as any;
    const bad = { ...appSet, spec: { ...appSet.spec, unknownField: true } };
    expect(validateObject(bad).map((p) => p.message).join('\n')).toMatch(/unknownField/);
    const app = appsOf('dev')[0]!;
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

describe('one addon per app', () => {
  it('the registry type refuses a missing app and a class under another app\'s key', () => {
    const { fluent: _fluent, ...withoutFluent } = addonsByApp;
    // @ts-expect-error fluent has no addon
    const missing: AddonRegistry = withoutFluent;
    // @ts-expect-error Prometheus renders the app prometheus, not fluent
    const misfiled: AddonRegistry = { ...addonsByApp, fluent: addonsByApp.prometheus };
    void [missing, misfiled]; // what the compiler checks; at run time the registry is complete:
    expect(addons.map((a) => a.app).sort()).toEqual([...appNames].sort());
  });

  it('syncLayers and synth name an app listed twice instead of crashing', async () => {
    expect(() => syncLayers([{ app: 'a', dependsOn: [] }, { app: 'a', dependsOn: [] }], 'dev')).toThrow('dev: app(s) listed more than once: a (one addon per app)');
    class Grafana extends Prometheus {}
    await expect(synthesize({ environments: ['dev'], addons: [...addons, Grafana] })).rejects.toThrow('addons: app "prometheus" has 2 addons (Prometheus, Grafana); an app has one');
  });
});
