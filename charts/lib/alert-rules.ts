import { Construct } from 'constructs';
import { monitoringStack } from '../../config/monitoring';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring-prometheusrule-monitoring.coreos.com';
import { AddonChart } from './addon-chart';

/** How urgent an alert is; Alertmanager routes on it. */
export type AlertSeverity = 'warning' | 'critical';

/** One alerting rule. */
export interface AlertRule {
  /** Alert name, in UpperCamelCase (e.g. `DjangoDown`). */
  readonly alert: string;
  /** PromQL; the alert fires while it returns anything. */
  readonly expr: string;
  /** How long `expr` must hold before the alert fires, e.g. `5m`. */
  readonly for: string;
  readonly severity: AlertSeverity;
  /** One line for the notification. */
  readonly summary: string;
  /** What it means and what to look at. */
  readonly description: string;
}

/** Props for {@link AlertRules}. */
export interface AlertRulesProps {
  /** Name of the PrometheusRule. */
  readonly name: string;
  /** Rule group name (Prometheus evaluates a group's rules in order). @default the name */
  readonly group?: string;
  readonly rules: readonly AlertRule[];
}

/**
 * Alerting rules as a PrometheusRule, labelled so kube-prometheus-stack's Prometheus loads them
 * from any namespace (config/monitoring.ts).
 */
export class AlertRules extends Construct {
  constructor(scope: Construct, id: string, props: AlertRulesProps) {
    super(scope, id);
    const where = `${AddonChart.of(this).where}: PrometheusRule "${props.name}"`;
    if (props.rules.length === 0) throw new Error(`${where}: no rules`);
    const seen = new Set<string>();
    for (const r of props.rules) {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(r.alert)) throw new Error(`${where}: alert name "${r.alert}" must be UpperCamelCase`);
      if (seen.has(r.alert)) throw new Error(`${where}: alert "${r.alert}" appears twice`);
      seen.add(r.alert);
      if (!/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(r.for)) throw new Error(`${where}: alert "${r.alert}": "for" must be a Prometheus duration like 5m, got "${r.for}"`);
      if (r.expr.trim() === '') throw new Error(`${where}: alert "${r.alert}": empty expr`);
    }
    new PrometheusRule(this, 'Resource', {
      metadata: { name: props.name, labels: { ...monitoringStack.selectorLabels } },
      spec: {
        groups: [
          {
            name: props.group ?? props.name,
            rules: props.rules.map((r) => ({
              alert: r.alert,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
              for: r.for,
              labels: { severity: r.severity },
              annotations: { summary: r.summary, description: r.description },
            })),
          },
        ],
      },
    });
  }
}
