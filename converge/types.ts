/**
 * The convergence model's vocabulary: positions in the day-0 timeline, the apps it reads, and what
 * it reports. Step 0 is what infra creates before Argo CD exists; step n (n ≥ 1) is RollingSync step
 * n, the apps of dependency layer n - 1.
 */
import type { ObjectRef } from '../charts/lib/addon-chart';
import type { AppOutput } from '../synth/app-output';
import type { ObjectFacts } from '../synth/objects';
import type { Need } from '../synth/needs';

/** When something happens: step, then sync phase (-1 = namespace creation), wave, and whether it has settled. */
export interface Position {
  readonly step: number;
  readonly phase: number;
  readonly wave: number;
  /** 1 once the wave's resources are healthy (Argo CD waits for that before the next wave). */
  readonly settled: 0 | 1;
}

export const STEP_ZERO: Position = { step: 0, phase: 0, wave: 0, settled: 1 };

export function compare(a: Position, b: Position): number {
  return a.step - b.step || a.phase - b.phase || a.wave - b.wave || a.settled - b.settled;
}

export function later(a: Position, b: Position): Position {
  return compare(a, b) >= 0 ? a : b;
}

/** One app of one environment as the model reads it: the fields of synth's AppOutput it uses (layer + 1 is its RollingSync step). */
export type ModelApp = Pick<AppOutput, 'app' | 'namespace' | 'layer' | 'objects' | 'runtimeObjects' | 'runtimeNeeds' | 'publishes'>;

/** `infra` for step 0, else the app. */
export type Owner = string;
export const INFRA = 'infra';

/** Something that satisfies a need. */
export interface Provider {
  readonly owner: Owner;
  /** What it is, for people: `ExternalSecret "argocd-secret"`, `EKS add-on metrics-server`. */
  readonly what: string;
  /** When it exists. */
  readonly at: Position;
  /** The object that provides it, whose own needs delay it (see model.ts readiness). */
  readonly source?: ObjectFacts;
  /** A provider that only shows up once something runs (a build), not when it is applied. */
  readonly eventually?: string;
}

/** An object whose needs the model checks, and where it stands. */
export interface Consumer {
  readonly owner: Owner;
  readonly object: ObjectRef & { readonly namespace?: string };
  readonly at: Position;
}

/** A need and how it was met (or why not). */
export interface Resolution {
  readonly consumer: Consumer;
  readonly need: Need;
  readonly provider?: Provider;
  /** When the provider is ready (its own needs met). */
  readonly ready?: Position;
  /** Set when the need is not met in time: the message names env, app, object, need and step. */
  readonly problem?: string;
  /** For needs met by another app: what happens when that app's step starts late or overlaps (argo-cd#29410). */
  readonly recovery?: string;
}

/** The model's verdict on one environment. */
export interface EnvironmentModel {
  readonly env: string;
  /** Apps per RollingSync step (index 0 = step 1). */
  readonly steps: readonly (readonly string[])[];
  /** What step 0 creates. */
  readonly stepZero: readonly string[];
  readonly resolutions: readonly Resolution[];
  readonly problems: readonly string[];
}
