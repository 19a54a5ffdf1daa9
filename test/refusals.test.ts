/**
 * The mistakes and accidents of issue 18, planted one by one into a full synth that writes a
 * temporary dist/: each is refused with one exact message, and dist/ is left byte for byte (and
 * inode for inode) as it was, with nothing left beside it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthToDist, type DistOptions } from '../synth/synth-to-dist';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { AddonChart } from '../charts/lib/addon-chart';
import { contract } from '../config/contract';
import { environmentSources } from '../config/environments';
import { images } from '../config/images';
import { repoRoot } from '../config/paths';
import type { DistFs } from '../synth/write-dist';
import { tempDir, tree } from './helpers';
import { withAddon } from './test-addon';

let dist: string;
let before: Record<string, string>;
let inode: number;

beforeAll(async () => {
  dist = join(mkdtempSync(join(tmpdir(), 'refusals-')), 'dist');
  await synthToDist({ distDir: dist });
  before = tree(dist);
  inode = statSync(join(dist, 'prod', 'django', 'app.json')).ino;
}, 120_000);
afterAll(() => rmSync(dirname(dist), { recursive: true, force: true }));

/** Runs a synth that must fail with exactly `message`, and checks that dist/ did not change. */
async function refused(opts: Omit<DistOptions, 'distDir'>, message: string): Promise<void> {
  const error = await synthToDist({ ...opts, distDir: dist }).then(() => undefined, (e: Error) => e);
  expect(error?.message).toBe(message);
  expect(tree(dist)).toEqual(before);
  expect(statSync(join(dist, 'prod', 'django', 'app.json')).ino).toBe(inode);
  expect(readdirSync(dirname(dist))).toEqual(['dist']);
}

describe('1. a failure while swapping environment folders', () => {
  it('dist/prod cannot be moved (read-only, immutable): every environment folder stays as it was', async () => {
    const real = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
    const immutableProd = new Proxy(real, {
      get: (target, name: string) => name !== 'renameSync' ? target[name] : (from: string, to: string) => {
        if (from === join(dist, 'prod')) throw Object.assign(new Error(`EPERM: operation not permitted, rename '${from}' -> '${to}'`), { code: 'EPERM' });
        return target.renameSync!(from, to);
      },
    }) as unknown as DistFs;
    const swap = join(dirname(dist), '.dist-swap');
    // A stray file, so that the run has something to write (a run that would change nothing touches nothing).
    const stray = join(dist, 'dev', 'stray.yaml');
    fs.writeFileSync(stray, 'stray: 1\n');
    before = tree(dist);
    try {
      await refused({ fs: immutableProd }, `writing ${dist} failed, every environment folder is as it was: EPERM: operation not permitted, rename '${join(dist, 'prod')}' -> '${join(swap, 'old', 'prod')}'`);
    } finally {
      rmSync(stray, { force: true });
      before = tree(dist);
    }
  });
});

describe('2. config mistakes tsc would catch but tsx does not', () => {
  type Doc = Record<string, unknown>;
  /** The configs as written, with `edit` applied to one environment's copy. */
  const configs = (env: string, edit: (e: Doc) => void) => {
    const all = environmentSources();
    edit(all[env] as Doc);
    return all;
  };
  const at = (doc: Doc, path: string): Doc => path.split('.').reduce((o, k) => o[k] as Doc, doc);
  const renameKey = (doc: Doc, from: string, to: string) => {
    doc[to] = doc[from];
    delete doc[from];
  };
  /** Runs `fn` with `obj[key]` set to `value`, then restores it (the contract and images are modules). */
  async function withValue(obj: object, key: string, value: unknown, fn: () => Promise<void>): Promise<void> {
    const o = obj as Record<string, unknown>;
    const saved = o[key];
    o[key] = value;
    try {
      await fn();
    } finally {
      o[key] = saved;
    }
  }

  it('a misspelt required key', async () => {
    await refused({ configs: configs('dev', (e) => renameKey(at(e, 'nodePools.apps'), 'instanceTypes', 'instanceType')) },
      'environment "dev": field "nodePools.apps.instanceType": unknown key; did you mean "instanceTypes"?');
  });

  it('a misspelt optional key (it would silently drop prod\'s HPA)', async () => {
    await refused({ configs: configs('prod', (e) => renameKey(at(e, 'apps.django'), 'autoscaling', 'autoScaling')) },
      'environment "prod": field "apps.django.autoScaling": unknown key; did you mean "autoscaling"?');
  });

  it('a misspelt optional key (it would silently drop the ALB certificate)', async () => {
    await refused({ configs: configs('prod', (e) => renameKey(e, 'certificateArn', 'certificateARN')) },
      'environment "prod": field "certificateARN": unknown key; did you mean "certificateArn"?');
  });

  it('a negative size', async () => {
    const jenkins = (e: Doc) => (at(e, 'apps').jenkins = { ...at(e, 'apps.jenkins'), storageGi: -5 });
    await refused({ configs: configs('dev', jenkins) }, 'environment "dev": field "apps.jenkins.storageGi": must be >= 1, got -5');
  });

  it('an enum in the wrong case', async () => {
    await refused({ configs: configs('prod', (e) => (at(e, 'dns').kind = 'Route53')) },
      'environment "prod": field "dns.kind": must be one of "cloudflare", "route53", got "Route53"; did you mean "route53"?');
  });

  it('a contract host that is not a DNS label', async () => {
    await withValue(contract.argocd.hosts, 'server', 'Argo_CD', () =>
      refused({}, 'contract: field "argocd.hosts.server": must be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters), got "Argo_CD"'),
    );
  });

  it('an image whose registry is not a host', async () => {
    await withValue(images, 'curl', 'docker.io:curlimages/curl:8.10.1', () =>
      refused({}, 'images: field "curl": invalid image reference "docker.io:curlimages/curl:8.10.1": registry "docker.io:curlimages" is not a host name with an optional :port (like registry.k8s.io or localhost:5000)'),
    );
  });
});

