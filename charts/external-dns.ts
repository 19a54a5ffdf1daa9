import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { IrsaServiceAccount } from './lib/irsa-service-account';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

/**
 * ExternalDNS: creates the DNS records of every Ingress host in the environment's zone. Cloudflare
 * reads its API token from SSM; Route53 uses the IRSA role the contract declares (scoped to the
 * one hosted zone by infra). Records are owned through TXT records tagged with the cluster name.
 */
export class ExternalDns extends AddonChart {
  static readonly app = 'external-dns';
  static readonly dependsOn = ['external-secrets'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, { env, app: ExternalDns.app });
    const dns = env.dns;
    const common = {
      sources: ['ingress'],
      policy: 'sync',
      registry: 'txt',
      txtOwnerId: env.clusterName,
      domainFilters: [env.domain],
      nodeSelector: this.nodeSelector('cicd'),
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
    };
    if (dns.kind === 'cloudflare') {
      const token = new SsmSecret(this, 'CloudflareToken', { app: 'external-dns', name: 'external-dns-cloudflare', keys: { apiToken: 'cloudflare_api_token' } });
      new UpstreamChart(this, 'Chart', {
        chart: 'external-dns',
        release: 'external-dns',
        values: {
          ...common,
          provider: { name: 'cloudflare' },
          extraArgs: [`--zone-id-filter=${dns.zoneId}`],
          env: [{ name: 'CF_API_TOKEN', valueFrom: { secretKeyRef: { name: token.secretName, key: 'apiToken' } } }],
          serviceAccount: { create: true, name: 'external-dns' },
        },
      });
    } else {
      new UpstreamChart(this, 'Chart', {
        chart: 'external-dns',
        release: 'external-dns',
        values: {
          ...common,
          provider: { name: 'aws' },
          extraArgs: [`--zone-id-filter=${dns.hostedZoneId}`, '--aws-zone-type=public'],
          env: [{ name: 'AWS_DEFAULT_REGION', value: env.aws.region }],
          serviceAccount: {
            create: true,
            name: 'external-dns',
            annotations: IrsaServiceAccount.annotationsFor(this, 'external-dns', 'external-dns'),
          },
        },
      });
    }
  }
}
