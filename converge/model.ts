/**
 * The day-0 convergence model of one environment: from an empty account, step 0 (infra, see
 * step-zero.ts) and then each RollingSync step, in the order Argo CD v2.11 applies things (phases,
 * waves, hooks; see synth/sync-facts.ts). Every run-time need of every object must be met by step 0,
 * by an earlier step, or by the same app at an earlier or the same phase and wave; a need met only
 * later, or by nothing, is a problem naming env, app, object, need and step. What step 0 applies
 * must be met within step 0 (infra's apply does not retry). Needs met by another app also get the
 * way they recover if that app's step runs late or overlaps (argo-cd#29410).
 */
import { ecrRegistryHost } from '../config/image-ref';
import type { EnvironmentConfig } from '../config/types';
import type { ObjectFacts } from '../synth/objects';
import type { Need } from '../synth/needs';
import { describeObject, needKey, positionOf, ProviderIndex } from './index';
import { recoveryOf } from './recovery';
import { BASELINE, handedOver, stepZero, type Baseline } from './step-zero';
import { compare, INFRA, later, type Consumer, type EnvironmentModel, type ModelApp, type Position, type Provider, type Resolution } from './types';
import { checkWebhooks } from './webhooks';

const PHASES = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];

/** `step 3` or `step 3, PreSync wave -1` when phase or wave matter. */
export function describePosition(p: Position): string {
  if (p.step === 0) return 'step 0 (infra)';
  if (p.phase < 0) return `step ${p.step} (namespace)`;
  const phase = PHASES[p.phase] ?? 'Sync';
  return phase === 'Sync' && p.wave === 0 ? `step ${p.step}` : `step ${p.step}, ${phase} wave ${p.wave}`;
}

export function describeNeed(n: Need): string {
  switch (n.need) {
    case 'api':
      return `the API ${n.group}/${n.version} ${n.kind}`;
    case 'object':
      return describeObject(n);
    case 'namespace':
      return `namespace ${n.name}`;
    case 'default-storage-class':
      return 'a default StorageClass';
    case 'image':
      return `image ${n.image}`;
    case 'ssm':
      return `SSM parameter ${n.parameter}`;
    case 'iam-role':
      return `IAM role ${n.arn}`;
    case 'api-service':
      return `the aggregated API ${n.group}/${n.version}`;
    case 'nodes':
      return `nodes labelled ${Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(',')}`;
    case 'csi-driver':
      return `CSI driver ${n.name}`;
    case 'git-credentials':
      return `credentials for ${n.repoURL}`;
  }
}

export interface ModelInput {
  readonly env: EnvironmentConfig;
  readonly apps: readonly ModelApp[];
  /** What infra installs. @default BASELINE (config/) */
  readonly baseline?: Baseline;
  /** The environment's spokes when it is a hub (config/fleet.ts): their infra registers them. @default none */
  readonly spokes?: readonly EnvironmentConfig[];
}

