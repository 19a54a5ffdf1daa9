/**
 * Admin UIs closed to the internet (config/exposure.ts): two load balancers whose rules live in
 * IngressClassParams, which the Load Balancer Controller gives precedence over Ingress annotations.
 */
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../config/environments';
import { TLS_POLICY } from '../config/exposure';
import type { EnvironmentConfig } from '../config/types';
import { validateEnvironment } from '../config/validate';
import { manifests, renderedApps } from './rendered';

const app = renderedApps();

describe.each(['dev', 'prod'])('%s load balancers', (envName) => {
  const env = () => loadEnvironment(envName);
  const params = (name: string) => manifests(app(envName, 'aws-load-balancer-controller')).find((o) => o.kind === 'IngressClassParams' && o.metadata.name === name)!;

  it('admin UIs: their own ALB, reachable from adminAllowedCidrs only, TLS 1.2+', () => {
    expect(params('alb').spec).toMatchObject({
      group: { name: `${env().clusterName}-admin` },
      scheme: 'internet-facing',
      inboundCIDRs: env().adminAllowedCidrs,
      sslPolicy: TLS_POLICY,
    });
  });

  it('public hosts: a separate ALB open to everyone, usable only from the namespaces of apps with a public host', () => {
    const spec = params('alb-public').spec;
    expect(spec).toMatchObject({ group: { name: `${env().clusterName}-public` }, scheme: 'internet-facing', sslPolicy: TLS_POLICY });
    expect(spec.inboundCIDRs).toBeUndefined();
    expect(spec.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['django'] }] });
  });

  it('serves only django publicly; every other Ingress is an admin UI; every one redirects HTTP to HTTPS', () => {
    const ingresses = ['argocd', 'django', 'eck-stack', 'jenkins', 'prometheus', 'sonarqube'].flatMap((a) => manifests(app(envName, a)).filter((o) => o.kind === 'Ingress'));
    expect(ingresses).toHaveLength(6);
    expect(Object.fromEntries(ingresses.map((i) => [i.metadata.name, i.spec.ingressClassName]))).toEqual({
      'argo-cd-argocd-server': 'alb',
      django: 'alb-public',
      kibana: 'alb',
      jenkins: 'alb',
      grafana: 'alb',
      sonarqube: 'alb',
    });
    for (const i of ingresses) expect(i.metadata.annotations?.['alb.ingress.kubernetes.io/ssl-redirect'], i.metadata.name).toBe('443');
  });
});

describe('adminAllowedCidrs', () => {
  const broken = (patch: (e: EnvironmentConfig) => EnvironmentConfig) => () => validateEnvironment(patch(loadEnvironment('prod')), 'prod');
  it('refuses to open the admin UIs to everyone, and needs a CIDR', () => {
    expect(broken((e) => ({ ...e, adminAllowedCidrs: ['0.0.0.0/0'] }))).toThrow('environment "prod": field "adminAllowedCidrs": 0.0.0.0/0 would open the admin UIs to everyone');
    expect(broken((e) => ({ ...e, adminAllowedCidrs: ['10.0.0.0'] }))).toThrow('field "adminAllowedCidrs[0]"');
  });
});
