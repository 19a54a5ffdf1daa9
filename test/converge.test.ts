/**
 * The day-0 convergence model on the real platform, and one planted break per kind of problem it
 * must name: each with its exact message (env, app, object, need, step).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EKS_ADDONS } from '../config/cluster-baseline';
import { spokesOf } from '../config/fleet';
import { environmentNames, loadEnvironment } from '../config/environments';
import { modelEnvironment } from '../converge/model';
import { formatTimeline, GRAPH_DOC, graphDocument } from '../converge/report';
import { BASELINE } from '../converge/step-zero';
import type { ModelApp } from '../converge/types';
import type { KubeObject } from '../synth/kube-object';
import { factsOf, isClusterScoped } from '../synth/objects';
import { repoRoot } from '../config/paths';
import { synthesize, type SynthResult } from '../synth/pipeline';
import { renderPlatform } from './rendered';

let platform: SynthResult;
beforeAll(async () => {
  platform = await renderPlatform();
});

const appsOf = (env: string): ModelApp[] => platform.apps.filter((a) => a.env === env);

/** The environment's apps with `objects` added to one app (as our own objects). */
function plant(env: string, app: string, ...objects: KubeObject[]): ModelApp[] {
  return appsOf(env).map((a) => {
    if (a.app !== app) return a;
    const added = objects.map((o) => {
      const namespace = isClusterScoped(o.apiVersion, o.kind) ? {} : { namespace: a.namespace };
      return factsOf({ ...o, metadata: { ...namespace, ...o.metadata } }, `planted-${o.metadata.name}.yaml`, 'own');
    });
    return { ...a, objects: [...a.objects, ...added] };
  });
}

/** The model's problems, the environment's spokes registered as at synth (config/fleet.ts). */
const problemsOf = (env: string, apps: readonly ModelApp[], baseline = BASELINE) =>
  modelEnvironment({ env: loadEnvironment(env), apps, baseline, spokes: spokesOf(env, environmentNames.map((n) => loadEnvironment(n))) }).problems;

const pod = (spec: Record<string, unknown>) => ({ containers: [{ name: 'c', image: 'docker.io/library/busybox:1.36', ...spec }] });
const deployment = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: pod(spec) } },
});

describe.each(['dev', 'prod'])('%s from an empty account', (env) => {
  it('converges: every need is met by step 0, an earlier step or the same app in time', () => {
    const model = platform.models.find((m) => m.env === env)!;
    expect(model.problems).toEqual([]);
    expect(model.steps.flat().sort()).toEqual(appsOf(env).map((a) => a.app).sort());
    const text = formatTimeline(model, appsOf(env));
    expect(text).toContain('step 0 (infra, before Argo CD):');
    expect(text).toContain('EKS add-ons: vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver, metrics-server');
    expect(text).toMatch(/bootstrap \(once, then the argocd app owns it\): namespace argocd, Secrets argocd-secret, repo-platform from SSM/);
    // The first image comes from the first pipeline build, so django syncs after jenkins.
    expect(text).toMatch(/django: waits for [^\n]*jenkins \(image django-todo:bootstrap\)/);
  });

  it('meets day-0 needs of what infra applies within step 0 (argocd-server, the ApplicationSet)', () => {
    const model = platform.models.find((m) => m.env === env)!;
    const server = model.resolutions.find((r) => r.consumer.object.name === 'argo-cd-argocd-server' && r.need.need === 'object' && r.need.name === 'argocd-secret');
    expect(server?.provider?.what).toBe('bootstrap Secret argocd-secret (from SSM)');
    const appSet = model.resolutions.find((r) => r.consumer.object.kind === 'ApplicationSet' && r.need.need === 'git-credentials');
    expect(appSet?.provider?.what).toBe('bootstrap Secret repo-platform (from SSM)');
  });
});

