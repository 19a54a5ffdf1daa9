/**
 * The app dependency graph: each addon declares the apps it needs; synth turns the graph into
 * layers (apps whose dependencies are all in earlier layers), the order Argo CD syncs them in.
 */
import { HUB_APPS } from '../config/fleet';
import type { EnvironmentConfig } from '../config/types';

export interface GraphNode {
  readonly app: string;
  readonly dependsOn: readonly string[];
}

/** Topological layers, each sorted by name. Unknown dependencies and cycles throw, naming them. */
export function syncLayers(nodes: readonly GraphNode[], where: string): string[][] {
  const names = new Set(nodes.map((n) => n.app));
  const twice = nodes.map((n) => n.app).filter((a, i, all) => all.indexOf(a) !== i);
  if (twice.length > 0) throw new Error(`${where}: app(s) listed more than once: ${[...new Set(twice)].sort().join(', ')} (one addon per app)`);
  for (const n of nodes) {
    for (const d of n.dependsOn) {
      if (!names.has(d)) throw new Error(`${where}/${n.app}: depends on unknown or disabled app "${d}" (known: ${[...names].sort().join(', ')})`);
      if (d === n.app) throw new Error(`${where}/${n.app}: depends on itself`);
    }
  }
  const layers: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < nodes.length) {
    const layer = nodes.filter((n) => !placed.has(n.app) && n.dependsOn.every((d) => placed.has(d))).map((n) => n.app).sort();
    if (layer.length === 0) {
      const rest = nodes.filter((n) => !placed.has(n.app));
      throw new Error(`${where}: dependency cycle: ${findCycle(rest).join(' -> ')}`);
    }
    layer.forEach((a) => placed.add(a));
    layers.push(layer);
  }
  return layers;
}

function findCycle(nodes: readonly GraphNode[]): string[] {
  const byName = new Map(nodes.map((n) => [n.app, n]));
  const start = [...byName.keys()].sort()[0]!;
  const path: string[] = [];
  let current = start;
  while (!path.includes(current)) {
    path.push(current);
    current = byName.get(current)!.dependsOn.filter((d) => byName.has(d)).sort()[0]!;
  }
  const cycle = path.slice(path.indexOf(current));
  // Start at the alphabetically first member, so the message does not depend on the other apps.
  const first = cycle.indexOf([...cycle].sort()[0]!);
  const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
  return [...rotated, rotated[0]!];
}

/** An app's dependencies in an environment: in a spoke, its hub's Argo CD and Image Updater run before anything syncs. */
export function dependenciesIn(env: EnvironmentConfig, dependsOn: readonly string[]): string[] {
  const fromHub: readonly string[] = env.hub === undefined ? [] : HUB_APPS;
  return dependsOn.filter((d) => !fromHub.includes(d)).sort();
}
