import { Testing } from 'cdk8s';
import { testApp } from './helpers';
import { describe, expect, it } from 'vitest';
import { AddonChart } from '../charts/lib/addon-chart';
import { AlertRules, type AlertRule } from '../charts/lib/alert-rules';
import { GrafanaDashboard } from '../charts/lib/grafana-dashboard';
import { loadEnvironment } from '../config/environments';
import { monitoringStack } from '../config/monitoring';

const chart = () => new AddonChart(testApp(), { env: loadEnvironment('dev'), app: 'django' });
const rule: AlertRule = { alert: 'AppDown', expr: 'up == 0', for: '5m', severity: 'critical', summary: 's', description: 'd' };

describe('AlertRules', () => {
  it('renders one group, severity as a label, texts as annotations, labelled for Prometheus', () => {
    const c = chart();
    new AlertRules(c, 'R', { name: 'app', rules: [rule] });
    const [pr] = Testing.synth(c);
    expect(pr).toMatchObject({ kind: 'PrometheusRule', metadata: { name: 'app', namespace: 'django', labels: monitoringStack.selectorLabels } });
    expect(pr.spec.groups).toEqual([{ name: 'app', rules: [{ alert: 'AppDown', expr: 'up == 0', for: '5m', labels: { severity: 'critical' }, annotations: { summary: 's', description: 'd' } }] }]);
  });

  it('rejects what Prometheus would reject or what would confuse, naming the object', () => {
    const make = (rules: AlertRule[]) => () => new AlertRules(chart(), 'R', { name: 'app', rules });
    expect(make([])).toThrow('dev/django: PrometheusRule "app": no rules');
    expect(make([{ ...rule, alert: 'app down' }])).toThrow('alert name "app down" must be UpperCamelCase');
    expect(make([rule, rule])).toThrow('alert "AppDown" appears twice');
    expect(make([{ ...rule, for: '5 minutes' }])).toThrow('"for" must be a Prometheus duration like 5m, got "5 minutes"');
    expect(make([{ ...rule, expr: ' ' }])).toThrow('alert "AppDown": empty expr');
  });
});

describe('GrafanaDashboard', () => {
  const panel = { title: 'p', type: 'timeseries' as const, queries: [{ expr: 'up' }] };

  it('lays panels out in rows of 24 columns, all on the Prometheus datasource', () => {
    const c = chart();
    const d = new GrafanaDashboard(c, 'D', { name: 'app-dashboard', uid: 'app', title: 'App', panels: [panel, { ...panel, width: 6 }, { ...panel, width: 12 }] });
    const [cm] = Testing.synth(c);
    expect(cm.metadata.labels).toEqual(monitoringStack.dashboardLabels);
    const model = JSON.parse(cm.data['app-dashboard.json']);
    expect(model).toEqual(JSON.parse(JSON.stringify(d.model)));
    expect(model.panels.map((p: any) => p.gridPos)).toEqual([
      { x: 0, y: 0, w: 12, h: 8 },
      { x: 12, y: 0, w: 6, h: 8 },
      { x: 0, y: 8, w: 12, h: 8 },
    ]);
    for (const p of model.panels) expect(p.datasource).toEqual({ type: 'prometheus', uid: monitoringStack.datasourceUid });
  });

  it('rejects a bad uid, width or empty panel', () => {
    const make = (props: Partial<ConstructorParameters<typeof GrafanaDashboard>[2]>) => () =>
      new GrafanaDashboard(chart(), 'D', { name: 'd', uid: 'app', title: 'App', panels: [panel], ...props });
    expect(make({ uid: 'x'.repeat(41) })).toThrow(`dev/django: dashboard "d": uid "${'x'.repeat(41)}" must be 1 to 40 letters, digits, - or _`);
    expect(make({ panels: [] })).toThrow('dashboard "d": no panels');
    expect(make({ panels: [{ ...panel, width: 25 }] })).toThrow('panel "p": width must be 1..24, got 25');
    expect(make({ panels: [{ ...panel, queries: [] }] })).toThrow('panel "p": no queries');
  });
});
