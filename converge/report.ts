/**
 * The day-0 timeline as text (what each step makes ready, what each app waits for and from whom)
 * and as a Mermaid graph of apps, steps and cross-app needs (docs/convergence-graph.md).
 */
import type { Need } from '../synth/needs';
import type { ModelApp } from './types';
import { INFRA, type EnvironmentModel, type Resolution } from './types';

/** What an app makes ready for others when its step completes. */
export function readyAfter(app: ModelApp): string[] {
  const out: string[] = [];
  const crds = app.objects.flatMap((o) => o.sync.provides.filter((p) => p.provide === 'crd'));
  if (crds.length > 0) out.push(`${crds.length} CRD${crds.length > 1 ? 's' : ''}`);
  for (const o of app.objects) {
    if (o.kind === 'IngressClass') out.push(`IngressClass ${o.name}`);
    for (const p of o.sync.provides) {
      if (p.provide === 'default-storage-class') out.push(`default StorageClass ${p.name}`);
      if (p.provide === 'api-service') out.push(`API ${p.group}/${p.version}`);
      if (p.provide === 'webhook' && p.failurePolicy === 'Fail') out.push(`webhook ${p.name}`);
    }
  }
  for (const r of app.runtimeObjects) if (r.kind === 'Service') out.push(`Service ${r.name} (${r.createdBy})`);
  for (const i of app.publishes) out.push(`image ${i.image.slice(i.image.lastIndexOf('/') + 1)} (${i.when})`);
  return out;
}

/** A short label of a need, for grouping. */
function shortNeed(n: Need, what: string): string {
  if (n.need === 'api') return `CRD ${n.kind}`;
  if (n.need === 'image') return `image ${n.image.slice(n.image.lastIndexOf('/') + 1)}`;
  if (n.need === 'object') return `${n.kind} ${n.name}`;
  if (n.need === 'api-service') return `API ${n.group}`;
  if (n.need === 'git-credentials') return 'repository credentials';
  return what;
}

/** Cross-app needs of one app, grouped by provider: provider → sorted short labels. */
function waitsFor(resolutions: readonly Resolution[], app: string, includeInfra: boolean): Map<string, string[]> {
  const by = new Map<string, Set<string>>();
  for (const r of resolutions) {
    if (r.consumer.owner !== app || !r.provider || r.provider.owner === app) continue;
    if (r.provider.owner === INFRA && !includeInfra) continue;
    const set = by.get(r.provider.owner) ?? new Set<string>();
    set.add(shortNeed(r.need, r.provider.what));
    by.set(r.provider.owner, set);
  }
  return new Map([...by].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
}

/** Needs on infra worth showing (everything else of infra is SSM, roles, nodes and namespaces). */
const NOTABLE_INFRA = new Set(['api-service', 'git-credentials', 'object', 'default-storage-class', 'csi-driver']);

export function formatTimeline(model: EnvironmentModel, apps: readonly ModelApp[], verbose = false): string {
  const lines = [`${model.env}: day 0 from an empty account, ${model.steps.length} RollingSync steps after infra`, 'step 0 (infra, before Argo CD):'];
  for (const s of model.stepZero) lines.push(`  ${s}`);
  model.steps.forEach((names, i) => {
    lines.push(`step ${i + 1}: ${names.join(', ')}`);
    for (const name of names) {
      const app = apps.find((a) => a.app === name)!;
      const waits = [...waitsFor(model.resolutions, name, false)].map(([p, what]) => `${p} (${what.join(', ')})`);
      lines.push(`  ${name}: waits for ${waits.length > 0 ? waits.join('; ') : 'infra only'}`);
      const ready = readyAfter(app);
      if (ready.length > 0) lines.push(`    then ready: ${ready.join(', ')}`);
      if (!verbose) continue;
      for (const r of model.resolutions.filter((x) => x.consumer.owner === name && x.recovery && x.provider?.owner !== INFRA)) {
        lines.push(`    - ${r.consumer.object.kind} ${r.consumer.object.name} → ${r.provider!.owner}: ${r.provider!.what}; if late: ${r.recovery}`);
      }
    }
  });
  if (model.problems.length > 0) lines.push(`${model.problems.length} problem(s):`, ...model.problems.map((p) => `  - ${p}`));
  return lines.join('\n');
}

const node = (name: string) => name.replace(/[^a-zA-Z0-9]/g, '_');

/** A Mermaid flowchart: one subgraph per step, an edge per provider → consumer app, labelled with what. */
export function mermaid(model: EnvironmentModel): string {
  const lines = ['flowchart LR'];
  const id = (name: string) => `${model.env}_${node(name)}`;
  lines.push(`  subgraph ${model.env}_s0["step 0: infra"]`, `    ${id(INFRA)}["EKS, add-ons, SSM, IAM, bootstrap"]`, '  end');
  model.steps.forEach((names, i) => {
    lines.push(`  subgraph ${model.env}_s${i + 1}["step ${i + 1}"]`);
    for (const n of names) lines.push(`    ${id(n)}["${n}"]`);
    lines.push('  end');
  });
  const edges = new Map<string, Set<string>>();
  for (const r of model.resolutions) {
    const p = r.provider;
    if (!p || p.owner === r.consumer.owner) continue;
    if (p.owner === INFRA && !NOTABLE_INFRA.has(r.need.need)) continue;
    const key = `${id(p.owner)} --> ${id(r.consumer.owner)}`;
    const set = edges.get(key) ?? new Set<string>();
    set.add(shortNeed(r.need, p.what));
    edges.set(key, set);
  }
  for (const [edge, what] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
    const label = [...what].sort();
    const [from, to] = edge.split(' --> ');
    lines.push(`  ${from} -- "${label.length > 3 ? `${label.slice(0, 3).join(', ')} +${label.length - 3}` : label.join(', ')}" --> ${to}`);
  }
  return lines.join('\n');
}

/** Where `npm run converge` writes the graphs, relative to the repository root. */
export const GRAPH_DOC = 'docs/convergence-graph.md';

/** docs/convergence-graph.md: generated, one graph per environment. */
export function graphDocument(models: readonly EnvironmentModel[]): string {
  const parts = [
    '<!-- Generated by `npm run converge` from the convergence model (converge/); do not edit. -->',
    '# Day 0, step by step',
    '',
    'Apps in the order Argo CD syncs them from an empty account (RollingSync steps), with the',
    'cross-app needs that fix the order. See [convergence.md](convergence.md) for how to read it.',
  ];
  for (const m of models) parts.push('', `## ${m.env}`, '', '```mermaid', mermaid(m), '```');
  return `${parts.join('\n')}\n`;
}