describe('planted breaks', () => {
  it('an ExternalSecret whose store belongs to an app of a later step', () => {
    const es: KubeObject = {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'planted' },
      spec: { secretStoreRef: { kind: 'SecretStore', name: 'argocd-image-updater-ssm' }, target: { name: 'planted' }, data: [] },
    };
    expect(problemsOf('dev', plant('dev', 'argocd', es))).toEqual([
      'dev/argocd: ExternalSecret "planted": needs SecretStore "argocd/argocd-image-updater-ssm" (secretStoreRef): provided by argocd-image-updater\'s SecretStore "argocd-image-updater-ssm", ready only in step 4, but it is applied in step 3',
    ]);
  });

  it('a Deployment using a Secret nothing creates', () => {
    const d = deployment('orphan', { envFrom: [{ secretRef: { name: 'nobody-makes-this' } }] });
    expect(problemsOf('dev', plant('dev', 'django', d))).toEqual([
      'dev/django: Deployment "orphan": needs Secret "django/nobody-makes-this" (pod), which nothing provides (no rendered Secret, ExternalSecret, run-time object or bootstrap Secret has that name)',
    ]);
  });

  it('a custom resource whose CRD comes in a later step', () => {
    const es: KubeObject = { apiVersion: 'elasticsearch.k8s.elastic.co/v1', kind: 'Elasticsearch', metadata: { name: 'early', namespace: 'kube-system' }, spec: { version: '8.14.0', nodeSets: [] } };
    expect(problemsOf('dev', plant('dev', 'cluster-config', es))).toEqual([
      'dev/cluster-config: Elasticsearch "early": needs the API elasticsearch.k8s.elastic.co/v1 Elasticsearch (apiVersion): provided by eck-operator\'s CRD elasticsearches.elasticsearch.k8s.elastic.co, ready only in step 4, Sync wave -10, but it is applied in step 1',
    ]);
  });

  it('an autoscaler without a metrics API', () => {
    const baseline = { ...BASELINE, addons: EKS_ADDONS.filter((a) => a.name !== 'metrics-server') };
    expect(problemsOf('prod', appsOf('prod'), baseline)).toEqual([
      'prod/django: HorizontalPodAutoscaler "django": needs the aggregated API metrics.k8s.io/v1beta1 (metrics), which nothing provides (no APIService or EKS add-on serves it)',
    ]);
  });

  it('an image tag nothing pushes', () => {
    const apps = appsOf('dev').map((a) => (a.app === 'jenkins' ? { ...a, publishes: [] } : a));
    const problems = problemsOf('dev', apps);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(
      'dev/django: Deployment "django": needs image 111111111111.dkr.ecr.us-east-1.amazonaws.com/django-todo:bootstrap (pod container collectstatic), which nothing provides (no app publishes that tag: day 0 would wait in ImagePullBackOff for ever)',
    );
    expect(problems[2]).toMatch(/^dev\/django: Job "django-migrate": needs image .*django-todo:bootstrap \(pod container django-migrate\), which nothing provides/);
  });

  it('an object owned by infra and an app', () => {
    const gp2: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp2-copy' }, provisioner: 'ebs.csi.aws.com' };
    const owned = { ...gp2, metadata: { name: 'gp2' } };
    const apps = plant('dev', 'cluster-config', owned).map((a) => (a.app === 'cluster-config' ? { ...a, objects: a.objects.filter((o) => o.file !== 'storageclass-gp2.yaml') } : a));
    expect(problemsOf('dev', apps)).toEqual([
      'dev/cluster-config: StorageClass "gp2" is also created by infra (EKS StorageClass gp2): one owner per object (hand it over in config/argocd.ts, or patch fields with ServerSideApply=true,Prune=false,Delete=false)',
    ]);
    // The real gp2 object is a field patch (ServerSideApply, never pruned or deleted): allowed.
    expect(problemsOf('dev', appsOf('dev'))).toEqual([]);
  });

  it('a bootstrap without the Secrets Argo CD needs (the day-0 deadlock of an unseeded argocd-secret)', () => {
    const problems = problemsOf('dev', appsOf('dev'), { ...BASELINE, bootstrapSecrets: [] });
    expect(problems).toEqual([
      'dev/argocd: ApplicationSet "platform": needs credentials for https://github.com/example/gitops-platform.git (git generator): provided by argocd\'s ExternalSecret "repo-platform" (repository Secret), ready only in step 3, but infra applies it in step 0, before Argo CD runs',
      'dev/argocd: Deployment "argo-cd-argocd-server": needs Secret "argocd/argocd-secret" (argocd-server reads its admin password and session key from it and exits at start without it (InitializeSettings)): provided by argocd\'s ExternalSecret "argocd-secret" (its Secret), ready only in step 3, but infra applies it in step 0, before Argo CD runs',
    ]);
  });

  it('a PreSync hook that needs a Secret its app makes in the Sync phase', () => {
    const hook: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'too-early', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } },
      spec: { template: { spec: { restartPolicy: 'Never', ...pod({ envFrom: [{ secretRef: { name: 'django-settings' } }] }) } } },
    };
    expect(problemsOf('dev', plant('dev', 'django', hook))).toEqual([
      'dev/django: Job "too-early": needs Secret "django/django-settings" (pod): provided by django\'s ExternalSecret "django-settings" (its Secret), ready only in step 6, but it is applied in step 6, PreSync wave 0',
    ]);
  });

  it('a Job that is not a hook and needs another app: it would fail for good if that app is late', () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { spec: { restartPolicy: 'Never', ...pod({}), containers: [{ name: 'c', image: '111111111111.dkr.ecr.us-east-1.amazonaws.com/django-todo:bootstrap' }] } } },
    };
    expect(problemsOf('dev', plant('dev', 'fluent', job))).toEqual([
      'dev/fluent: Job "once": needs image 111111111111.dkr.ecr.us-east-1.amazonaws.com/django-todo:bootstrap (pod container c): provided by jenkins; a Job that is not an Argo CD hook runs once and is never re-created for an unchanged manifest: if this arrives late the Job fails for good (make it a hook)',
    ]);
  });

  it('an object a webhook of the same step admits before it answers, and a webhook that admits its own app', () => {
    const ingress: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'early' },
      spec: { rules: [{ host: 'x.dev.example.com' }] },
    };
    expect(problemsOf('dev', plant('dev', 'external-dns', ingress))).toEqual([
      'dev/external-dns: Ingress "early": created in step 2 while aws-load-balancer-controller\'s webhook vingress.elbv2.k8s.aws (failurePolicy Fail) may not answer yet (same step): make external-dns depend on aws-load-balancer-controller',
    ]);
    const selfish: KubeObject = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'selfish' },
      webhooks: [{ name: 'pods.selfish.example.com', rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }], clientConfig: { service: { namespace: 'fluent', name: 'fluent-operator' } }, sideEffects: 'None', admissionReviewVersions: ['v1'] }],
    };
    const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fluent-operator' }, spec: { ports: [{ port: 443 }] } };
    expect(problemsOf('dev', plant('dev', 'fluent', selfish, service))).toEqual([
      // django syncs in the same step as fluent: its pods may meet the webhook before it answers.
      'dev/django: Deployment "django" (its pods): created in step 6 while fluent\'s webhook pods.selfish.example.com (failurePolicy Fail) may not answer yet (same step): make django depend on fluent',
      'dev/fluent: Deployment "fluent-operator" (its pods): admitted by its own app\'s webhook pods.selfish.example.com (failurePolicy Fail): while that webhook\'s pods are down the app cannot re-create it; exclude it with an objectSelector or namespaceSelector',
    ]);
  });
});

describe('docs/convergence-graph.md', () => {
  it('is what npm run converge writes for the current platform, every environment', async () => {
    // renderPlatform() renders the seed's two environments; the document has them all.
    const all = await synthesize();
    expect(all.environments).toEqual(environmentNames);
    expect(readFileSync(join(repoRoot, GRAPH_DOC), 'utf8')).toBe(graphDocument(all.models));
  });
});
