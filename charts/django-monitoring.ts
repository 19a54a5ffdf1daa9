import { Construct } from 'constructs';
import { monitoringStack } from '../config/monitoring';
import { ServiceMonitor } from '../imports/monitoring-servicemonitor-monitoring.coreos.com';
import { AddonChart } from './lib/addon-chart';
import { AlertRules } from './lib/alert-rules';
import { GrafanaDashboard } from './lib/grafana-dashboard';

/** What django-todo exports on /metrics (django-todo/todo_site/metrics.py). */
export const DJANGO_METRICS = {
  /** Counter of responses, labels `method` and `status`. */
  requests: 'todo_http_requests_total',
  /** Histogram of response times, label `method`. */
  latency: 'todo_http_request_duration_seconds',
  /** 1 when the scrape could query the database, else 0. */
  databaseUp: 'todo_database_up',
  items: 'todo_items',
  itemsDone: 'todo_items_done',
} as const;
const DJANGO_METRICS_PATH = '/metrics';

/** Props for {@link DjangoMonitoring}. */
export interface DjangoMonitoringProps {
  /** The Service in front of gunicorn (not nginx, which does not pass /metrics on). */
  readonly service: string;
  /** Its labels, which the ServiceMonitor selects it by. */
  readonly serviceLabels: Readonly<Record<string, string>>;
  /** Name of the Service port that reaches gunicorn. */
  readonly port: string;
  /** The Deployment, for the readiness alert (kube-state-metrics series). */
  readonly deployment: string;
  /** The app container, for CPU and memory panels (cAdvisor series). */
  readonly container: string;
}

/**
 * Prometheus scrapes django's gunicorn Service; alerts for availability, the 5xx ratio, latency,
 * readiness and the database; a Grafana dashboard. All three are labelled for kube-prometheus-stack
 * (config/monitoring.ts). Prometheus names the scrape job after the Service.
 */
export class DjangoMonitoring extends Construct {
  constructor(scope: Construct, id: string, props: DjangoMonitoringProps) {
    super(scope, id);
    const ns = AddonChart.of(this).namespace;
    const m = DJANGO_METRICS;
    const app = `job="${props.service}", namespace="${ns}"`;
    const deployment = `namespace="${ns}", deployment="${props.deployment}"`;
    const container = `namespace="${ns}", container="${props.container}"`;
    const rate = (selector: string) => `sum(rate(${m.requests}{${selector}}[5m]))`;
    const errorRatio = `${rate(`${app}, status=~"5.."`)} / ${rate(app)}`;
    const quantile = (q: number) => `histogram_quantile(${q}, sum by (le) (rate(${m.latency}_bucket{${app}}[5m])))`;

    new ServiceMonitor(this, 'ServiceMonitor', {
      metadata: { name: props.service, labels: { ...monitoringStack.selectorLabels } },
      spec: {
        selector: { matchLabels: { ...props.serviceLabels } },
        namespaceSelector: { matchNames: [ns] },
        endpoints: [{ port: props.port, path: DJANGO_METRICS_PATH, interval: '30s', scrapeTimeout: '10s' }],
      },
    });

    new AlertRules(this, 'Alerts', {
      name: 'django',
      rules: [
        {
          alert: 'DjangoDown',
          expr: `absent(up{${app}} == 1)`,
          for: '5m',
          severity: 'critical',
          summary: 'No django pod answers Prometheus.',
          description: `Prometheus has had no successful scrape of ${props.service} in ${ns} for 5 minutes: no pod is running, or none answers on ${DJANGO_METRICS_PATH}.`,
        },
        {
          alert: 'DjangoHighErrorRatio',
          expr: `(${errorRatio}) > 0.05`,
          for: '10m',
          severity: 'warning',
          summary: 'More than 5% of django responses are server errors.',
          description: 'Over 5 minutes, more than 5% of responses had a 5xx status, for 10 minutes. Look at the django container logs.',
        },
        {
          alert: 'DjangoSlowResponses',
          expr: `${quantile(0.95)} > 1`,
          for: '15m',
          severity: 'warning',
          summary: 'The slowest 5% of django responses take over a second.',
          description: 'The 95th percentile of response times has been above 1 s for 15 minutes.',
        },
        {
          alert: 'DjangoPodsNotReady',
          expr: `kube_deployment_status_replicas_unavailable{${deployment}} > 0`,
          for: '10m',
          severity: 'warning',
          summary: 'A django pod has not been ready for 10 minutes.',
          description: 'The Deployment has unavailable replicas: a readiness probe (/readyz: database and static manifest) keeps failing, or a pod cannot start.',
        },
        {
          alert: 'DjangoDatabaseDown',
          expr: `max(${m.databaseUp}{${app}}) == 0`,
          for: '5m',
          severity: 'critical',
          summary: 'django cannot query its database.',
          description: 'Every scrape for 5 minutes found the database unreachable (SELECT count(*) failed). Check the RDS instance and the django-settings Secret.',
        },
      ],
    });

    new GrafanaDashboard(this, 'Dashboard', {
      name: 'django-dashboard',
      uid: 'django-todo',
      title: 'django-todo',
      tags: ['django'],
      panels: [
        { title: 'Requests by status', type: 'timeseries', unit: 'reqps', queries: [{ expr: `sum by (status) (rate(${m.requests}{${app}}[5m]))`, legend: '{{status}}' }] },
        { title: 'Server error ratio (5xx)', type: 'timeseries', unit: 'percentunit', queries: [{ expr: errorRatio, legend: '5xx' }] },
        {
          title: 'Response time',
          type: 'timeseries',
          unit: 's',
          queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q), legend: `p${q * 100}` })),
        },
        {
          title: 'Pods ready',
          type: 'timeseries',
          queries: [
            { expr: `kube_deployment_status_replicas_available{${deployment}}`, legend: 'ready' },
            { expr: `kube_deployment_spec_replicas{${deployment}}`, legend: 'wanted' },
          ],
        },
        { title: 'Database reachable', type: 'stat', width: 6, queries: [{ expr: `min(${m.databaseUp}{${app}})` }] },
        {
          title: 'Items',
          type: 'stat',
          width: 6,
          queries: [
            { expr: `max(${m.items}{${app}})`, legend: 'stored' },
            { expr: `max(${m.itemsDone}{${app}})`, legend: 'done' },
          ],
        },
        { title: 'CPU cores by pod', type: 'timeseries', width: 6, unit: 'short', queries: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${container}}[5m]))`, legend: '{{pod}}' }] },
        { title: 'Memory by pod', type: 'timeseries', width: 6, unit: 'bytes', queries: [{ expr: `sum by (pod) (container_memory_working_set_bytes{${container}})`, legend: '{{pod}}' }] },
      ],
    });
  }
}
