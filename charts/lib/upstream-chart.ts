import { Construct } from 'constructs';
import type { ChartName } from '../../config/chart-versions';
import type { ChartMode } from '../../config/types';
import { AddonChart } from './addon-chart';
import type { ChartValues } from './chart-values';

/** Selects rendered objects by kind and name (and namespace when it matters). */
export interface ObjectSelector {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** One RFC 6902 operation. */
export type JsonPatchOp =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

/** A change to rendered objects that values cannot express, with the reason it exists. */
export interface RenderedPatch {
  readonly target: ObjectSelector;
  readonly ops: readonly JsonPatchOp[];
  readonly reason: string;
}

/** A value path the chart reads indirectly (so the values check cannot see it), with the reason. */
export interface AllowedValue {
  readonly path: string;
  readonly reason: string;
}

/** Props for {@link UpstreamChart}. */
export interface UpstreamChartProps<C extends ChartName> {
  /** The pinned chart; its version comes from the environment's chart table. */
  readonly chart: C;
  /** Helm release name (objects are named after it). */
  readonly release: string;
  /** Namespace the release is templated into. @default the app's namespace */
  readonly namespace?: string;
  /** Values, typed by the chart's generated interface and checked against its keys at synth. */
  readonly values: ChartValues[C];
  /** Whether the chart's CRDs are part of the app. @default true */
  readonly includeCrds?: boolean;
  /** Typed patches on rendered objects. @default none */
  readonly patches?: readonly RenderedPatch[];
  /** Rendered objects to leave out, with the reason in a comment at the call site. @default none */
  readonly exclude?: readonly ObjectSelector[];
  /** Value paths to accept although the check cannot find them in the chart. @default none */
  readonly allowValues?: readonly AllowedValue[];
}

/** Everything the synth pipeline needs to render (or inflate) one release. */
export interface ReleaseRequest {
  readonly env: string;
  readonly app: string;
  readonly chart: ChartName;
  readonly version: string;
  readonly release: string;
  readonly namespace: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly includeCrds: boolean;
  readonly patches: readonly RenderedPatch[];
  readonly exclude: readonly ObjectSelector[];
  readonly allowValues: readonly AllowedValue[];
  readonly mode: ChartMode;
}

const RELEASE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A pinned upstream Helm chart with typed values, part of an app. It emits no cdk8s objects itself:
 * the synth pipeline renders it with `helm template` (or, in `inflate` mode, hands chart and values
 * to Argo CD), validates every object, and writes the result next to the app's own objects.
 */
export class UpstreamChart<C extends ChartName> extends Construct {
  readonly request: ReleaseRequest;

  constructor(scope: Construct, id: string, props: UpstreamChartProps<C>) {
    super(scope, id);
    const chart = AddonChart.of(this);
    const where = `${chart.where}: chart ${props.chart}`;
    if (!RELEASE.test(props.release) || props.release.length > 53) {
      throw new Error(`${where}: release "${props.release}" must be a DNS label of at most 53 characters`);
    }
    if (props.values === null || typeof props.values !== 'object' || Array.isArray(props.values)) {
      throw new Error(`${where}: values must be an object`);
    }
    for (const p of props.patches ?? []) {
      if (p.reason.trim() === '') throw new Error(`${where}: patch on ${p.target.kind}/${p.target.name} needs a reason`);
      for (const op of p.ops) {
        if (!op.path.startsWith('/')) throw new Error(`${where}: patch path "${op.path}" must start with "/"`);
      }
    }
    for (const a of props.allowValues ?? []) {
      if (a.reason.trim() === '') throw new Error(`${where}: allowed value "${a.path}" needs a reason`);
    }
    const others = chart.node.findAll().filter((c): c is UpstreamChart<ChartName> => c instanceof UpstreamChart && c !== this);
    if (others.length > 0) throw new Error(`${where}: an app holds at most one upstream chart (already has ${others[0]!.request.chart})`);

    const settings = chart.env.apps[chart.app];
    const namespace = props.namespace ?? chart.namespace;
    // Argo CD's helm source has no namespace of its own: it templates into the app's namespace.
    if (settings.chartMode === 'inflate' && namespace !== chart.namespace) {
      throw new Error(`${where}: inflate mode needs the release namespace "${namespace}" to be the app's namespace "${chart.namespace}"`);
    }
    this.request = {
      env: chart.env.name,
      app: chart.app,
      chart: props.chart,
      version: chart.env.charts[props.chart],
      release: props.release,
      namespace,
      values: JSON.parse(JSON.stringify(props.values)) as Record<string, unknown>,
      includeCrds: props.includeCrds ?? true,
      patches: props.patches ?? [],
      exclude: props.exclude ?? [],
      allowValues: props.allowValues ?? [],
      mode: settings.chartMode ?? 'render',
    };
  }

  /** The upstream chart of an app, if it has one. */
  static of(chart: AddonChart): UpstreamChart<ChartName> | undefined {
    return chart.node.findAll().find((c): c is UpstreamChart<ChartName> => c instanceof UpstreamChart);
  }
}
