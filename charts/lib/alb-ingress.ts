import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { hostName, type AppName, type HostName } from '../../config/contract';
import { ADMIN_INGRESS_CLASS, isPublicHost, PUBLIC_INGRESS_CLASS } from '../../config/exposure';
import { AddonChart } from './addon-chart';

/** Props for {@link AlbIngress}. */
export interface AlbIngressProps<A extends AppName> {
  /** The app that declares the host in the contract; must be the chart's app. */
  readonly app: A;
  /** Which of the app's contract hosts this Ingress serves (the host is `<label>.<domain>`). */
  readonly host: HostName<A>;
  /** The Service and port traffic goes to; the Service must exist in the same app. */
  readonly backend: { readonly service: string; readonly port: number | string };
  /** Ingress name. @default the host's label, e.g. `grafana` */
  readonly name?: string;
  /** Position of this Ingress's rules in the shared ALB (lower first). @default none (ALB default 0) */
  readonly order?: number;
  /** Path the ALB health check requests. @default '/' */
  readonly healthCheckPath?: string;
  /**
   * Container port the ALB health check goes to, when it is not the one traffic goes to (the
   * controller also opens it to the ALB's security group). @default the traffic port
   */
  readonly healthCheckPort?: number;
  /** HTTP codes the health check accepts. @default '200' */
  readonly successCodes?: string;
  /** Protocol between the ALB and the pods. @default 'HTTP' */
  readonly backendProtocol?: 'HTTP' | 'HTTPS';
}

/**
 * An Ingress on one of the cluster's two internet-facing ALBs (config/exposure.ts): the public one
 * for hosts listed in `PUBLIC_HOSTS`, the admin one (reachable from `adminAllowedCidrs` only) for
 * every other host. Load balancer, allowed sources, TLS policy and certificate come from the
 * IngressClass's parameters, which no annotation here can override; target type ip, HTTP redirected
 * to HTTPS, the DNS record created by ExternalDNS.
 */
export class AlbIngress<A extends AppName> extends Construct {
  /** The full host name, e.g. `grafana.example.com`. */
  readonly host: string;

  constructor(scope: Construct, id: string, props: AlbIngressProps<A>) {
    super(scope, id);
    const chart = AddonChart.of(this);
    const name = props.name ?? String(props.host);
    const where = `${chart.where}: Ingress "${name}"`;
    if (props.app !== chart.app) throw new Error(`${where}: host belongs to ${props.app}, not to ${chart.app}`);
    if (props.order !== undefined && (!Number.isInteger(props.order) || props.order < 0 || props.order > 1000)) {
      throw new Error(`${where}: order must be an integer 0..1000, got ${props.order}`);
    }
    const path = props.healthCheckPath ?? '/';
    if (!path.startsWith('/')) throw new Error(`${where}: healthCheckPath must start with "/", got "${path}"`);
    const successCodes = props.successCodes ?? '200';
    if (!/^\d{3}([,-]\d{3})*$/.test(successCodes)) throw new Error(`${where}: successCodes "${successCodes}" is not a code list like 200,302`);
    const port = props.backend.port;
    for (const [what, p] of [['backend port', port], ['healthCheckPort', props.healthCheckPort]] as const) {
      if (typeof p === 'number' && (!Number.isInteger(p) || p < 1 || p > 65535)) throw new Error(`${where}: ${what} ${p} is out of range`);
    }

    this.host = hostName(chart.env.domain, props.app, props.host);
    const annotations: Record<string, string> = {
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/backend-protocol': props.backendProtocol ?? 'HTTP',
      'alb.ingress.kubernetes.io/healthcheck-path': path,
      'alb.ingress.kubernetes.io/healthcheck-port': props.healthCheckPort === undefined ? 'traffic-port' : String(props.healthCheckPort),
      'alb.ingress.kubernetes.io/success-codes': successCodes,
      'external-dns.alpha.kubernetes.io/hostname': this.host,
    };
    if (props.order !== undefined) annotations['alb.ingress.kubernetes.io/group.order'] = String(props.order);

    new k8s.KubeIngress(this, 'Resource', {
      metadata: { name, annotations },
      spec: {
        ingressClassName: isPublicHost(props.app, props.host) ? PUBLIC_INGRESS_CLASS : ADMIN_INGRESS_CLASS,
        rules: [
          {
            host: this.host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: {
                      name: props.backend.service,
                      port: typeof port === 'number' ? { number: port } : { name: port },
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    });
  }
}
