/**
 * Workloads without the instance metadata service: nodes answer IMDS only within one hop (infra's
 * launch templates), so a pod in its own network namespace gets neither the node role's credentials
 * nor the region or VPC it might have looked up there. Every AWS client in dist/ is told what it
 * would have asked IMDS for, and authenticates through IRSA.
 */
import { describe, expect, it } from 'vitest';
import { contract, ssmParameterName } from '../config/contract';
import { loadEnvironment } from '../config/environments';
import { podTemplate } from '../synth/kube-object';
import { appJson, chartValuesOf, externalSecretTargets, findObject, manifests, renderedApps, type Obj } from './rendered';

const app = renderedApps();
const APPS = Object.keys(contract) as (keyof typeof contract)[];

type Container = { name: string; command?: string[]; args?: string[]; env?: { name: string; valueFrom?: any }[] };
const containersOf = (o: Obj): Container[] => {
  const spec = podTemplate(o)?.spec;
  return spec ? [...((spec.containers as Container[]) ?? []), ...((spec.initContainers as Container[]) ?? [])] : [];
};

describe.each(['dev', 'prod'])('%s', (envName) => {
  const env = loadEnvironment(envName);
  const all = () => APPS.flatMap((name) => manifests(app(envName, name)).map((o) => ({ app: name, o })));

  it('runs only the node exporter in the node\'s network namespace (the one place IMDS still answers)', () => {
    const hostNetwork = all().filter(({ o }) => podTemplate(o)?.spec.hostNetwork === true);
    expect(hostNetwork.map(({ app: a, o }) => `${a}/${o.kind}/${o.metadata.name}`)).toEqual([
      'prometheus/DaemonSet/kube-prometheus-stack-prometheus-node-exporter',
    ]);
  });

  it('expands every $(VAR) in a container\'s command and args from that container\'s env', () => {
    for (const { app: a, o } of all()) {
      for (const c of containersOf(o)) {
        const defined = new Set((c.env ?? []).map((e) => e.name));
        for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
          for (const [, name] of arg.replaceAll('$$', '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
            expect(defined.has(name!), `${a}/${o.kind}/${o.metadata.name}/${c.name}: "${arg}" uses $(${name}), not in its env`).toBe(true);
          }
        }
      }
    }
  });

  it('gives the Load Balancer Controller its region and VPC, the VPC ID from SSM through External Secrets', () => {
    const lbc = app(envName, 'aws-load-balancer-controller');
    const deployment = findObject(lbc, 'Deployment', 'aws-load-balancer-controller');
    const [controller] = containersOf(deployment);
    expect(controller!.args).toEqual(expect.arrayContaining([`--aws-region=${env.aws.region}`, '--aws-vpc-id=$(AWS_VPC_ID)']));
    const vpcEnv = controller!.env!.find((e) => e.name === 'AWS_VPC_ID')!;
    const ref = vpcEnv.valueFrom.secretKeyRef;
    const external = externalSecretTargets(lbc).get(ref.name)!;
    expect(external, `no ExternalSecret makes Secret ${ref.name}`).toBeDefined();
    const data = external.spec.data.find((d: any) => d.secretKey === ref.key);
    expect(data.remoteRef.key).toBe(ssmParameterName(env.clusterName, 'aws-load-balancer-controller', 'vpc_id'));
    expect(contract['aws-load-balancer-controller'].params.vpc_id.source).toEqual({ kind: 'infra', output: 'vpc-id' });
    expect(findObject(lbc, 'SecretStore', external.spec.secretStoreRef.name).spec.provider.aws.region).toBe(env.aws.region);
    expect(appJson(lbc).dependsOn).toContain('external-secrets');
    expect(chartValuesOf(lbc, 'aws-load-balancer-controller').vpcId).toBe('$(AWS_VPC_ID)');
  });

  it('names the region in every SecretStore, so External Secrets never looks it up', () => {
    const every = all().filter(({ o }) => o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore');
    const stores = every.filter(({ o }) => o.spec.provider.aws);
    // The rest read Secrets of another namespace through the API server: no AWS call, no region.
    for (const { app: a, o } of every.filter((s) => !stores.includes(s))) expect(Object.keys(o.spec.provider), `${a}/${o.metadata.name}`).toEqual(['kubernetes']);
    expect(stores.length).toBeGreaterThan(5);
    for (const { app: a, o } of stores) {
      expect(o.spec.provider.aws.region, `${a}/${o.metadata.name}`).toBe(env.aws.region);
      expect(o.spec.provider.aws.auth.jwt.serviceAccountRef.name, `${a}/${o.metadata.name}`).toBe(`${a}-ssm-reader`);
    }
  });

  it('names the region for ExternalDNS on Route53 and for the Image Updater\'s ECR login', () => {
    if (env.dns.kind === 'route53') {
      const [dns] = containersOf(findObject(app(envName, 'external-dns'), 'Deployment', 'external-dns'));
      expect(dns!.env).toContainEqual({ name: 'AWS_DEFAULT_REGION', value: env.aws.region });
    }
    const scripts = findObject(app(envName, 'argocd-image-updater'), 'ConfigMap', 'argocd-image-updater-authscripts');
    expect(scripts.data['ecr-login.sh']).toContain('aws ecr get-authorization-token --region "$AWS_REGION" ');
    const [updater] = containersOf(findObject(app(envName, 'argocd-image-updater'), 'Deployment', 'argocd-image-updater'));
    expect(updater!.env).toContainEqual({ name: 'AWS_REGION', value: env.aws.region });
  });
});
