/**
 * django's ServiceMonitor, alert rules and dashboard, checked against what the rendered
 * kube-prometheus-stack actually selects (its Prometheus resource and Grafana's sidecar), and every
 * PromQL expression parsed with Prometheus' own grammar (@prometheus-io/lezer-promql).
 */
import { parser } from '@prometheus-io/lezer-promql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DJANGO_METRICS } from '../charts/django-monitoring';
import { monitoringStack } from '../config/monitoring';
import { findObject, manifests, renderedApps, type Obj } from './rendered';
import { repoRoot } from '../config/paths';

const platform = renderedApps();
const NGINX_CONF = readFileSync(join(repoRoot, 'django-todo', 'nginx', 'default.conf'), 'utf8');

const matches = (labels: Record<string, string> | undefined, selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
/** A namespace selector of the Prometheus resource admits `ns`: empty means every namespace. */
const admits = (selector: any, ns: string) => selector !== undefined && (Object.keys(selector).length === 0 || selector.matchNames?.includes(ns));

/** Problems Prometheus' grammar finds in an expression, and the metric names it selects. */
function promql(expr: string): { errors: number[]; metrics: string[] } {
  const errors: number[] = [];
  const metrics: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'VectorSelector') {
        const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(node.from, node.to));
        if (name) metrics.push(name[0]);
      }
    },
  });
  return { errors, metrics };
}

describe.each(['dev', 'prod'])('django monitoring (%s)', (env) => {
  const django = () => platform(env, 'django');
  const prometheus = () => platform(env, 'prometheus');
  const ofKind = (kind: string) => manifests(django()).filter((o) => o.kind === kind);
  const promResource = () => manifests(prometheus()).find((o) => o.kind === 'Prometheus')!;
  const rules = () => ofKind('PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules));
  const dashboard = () => {
    const [cm] = ofKind('ConfigMap').filter((c) => c.metadata.labels && matches(c.metadata.labels, monitoringStack.dashboardLabels));
    return { cm: cm!, model: JSON.parse(Object.values(cm!.data as Record<string, string>)[0]!) };
  };

  it('has a ServiceMonitor that selects exactly the gunicorn Service and its port, and Prometheus selects it', () => {
    const [sm] = ofKind('ServiceMonitor');
    expect(sm).toBeDefined();
    const selected = ofKind('Service').filter((s) => matches(s.metadata.labels, sm!.spec.selector.matchLabels));
    expect(selected.map((s) => s.metadata.name)).toEqual(['django-app']);
    const [endpoint] = sm!.spec.endpoints;
    expect(endpoint.path).toBe('/metrics');
    const servicePort = selected[0]!.spec.ports.find((p: any) => p.name === endpoint.port);
    expect(servicePort).toBeDefined();
    // The Service reaches the gunicorn container port of the Deployment's pods.
    const pod = findObject(django(), 'Deployment', 'django').spec.template;
    expect(matches(pod.metadata.labels, selected[0]!.spec.selector)).toBe(true);
    const container = pod.spec.containers.find((c: any) => c.ports?.some((p: any) => p.name === servicePort.targetPort));
    expect(container.name).toBe('django');
    expect(sm!.spec.namespaceSelector).toEqual({ matchNames: ['django'] });
    // kube-prometheus-stack's Prometheus picks it up.
    const p = promResource().spec;
    expect(matches(sm!.metadata.labels, p.serviceMonitorSelector.matchLabels)).toBe(true);
    expect(admits(p.serviceMonitorNamespaceSelector, 'django')).toBe(true);
  });

  it('has alert rules for availability, the 5xx ratio, readiness and the database, loaded by Prometheus', () => {
    const [pr] = ofKind('PrometheusRule');
    const p = promResource().spec;
    expect(matches(pr!.metadata.labels, p.ruleSelector.matchLabels)).toBe(true);
    expect(admits(p.ruleNamespaceSelector, 'django')).toBe(true);
    const byName = Object.fromEntries(rules().map((r: any) => [r.alert, r]));
    expect(Object.keys(byName).sort()).toEqual(['DjangoDatabaseDown', 'DjangoDown', 'DjangoHighErrorRatio', 'DjangoPodsNotReady', 'DjangoSlowResponses']);
    expect(byName.DjangoDown.expr).toContain('up{job="django-app", namespace="django"}');
    expect(byName.DjangoHighErrorRatio.expr).toContain('status=~"5.."');
    expect(byName.DjangoPodsNotReady.expr).toContain('deployment="django"');
    for (const r of rules()) expect(['warning', 'critical']).toContain(r.labels.severity);
  });

  it('has a dashboard that Grafana’s sidecar loads, on the Prometheus datasource the chart provisions', () => {
    const { cm, model } = dashboard();
    const grafana = findObject(prometheus(), 'Deployment', 'kube-prometheus-stack-grafana').spec.template.spec;
    const sidecar = grafana.containers.find((c: any) => c.name === 'grafana-sc-dashboard');
    const envOf = (name: string) => sidecar.env.find((e: any) => e.name === name)?.value;
    expect(cm.metadata.labels?.[envOf('LABEL')]).toBe(envOf('LABEL_VALUE'));
    expect(['ALL', 'django']).toContain(envOf('NAMESPACE'));
    const datasources = parse(findObject(prometheus(), 'ConfigMap', 'kube-prometheus-stack-grafana-datasource').data['datasource.yaml']);
    const uids = datasources.datasources.filter((d: any) => d.type === 'prometheus').map((d: any) => d.uid);
    expect(model.uid).toBe('django-todo');
    for (const panel of model.panels) {
      expect(uids).toContain(panel.datasource.uid);
      expect(panel.targets.length).toBeGreaterThan(0);
    }
  });

  it('writes every query in valid PromQL, over metrics the app exports', () => {
    const exprs = [...rules().map((r: any) => r.expr as string), ...dashboard().model.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr as string))];
    const appMetrics = new Set(Object.values(DJANGO_METRICS).flatMap((m) => [m, `${m}_bucket`]));
    for (const expr of exprs) {
      const { errors, metrics } = promql(expr);
      expect({ expr, errors }).toEqual({ expr, errors: [] });
      for (const name of metrics.filter((n) => n.startsWith('todo_'))) expect(appMetrics).toContain(name);
    }
  });

  it('keeps /metrics and the probes off the public host: nginx answers 404, the ALB checks gunicorn directly', () => {
    for (const path of ['/metrics', '/readyz', '/healthz']) expect(NGINX_CONF).toMatch(new RegExp(`location = ${path}\\s*\\{ return 404; \\}`));
    const ingress = findObject(django(), 'Ingress', 'django');
    const pod = findObject(django(), 'Deployment', 'django').spec.template.spec;
    const app = pod.containers.find((c: any) => c.name === 'django');
    expect(ingress.metadata.annotations?.['alb.ingress.kubernetes.io/healthcheck-path']).toBe(app.readinessProbe.httpGet.path);
    expect(Number(ingress.metadata.annotations?.['alb.ingress.kubernetes.io/healthcheck-port'])).toBe(app.readinessProbe.httpGet.port);
    // Public traffic goes to nginx only.
    const web = ingress.spec.rules[0].http.paths[0].backend.service.name;
    const targetPort = (manifests(django()).find((o: Obj) => o.kind === 'Service' && o.metadata.name === web)!.spec.ports[0].targetPort);
    expect(pod.containers.find((c: any) => c.ports.some((p: any) => p.name === targetPort)).name).toBe('nginx');
  });
});
