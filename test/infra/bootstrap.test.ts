/** The bootstrap and secrets stacks' synthesized Terraform JSON, in both environments. */
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_SECRETS } from '../../config/argocd';
import { ssmParameterName } from '../../config/contract';
import { environmentNames, loadEnvironment } from '../../config/environments';
import { podSecurityLabels } from '../../config/pod-security';
import { dataSources, only, resources, stack } from './helpers';

// A spoke has no bootstrap: its hub's Argo CD manages it (config/fleet.ts).
const envs = environmentNames.map((name) => loadEnvironment(name)).filter((env) => env.hub === undefined);

describe.each(envs)('$name', (env) => {
  const bootstrap = () => stack(`${env.name}-bootstrap`);
  const secrets = () => stack(`${env.name}-secrets`);

  describe('bootstrap', () => {
    it('creates the namespace and the Secrets Argo CD needs from SSM, once', () => {
      const ns = only(bootstrap(), 'kubernetes_namespace_v1');
      expect(ns.metadata).toEqual({ name: 'argocd', labels: podSecurityLabels('restricted', env.kubernetesVersion) });
      expect(ns.lifecycle).toEqual({ ignore_changes: 'all' });
      const secrets = Object.values(resources(bootstrap(), 'kubernetes_secret_v1'));
      expect(secrets.map((x) => x.metadata.name).sort()).toEqual(BOOTSTRAP_SECRETS.map((x) => x.name).sort());
      const ssm = dataSources(bootstrap(), 'aws_ssm_parameter');
      for (const spec of BOOTSTRAP_SECRETS) {
        const secret = secrets.find((x) => x.metadata.name === spec.name)!;
        expect(secret.metadata).toEqual({ name: spec.name, namespace: 'argocd', labels: spec.labels });
        expect(secret.lifecycle).toEqual({ ignore_changes: 'all' });
        expect(Object.keys(secret.data).sort()).toEqual(Object.keys(spec.keys).sort());
        for (const [key, param] of Object.entries(spec.keys)) {
          const ref = /^\$\{data\.aws_ssm_parameter\.([^.]+)\.value\}$/.exec(secret.data[key])![1]!;
          expect(ssm[ref]).toMatchObject({ name: ssmParameterName(env.clusterName, 'argocd', param), with_decryption: true });
        }
      }
    });

    it('installs Argo CD once from the vendored chart and the dist values, after the Secrets, then the ApplicationSet', () => {
      const releases = resources(bootstrap(), 'helm_release');
      const argocd = releases['argo-cd']!;
      expect(argocd).toMatchObject({ name: 'argo-cd', namespace: 'argocd', version: env.charts['argo-cd'], wait: true, atomic: true });
      expect(argocd.create_namespace).toBeUndefined();
      expect(argocd.depends_on.sort()).toEqual(BOOTSTRAP_SECRETS.map((x) => `kubernetes_secret_v1.secret-${x.name}`).sort());
      expect(argocd.chart).toMatch(new RegExp(`^assets/argo-cd-chart/[0-9A-F]+/argo-cd-${env.charts['argo-cd']}\\.tgz$`));
      expect(argocd.values[0]).toContain('argocd.example.test');
      // `${` from the values file is escaped so Terraform passes it through verbatim.
      expect(argocd.values[0]).toContain('$${not-terraform}');
      const root = releases['platform-root']!;
      expect(root.depends_on).toEqual(['helm_release.argo-cd']);
      const manifests = JSON.parse(root.values[0]).manifests;
      expect(manifests.map((m: any) => m.kind)).toEqual(['ApplicationSet']);
      expect(manifests[0].spec.generators[0].git.directories[0].path).toBe(`dist/${env.name}/*`);
      // Handed over: Terraform never upgrades or rewrites what Argo CD owns afterwards.
      for (const r of [argocd, root]) expect(r.lifecycle).toEqual({ ignore_changes: 'all' });
      expect(Object.keys(dataSources(bootstrap(), 'aws_eks_cluster_auth'))).toHaveLength(1);
    });
  });

  describe('secrets', () => {
    it('uses only the random provider', () => {
      expect(Object.keys(secrets().provider)).toEqual(['random']);
      expect(Object.keys(secrets().resource)).toEqual(['random_password']);
    });
  });
});
