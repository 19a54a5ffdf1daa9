/** SecretCopy: a Secret of another app's namespace, copied by External Secrets' Kubernetes provider. */
import { Testing } from 'cdk8s';
import { testApp } from './helpers';
import { describe, expect, it } from 'vitest';
import { AddonChart } from '../charts/lib/addon-chart';
import { SecretCopy } from '../charts/lib/secret-copy';
import type { AppName } from '../config/contract';
import { loadEnvironment } from '../config/environments';
import { syncFacts } from '../synth/sync-facts';
import type { KubeObject } from '../synth/kube-object';

const chart = (app: AppName = 'fluent') => new AddonChart(testApp(), { env: loadEnvironment('prod'), app });
const props = { from: 'eck-stack', secret: 'ca-source', keys: ['tls.crt', 'ca.crt'], serviceAccount: 'ca-reader', name: 'ca' } as const;

describe('SecretCopy', () => {
  it('reads the other namespace as its own ServiceAccount and copies only the keys named', () => {
    const c = chart();
    new SecretCopy(c, 'Ca', props);
    const objects = Testing.synth(c) as KubeObject[];
    const of = (kind: string) => objects.find((o) => o.kind === kind)!;
    expect(of('ServiceAccount')).toMatchObject({ metadata: { name: 'ca-reader', namespace: 'fluent' }, automountServiceAccountToken: false });
    const store = of('SecretStore') as KubeObject & { spec: any };
    expect(store.spec.provider.kubernetes).toEqual({
      remoteNamespace: 'eck-stack',
      server: { url: 'kubernetes.default', caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
      auth: { serviceAccount: { name: 'ca-reader' } },
    });
    const ext = of('ExternalSecret') as KubeObject & { spec: any };
    expect(ext.spec.secretStoreRef).toEqual({ name: 'ca', kind: 'SecretStore' });
    expect(ext.spec.target).toEqual({ name: 'ca', creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    expect(ext.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key, d.remoteRef.property])).toEqual([['ca.crt', 'ca-source', 'ca.crt'], ['tls.crt', 'ca-source', 'tls.crt']]);

    // The convergence model: the store needs its ServiceAccount; a Secret name is no SSM parameter
    // (the app declares the cross-namespace Secret as a run-time need).
    expect(syncFacts(store).needs).toContainEqual({ need: 'object', kind: 'ServiceAccount', namespace: 'fluent', name: 'ca-reader', via: 'auth.serviceAccount' });
    expect(syncFacts(ext).needs.filter((n) => n.need === 'ssm')).toEqual([]);
  });

  it('refuses a copy within its own namespace, and one without keys', () => {
    expect(() => new SecretCopy(chart('eck-stack'), 'Ca', props)).toThrow('prod/eck-stack: SecretCopy "ca": copies from its own namespace');
    expect(() => new SecretCopy(chart(), 'Ca', { ...props, keys: [] })).toThrow('prod/fluent: SecretCopy "ca": no keys');
  });
});