export function modelEnvironment({ env, apps, baseline = BASELINE, spokes = [] }: ModelInput): EnvironmentModel {
  const zero = stepZero(env, apps, baseline, spokes);
  const index = new ProviderIndex(apps, zero.providers);
  const registry = new RegExp(`^${ecrRegistryHost(env.aws.accountId, env.aws.region).replace(/\./g, '\\.')}/`);
  const appOf = new Map(apps.map((a) => [a.app, a]));
  const ready = new Map<ObjectFacts, Position>();

  const candidates = (n: Need): readonly Provider[] => {
    if (n.need === 'nodes') {
      return index.nodePools.filter((p) => Object.entries(n.labels).every(([k, v]) => p.labels[k] === v)).map((p) => p.provider);
    }
    const key = needKey(n, registry);
    if (key === undefined) return [];
    const fixed = index.get(key);
    if (n.need !== 'image') return fixed;
    const [image, tag] = [n.image.slice(0, n.image.lastIndexOf(':')), n.image.slice(n.image.lastIndexOf(':') + 1)];
    return [...fixed, ...index.imagePatterns.filter((p) => p.image === image && p.pattern.test(tag)).map((p) => p.provider)];
  };
  const readiness = (p: Provider): Position => (p.source && p.owner !== INFRA ? later(p.at, readyOf(appOf.get(p.owner)!, p.source)) : p.at);
  const best = (n: Need): { provider: Provider; at: Position } | undefined =>
    candidates(n).map((provider) => ({ provider, at: readiness(provider) })).sort((a, b) => compare(a.at, b.at))[0];
  // When an object is ready: applied, and everything it needs ready too (a cycle counts as applied).
  function readyOf(app: ModelApp, o: ObjectFacts): Position {
    const known = ready.get(o);
    if (known) return known;
    let at = positionOf(app, o);
    ready.set(o, at);
    for (const n of o.sync.needs) {
      const b = best(n);
      if (b) at = later(at, b.at);
    }
    ready.set(o, at);
    return at;
  }

  const problems: string[] = [];
  const resolutions: Resolution[] = [];
  for (const app of apps) {
    for (const o of app.objects) {
      const consumer: Consumer = { owner: app.app, object: { kind: o.kind, name: o.name, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}) }, at: positionOf(app, o) };
      const declared = app.runtimeNeeds
        .filter((r) => r.by.kind === o.kind && r.by.name === o.name)
        .map((r): { need: Need; whileMissing: string } => ({ need: { need: 'object', kind: r.needs.kind, namespace: r.needs.namespace ?? app.namespace, name: r.needs.name, via: r.reason }, whileMissing: r.whileMissing }));
      for (const { need, whileMissing } of [...o.sync.needs.map((need) => ({ need, whileMissing: undefined })), ...declared]) {
        const r = resolve(env.name, app, o, consumer, need, whileMissing);
        if (r) resolutions.push(r);
        if (r?.problem) problems.push(r.problem);
      }
    }
    for (const r of app.runtimeNeeds) {
      if (!app.objects.some((o) => o.kind === r.by.kind && o.name === r.by.name)) problems.push(`${env.name}/${app.app}: run-time need of ${r.by.kind} "${r.by.name}": the app renders no such object`);
    }
  }

  function resolve(envName: string, app: ModelApp, o: ObjectFacts, consumer: Consumer, need: Need, whileMissing?: string): Resolution | undefined {
    if (need.need !== 'nodes' && needKey(need, registry) === undefined) return undefined;
    const where = `${envName}/${app.app}: ${describeObject(o, app.namespace)}: needs ${describeNeed(need)} (${need.via})`;
    const b = best(need);
    if (!b) return { consumer, need, problem: `${where}, which nothing provides${hint(need)}` };
    const same = b.provider.owner === app.app && b.provider.at.step === consumer.at.step;
    const inTime = same ? compare(b.at, consumer.at) <= 0 : b.at.step < consumer.at.step || (b.at.step === 0 && consumer.at.step === 0);
    const base: Resolution = { consumer, need, provider: b.provider, ready: b.at };
    if (!inTime) {
      const by = `${b.provider.owner === INFRA ? 'infra' : b.provider.owner}'s ${b.provider.what}`;
      const when = consumer.at.step === 0 ? 'infra applies it in step 0, before Argo CD runs' : `it is applied in ${describePosition(consumer.at)}`;
      return { ...base, problem: `${where}: provided by ${by}, ready only in ${describePosition(b.at)}, but ${when}` };
    }
    if (b.provider.owner === app.app) return base;
    const recovery = whileMissing !== undefined ? { text: whileMissing, permanent: false } : recoveryOf(need, o);
    if (recovery.permanent && b.provider.owner !== INFRA) {
      return { ...base, recovery: recovery.text, problem: `${where}: provided by ${b.provider.owner}; ${recovery.text}` };
    }
    return { ...base, recovery: recovery.text };
  }

  problems.push(...checkOwners(env.name, apps, index, baseline), ...checkWebhooks(env.name, apps));
  const steps: string[][] = [];
  for (const a of apps) (steps[a.layer] ??= []).push(a.app);
  return { env: env.name, steps: steps.map((s) => [...s].sort()), stepZero: zero.summary, resolutions, problems };
}

/** One owner per object: what infra creates may be handed over to an app or patched, never applied by both. */
function checkOwners(env: string, apps: readonly ModelApp[], index: ProviderIndex, baseline: Baseline): string[] {
  const problems: string[] = [];
  for (const app of apps) {
    for (const o of app.objects) {
      const infra = index.get(`object:${o.kind}/${o.namespace ?? ''}/${o.name}`).find((p) => p.owner === INFRA);
      if (!infra || handedOver(baseline, app.app, o.kind, o.namespace, o.name)) continue;
      const patch = o.sync.serverSideApply && o.sync.noPrune && o.sync.noDelete;
      if (!patch) problems.push(`${env}/${app.app}: ${describeObject(o, app.namespace)} is also created by infra (${infra.what}): one owner per object (hand it over in config/argocd.ts, or patch fields with ServerSideApply=true,Prune=false,Delete=false)`);
    }
    for (const o of app.objects.filter((x) => x.kind === 'ExternalSecret')) {
      for (const v of o.sync.provides) {
        if (v.provide !== 'secret') continue;
        const infra = index.get(`object:Secret/${v.namespace}/${v.name}`).find((p) => p.owner === INFRA);
        if (infra && !handedOver(baseline, app.app, 'Secret', v.namespace, v.name)) problems.push(`${env}/${app.app}: ExternalSecret "${o.name}" writes Secret "${v.name}", which infra also creates (${infra.what}): one owner per object`);
      }
    }
  }
  return problems;
}

function hint(n: Need): string {
  if (n.need === 'image') return ' (no app publishes that tag: day 0 would wait in ImagePullBackOff for ever)';
  if (n.need === 'api-service') return ' (no APIService or EKS add-on serves it)';
  if (n.need === 'object' && n.kind === 'Secret') return ' (no rendered Secret, ExternalSecret, run-time object or bootstrap Secret has that name)';
  return '';
}
