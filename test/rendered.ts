/**
 * The whole platform as synth renders it (real vendored charts, all addons, dev and prod), for
 * tests that assert on the objects of one app. Rendered once per vitest worker: test files share
 * their worker's modules (vitest.config.mts `isolate: false`), so every file of a worker reads the
 * same render.
 */
import { parse } from 'yaml';
import { beforeAll } from 'vitest';
import type { AppOutput } from '../synth/app-output';
import { synthesize, type SynthResult } from '../synth/pipeline';

/** A rendered Kubernetes object, loosely typed for assertions. */
export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: any };

let platform: Promise<SynthResult> | undefined;

/** Synth of every environment and addon, in memory (dist/ is not touched). */
export function renderPlatform(): Promise<SynthResult> {
  return (platform ??= synthesize({ environments: ['dev', 'prod'] }));
}

export function appOf(result: SynthResult, env: string, name: string): AppOutput {
  const a = result.apps.find((x) => x.env === env && x.app === name);
  if (!a) throw new Error(`no app ${env}/${name}`);
  return a;
}

/**
 * For a test file: renders the platform before its tests and returns the accessor of one app of
 * one environment (call it inside tests, not while collecting them).
 */
export function renderedApps(): (env: string, name: string) => AppOutput {
  let result: SynthResult | undefined;
  beforeAll(async () => {
    result = await renderPlatform();
  });
  return (env, name) => {
    if (!result) throw new Error('renderedApps(): the platform is rendered in beforeAll; use the accessor inside tests');
    return appOf(result, env, name);
  };
}

const parsed = new WeakMap<AppOutput, Obj[]>();

/** The app's objects, parsed once. CRDs are left out: large, and schema-checked by synth itself. */
export function manifests(a: AppOutput): Obj[] {
  let list = parsed.get(a);
  if (!list) {
    list = Object.entries(a.files)
      .filter(([f]) => f.startsWith('manifests/') && f !== 'manifests/kustomization.yaml' && !f.startsWith('manifests/customresourcedefinition-'))
      .map(([, c]) => parse(c) as Obj);
    parsed.set(a, list);
  }
  return list;
}

export function findObject(a: AppOutput, kind: string, name: string): Obj {
  const o = manifests(a).find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${a.env}/${a.app}: no ${kind} ${name}`);
  return o;
}

export const appJson = (a: AppOutput) => JSON.parse(a.files['app.json']!) as Record<string, any>;

/** The values the app hands its chart. */
export const chartValuesOf = (a: AppOutput, release: string) => parse(a.files[`values/${release}.yaml`]!) as Record<string, any>;

/** Secrets the app's ExternalSecrets produce in its namespace, by name. */
export const externalSecretTargets = (a: AppOutput) =>
  new Map(manifests(a).filter((o) => o.kind === 'ExternalSecret' && (o.metadata.namespace ?? a.namespace) === a.namespace).map((o) => [o.spec.target.name as string, o]));