describe('3. a field cdk8s would drop from our own objects', () => {
  it('a misspelt field passed to an L1 construct through a cast', async () => {
    const castPdb = withAddon('external-dns', (chart) => {
      const spec = { maxUnavailible: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'web' } } };
      new k8s.KubePodDisruptionBudget(chart, 'Pdb', { metadata: { name: 'web' }, spec: spec as unknown as k8s.PodDisruptionBudgetSpec });
    });
    await refused({ environments: ['dev'], addons: castPdb },
      'dev/external-dns: PodDisruptionBudget "web": spec.maxUnavailible: unknown field "maxUnavailible"; did you mean "maxUnavailable"?');
  });
});

describe('4. flags, as typed', () => {
  // As if typed in a shell, even when the tests run under npm.
  const withoutNpm = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  /** Runs the command of `npm run synth` (package.json) with `args`; returns exit code and stderr. */
  const synthProcess = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const [node, ...command] = (JSON.parse(fs.readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { synth: string } }).scripts.synth.split(' ');
    expect(node).toBe('node');
    const r = spawnSync(process.execPath, [...command, ...args, '--dist', dist], { cwd: repoRoot, encoding: 'utf8', env: { ...withoutNpm, ...env } });
    return { status: r.status, stderr: r.stderr };
  };
  const usage = 'usage: npm run synth -- [--env dev,prod] [--dist DIR]\n';

  it('--evn dev: exit 2, the closest flag and the usage line; dist/ untouched', () => {
    expect(synthProcess(['--evn', 'dev'])).toEqual({ status: 2, stderr: `synth: unknown flag --evn; did you mean "--env"?\n${usage}` });
    expect(tree(dist)).toEqual(before);
  });

  it('npm run synth --env dev (no --): npm\'s share of the flags is refused, not ignored', () => {
    expect(synthProcess(['dev'], { npm_lifecycle_event: 'synth', npm_config_env: 'true' })).toEqual({
      status: 2,
      stderr: `synth: npm took --env as its own option; flags go after --: npm run synth -- --env dev\n${usage}`,
    });
    expect(tree(dist)).toEqual(before);
  });
});

