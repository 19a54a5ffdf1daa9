/**
 * Objects generated from the whole environment rather than one addon (the Argo CD ApplicationSet
 * that syncs every app folder). Returned files are added to the named app's folder and validated
 * like every other object.
 */
import type { EnvironmentConfig } from '../config/types';
import type { KubeObject } from './objects';

export interface AppSummary {
  readonly app: string;
  readonly namespace: string;
  readonly layer: number;
  readonly dependsOn: readonly string[];
  /** Parsed app.json of the app. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface EnvironmentObjects {
  /** App folder the objects belong to. */
  readonly app: string;
  readonly objects: readonly KubeObject[];
}

/** No environment-wide objects yet; the Argo CD addon adds the ApplicationSet here. */
export function environmentObjects(_env: EnvironmentConfig, _apps: readonly AppSummary[], _layers: readonly string[][]): EnvironmentObjects[] {
  return [];
}
