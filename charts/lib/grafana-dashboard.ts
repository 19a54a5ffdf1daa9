import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { monitoringStack } from '../../config/monitoring';
import { AddonChart } from './addon-chart';

/** One Prometheus query of a panel. */
export interface DashboardQuery {
  readonly expr: string;
  /** Series name in the legend, e.g. `{{status}}`. @default Grafana's (the labels) */
  readonly legend?: string;
}

/** A panel: a time series graph or a single-value stat. */
export interface DashboardPanel {
  readonly title: string;
  readonly type: 'timeseries' | 'stat';
  readonly queries: readonly DashboardQuery[];
  /** Grafana unit id, e.g. `reqps`, `s`, `percentunit`, `bytes`. @default none */
  readonly unit?: string;
  /** Width in grid columns (of 24). @default 12 */
  readonly width?: number;
}

/** Props for {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** Name of the ConfigMap (and of the JSON file in it). */
  readonly name: string;
  /** Stable dashboard uid (Grafana allows up to 40 characters), used in its URL. */
  readonly uid: string;
  readonly title: string;
  /** @default [] */
  readonly tags?: readonly string[];
  /** Panels, laid out left to right, top to bottom. */
  readonly panels: readonly DashboardPanel[];
}

const PANEL_HEIGHT = 8;

/**
 * A Grafana dashboard, built from code, in a ConfigMap that kube-prometheus-stack's Grafana
 * sidecar provisions from any namespace (config/monitoring.ts). Every panel queries the chart's
 * Prometheus datasource.
 */
export class GrafanaDashboard extends Construct {
  /** The dashboard model as Grafana reads it. */
  readonly model: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const where = `${AddonChart.of(this).where}: dashboard "${props.name}"`;
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(props.uid)) throw new Error(`${where}: uid "${props.uid}" must be 1 to 40 letters, digits, - or _`);
    if (props.panels.length === 0) throw new Error(`${where}: no panels`);
    const datasource = { type: 'prometheus', uid: monitoringStack.datasourceUid };
    let x = 0;
    let y = 0;
    const panels = props.panels.map((p, i) => {
      const w = p.width ?? 12;
      if (!Number.isInteger(w) || w < 1 || w > 24) throw new Error(`${where}: panel "${p.title}": width must be 1..24, got ${w}`);
      if (p.queries.length === 0) throw new Error(`${where}: panel "${p.title}": no queries`);
      if (x + w > 24) {
        x = 0;
        y += PANEL_HEIGHT;
      }
      const gridPos = { x, y, w, h: PANEL_HEIGHT };
      x += w;
      return {
        id: i + 1,
        type: p.type,
        title: p.title,
        datasource,
        gridPos,
        fieldConfig: { defaults: p.unit ? { unit: p.unit } : {}, overrides: [] },
        targets: p.queries.map((q, k) => ({ refId: String.fromCharCode(65 + k), datasource, expr: q.expr, ...(q.legend ? { legendFormat: q.legend } : {}) })),
      };
    });
    this.model = {
      uid: props.uid,
      title: props.title,
      tags: [...(props.tags ?? [])],
      editable: false,
      schemaVersion: 39,
      time: { from: 'now-6h', to: 'now' },
      refresh: '1m',
      panels,
    };
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: props.name, labels: { ...monitoringStack.dashboardLabels } },
      data: { [`${props.name}.json`]: `${JSON.stringify(this.model, null, 2)}\n` },
    });
  }
}