describe('5. every problem of a failed synth, once, grouped by environment and app', () => {
  it('config mistakes in both environments and the contract', async () => {
    const all = environmentSources();
    const [dev, prod] = [all.dev as Record<string, Record<string, unknown>>, all.prod as Record<string, Record<string, unknown>>];
    dev.apps = { ...dev.apps, prometheus: { ...(dev.apps!.prometheus as object), retention: '3 days' } };
    prod.git = { ...prod.git, revision: 'HEAD' };
    prod.aws = { ...prod.aws, acountId: '1' };
    const saved = contract.prometheus.hosts.grafana;
    (contract.prometheus.hosts as Record<string, string>).grafana = 'argocd';
    try {
      await refused({ configs: all }, [
        '4 problems:',
        '  contract:',
        '    - field "prometheus.hosts.grafana": host "argocd" is also declared by argocd/server',
        '  dev:',
        '    - field "apps.prometheus.retention": must be a Prometheus duration like 10d or 12h, got "3 days"',
        '  prod:',
        '    - field "aws.acountId": unknown key; did you mean "accountId"?',
        '    - field "git.revision": must be a branch name (not HEAD), got "HEAD"',
      ].join('\n'));
    } finally {
      (contract.prometheus.hosts as Record<string, string>).grafana = saved;
    }
  });

  it('schema errors of several charts in several environments', async () => {
    const configMap = (field: string) => (chart: AddonChart) => new ApiObject(chart, 'Cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, [field]: { a: 'b' } });
    // Two apps nothing depends on, so replacing them takes nothing from the others.
    const patched = withAddon('django', configMap('binaryDta'), {}, withAddon('external-dns', configMap('dta')));
    await refused({ environments: ['dev', 'prod'], addons: patched }, [
      '4 problems:',
      '  dev/external-dns:',
      '    - ConfigMap "settings": dta: unknown field "dta"; did you mean "data"?',
      '  dev/django:',
      '    - ConfigMap "settings": binaryDta: unknown field "binaryDta"; did you mean "binaryData"?',
      '  prod/external-dns:',
      '    - ConfigMap "settings": dta: unknown field "dta"; did you mean "data"?',
      '  prod/django:',
      '    - ConfigMap "settings": binaryDta: unknown field "binaryDta"; did you mean "binaryData"?',
    ].join('\n'));
  });
});

describe('5. a damaged render-cache or validation-memo file', () => {
  it('is discarded with a warning naming the file, rendered again, and dist/ is written the same', async () => {
    const cacheDir = tempDir('cache-');
    const shared = join(repoRoot, 'node_modules', '.cache', 'gitops');
    // What a synth reads there (renders, the validation memo, compiled validators); not helm, linked below.
    const used = new Set(['renders', 'validated', 'schema-validate']);
    for (const d of fs.readdirSync(shared).filter((e) => used.has(e))) fs.cpSync(join(shared, d), join(cacheDir, d), { recursive: true });
    for (const helmDir of fs.readdirSync(shared).filter((d) => d.startsWith('helm-'))) {
      fs.mkdirSync(join(cacheDir, helmDir));
      fs.symlinkSync(join(shared, helmDir, 'helm'), join(cacheDir, helmDir, 'helm'));
    }
    // Every memo, and the render entries of external-dns (one per environment and code version).
    const inDir = (d: string) => fs.readdirSync(join(cacheDir, d)).map((f) => join(cacheDir, d, f));
    const damaged = [...inDir('validated'), ...inDir('renders').filter((f) => fs.readFileSync(f, 'utf8').includes('"deployment-external-dns.yaml"'))];
    for (const file of damaged) fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 100));
    const log: string[] = [];
    await synthToDist({ distDir: dist, cacheDir, log: (line) => log.push(line) });
    const warnings = log.filter((l) => l.startsWith('warning:'));
    expect(warnings.map((w) => w.replace(/ \/\S+: /, ' <file>: '))).toEqual([
      'warning: discarded validation memo <file>: Unterminated string in JSON at position 100',
      'warning: discarded render cache entry of dev/external-dns <file>: Unterminated string in JSON at position 100',
      'warning: discarded render cache entry of prod/external-dns <file>: Unterminated string in JSON at position 100',
      'warning: discarded render cache entry of staging/external-dns <file>: Unterminated string in JSON at position 100',
    ]);
    for (const w of warnings) expect(damaged).toContain(/ (\/\S+): /.exec(w)![1]);
    expect(log).toContainEqual(expect.stringMatching(/^rendered 3\/3: (dev|prod|staging)\/external-dns \(external-dns@1\.14\.5\)$/));
    expect(tree(dist)).toEqual(before);
    expect(statSync(join(dist, 'prod', 'django', 'app.json')).ino).toBe(inode);
  });
});

describe('6. npx cdk8s synth', () => {
  const cli = join(repoRoot, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

  it('with --no-check-upgrade (as cdk8s.yaml says): no stack trace, the synth summary, dist/ the same', () => {
    const out = tempDir('cdk8s-out-');
    const app = /^app: (.+)$/m.exec(fs.readFileSync(join(repoRoot, 'cdk8s.yaml'), 'utf8'))![1]!;
    const r = spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade', '--output', out, '--app', `${app} --dist ${dist}`], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toMatch(/^synth: dev, prod, staging: 37 apps, \d+ objects, \d+ files in \d+ ms/m);
    expect(tree(dist)).toEqual(before);
  });

  it('from a subfolder it stops before running anything, as cdk8s.yaml explains', () => {
    const r = spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade'], { cwd: join(repoRoot, 'charts'), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe('Missing required argument: app');
    expect(fs.readFileSync(join(repoRoot, 'cdk8s.yaml'), 'utf8')).toContain('so in a subfolder it stops with "Missing required argument: app"');
  });
});
