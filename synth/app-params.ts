/**
 * The parameters of one app as written to dist/<env>/<app>/app.json, where the ApplicationSet's
 * git files generator reads them (synth/applicationset.ts uses every field).
 */
import type { IgnoreDifference, ImageUpdaterParams } from '../charts/lib/addon-chart';
import type { ChartMode } from '../config/types';

export interface ChartParams {
  readonly mode: ChartMode;
  readonly repoURL: string;
  readonly chart: string;
  readonly version: string;
  readonly release: string;
  readonly namespace: string;
  /** Values file, relative to the app folder. */
  readonly valuesFile: string;
}

export interface AppParams {
  readonly name: string;
  readonly namespace: string;
  readonly dependsOn: readonly string[];
  readonly syncOptions: readonly string[];
  readonly ignoreDifferences: readonly IgnoreDifference[];
  /** How Argo CD reads `manifests/`. */
  readonly source: 'directory' | 'kustomize';
  readonly imageUpdater?: ImageUpdaterParams;
  /** Labels Argo CD keeps on the app's namespace (Pod Security admission); absent for kube-system. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly chart?: ChartParams;
  /** Topological layer of the app in the dependency graph (its RollingSync step). */
  readonly layer: number;
}
