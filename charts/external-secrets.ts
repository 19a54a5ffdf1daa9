import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { UpstreamChart } from './lib/upstream-chart';

/**
 * External Secrets Operator: syncs SSM parameters into Kubernetes Secrets for every app. Each app
 * has its own namespaced SecretStore with its own IRSA reader, so the operator itself needs no
 * AWS role (the seed's unused ExternalSecretsRole is gone).
 */
export class ExternalSecrets extends AddonChart {
  static readonly app = 'external-secrets';
  static readonly dependsOn = [] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    // The SecretStore CRDs are ~250 KB each: too large for client-side apply's annotation.
    super(scope, { env, app: ExternalSecrets.app, syncOptions: ['ServerSideApply=true'] });
    const nodeSelector = this.nodeSelector('cicd');
    new UpstreamChart(this, 'Chart', {
      chart: 'external-secrets',
      release: 'external-secrets',
      values: {
        installCRDs: true,
        serviceAccount: { create: true, name: 'external-secrets' },
        nodeSelector,
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        webhook: { nodeSelector, resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
        certController: { nodeSelector, resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
      },
    });
  }
}
