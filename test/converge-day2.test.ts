/**
 * Day 2: what Argo CD prunes of what a change removes, the removals it refuses, and the CLI that
 * compares a render with dist/ at a git revision.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { day2, type EnvTree } from '../converge/day2';
import { blobId, changedAtRevision } from '../converge/git-tree';
import { repoRoot } from '../config/paths';
import type { SynthResult } from '../synth/pipeline';
import { effectiveEnvTree } from '../synth/shared-crds';
import { distFiles } from '../synth/synth-to-dist';
import { tempDir } from './helpers';
import { renderPlatform } from './rendered';

let platform: SynthResult;
let tree: Map<string, string>;
beforeAll(async () => {
  platform = await renderPlatform();
  tree = effectiveEnvTree('dev', distFiles(platform));
});

const without = (t: EnvTree, drop: (path: string) => boolean) => new Map([...t].filter(([p]) => !drop(p)));
const kinds = (skipApp?: string) => new Set(platform.apps.filter((a) => a.env === 'dev' && a.app !== skipApp).flatMap((a) => a.objects.map((o) => `${o.apiVersion}/${o.kind}`)));
const configMap = (name: string, annotations?: Record<string, string>) =>
  stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'jenkins', ...(annotations ? { annotations } : {}) }, data: { a: 'b' } });

describe('day 2', () => {
  it('prunes a removed object, prunes a renamed content-hashed ConfigMap last, keeps a Prune=false object', () => {
    const pipeline = [...tree.keys()].find((p) => /^jenkins\/manifests\/configmap-jenkins-pipeline-/.test(p))!;
    const before = new Map(tree);
    before.set('jenkins/manifests/configmap-jenkins-pipeline-0000000000.yaml', tree.get(pipeline)!.replace(/jenkins-pipeline-[0-9a-f]{10}/, 'jenkins-pipeline-0000000000'));
    before.set('jenkins/manifests/configmap-retired.yaml', configMap('retired'));
    before.set('jenkins/manifests/configmap-kept.yaml', configMap('kept', { 'argocd.argoproj.io/sync-options': 'Prune=false' }));
    const report = day2('dev', before, tree, kinds());
    expect(report.problems).toEqual([]);
    expect(report.removals).toEqual([
      { app: 'jenkins', object: 'ConfigMap "jenkins/jenkins-pipeline-0000000000"', outcome: 'pruned last' },
      { app: 'jenkins', object: 'ConfigMap "jenkins/kept"', outcome: 'kept (Prune=false)' },
      { app: 'jenkins', object: 'ConfigMap "jenkins/retired"', outcome: 'pruned' },
    ]);
  });

  it('refuses to remove a hook, which Argo CD never prunes', () => {
    const report = day2('dev', tree, without(tree, (p) => p === 'django/manifests/job-django-migrate.yaml'), kinds());
    expect(report.problems).toEqual([
      'dev/django: Job "django/django-migrate" is an Argo CD hook: Argo CD never prunes hooks, so removing it leaves its last run in the cluster for ever; give it hook-delete-policy HookSucceeded for one release first, or delete it by hand after the sync',
    ]);
  });

  it('deletes every object of a removed app with its Application', () => {
    const report = day2('dev', tree, without(tree, (p) => p.startsWith('fluent/')), kinds('fluent'));
    expect(report.problems).toEqual([]);
    const fluent = platform.apps.find((a) => a.env === 'dev' && a.app === 'fluent')!;
    expect(report.removals).toHaveLength(fluent.objects.length);
    expect(new Set(report.removals.map((r) => r.outcome))).toEqual(new Set(['deleted with its app']));
  });

  it('refuses to remove a CRD whose kind a remaining app renders, and the app that runs Argo CD', () => {
    const operator = day2('dev', tree, without(tree, (p) => p.startsWith('eck-operator/')), kinds('eck-operator'));
    expect(operator.problems).toEqual([
      'dev/eck-operator: removing CRD elasticsearches.elasticsearch.k8s.elastic.co deletes every Elasticsearch in the cluster, but an app still renders Elasticsearch: remove those first',
      'dev/eck-operator: removing CRD kibanas.kibana.k8s.elastic.co deletes every Kibana in the cluster, but an app still renders Kibana: remove those first',
    ]);
    const argocd = day2('dev', tree, without(tree, (p) => p.startsWith('argocd/')), kinds('argocd'));
    expect(argocd.problems).toEqual(['dev/argocd: removing the app that runs Argo CD would make Argo CD delete itself; uninstall it by hand instead']);
  });

  it('refuses a CRD upgrade that drops a version the cluster stores objects in', () => {
    const path = 'fluent/manifests/customresourcedefinition-clusterfilters.fluentbit.fluent.io.yaml';
    const crd = parse(tree.get(path)!);
    const old = structuredClone(crd);
    old.spec.versions = [{ ...crd.spec.versions[0], name: 'v1alpha1', storage: true }, { ...crd.spec.versions[0], storage: false }];
    const before = new Map(tree).set(path, stringify(old));
    expect(day2('dev', before, tree, kinds()).problems).toEqual([
      'dev/fluent: CRD clusterfilters.fluentbit.fluent.io drops version v1alpha1, which the cluster stores objects in: the API server rejects the CRD while status.storedVersions lists v1alpha1; migrate the objects to v1alpha2, remove v1alpha1 from status.storedVersions, then upgrade',
    ]);
  });
});

describe('dist/ at a git revision', () => {
  it('reads only the files that differ from the render, with git\'s own blob ids', () => {
    const repo = tempDir();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    mkdirSync(join(repo, 'dist', 'dev', 'a', 'manifests'), { recursive: true });
    for (const f of ['same', 'changed', 'removed']) writeFileSync(join(repo, 'dist', 'dev', 'a', 'manifests', `${f}.yaml`), `${f}: 1\n`);
    git('add', '.');
    git('commit', '-qm', 'x');
    expect(git('hash-object', 'dist/dev/a/manifests/same.yaml').trim()).toBe(blobId('same: 1\n'));
    const after = new Map([['a/manifests/same.yaml', 'same: 1\n'], ['a/manifests/changed.yaml', 'changed: 2\n'], ['a/manifests/added.yaml', 'added: 1\n']]);
    expect(changedAtRevision(repo, 'HEAD', 'dev', after)).toEqual(new Map([['a/manifests/changed.yaml', 'changed: 1\n'], ['a/manifests/removed.yaml', 'removed: 1\n']]));
    expect(() => changedAtRevision(repo, 'no-such-rev', 'dev', after)).toThrow();
  });
});

describe('npm run converge', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/converge.ts', ...args], { cwd: repoRoot, encoding: 'utf8' });

  it('refuses an unknown flag with the usage line', () => {
    const r = run('--evn', 'dev');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('converge: unknown flag --evn; did you mean "--env"?\nusage: npm run converge -- [--env dev,prod] [--since <git revision>] [--verbose]\n');
  });

  it('prints the day-0 timeline and the day-2 report of one environment', () => {
    const r = run('--env', 'dev', '--since', 'HEAD');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('dev: day 0 from an empty account, 6 RollingSync steps after infra');
    expect(r.stdout).toMatch(/dev: day 2 against the running revision: \d+ object\(s\) removed/);
    expect(r.stdout).not.toContain('wrote docs/convergence-graph.md');
  });
});
