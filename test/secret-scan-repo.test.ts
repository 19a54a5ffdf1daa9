/**
 * Secret scan of the real inputs: the repository (git ls-files, dist/ included) and the infra synth
 * output are clean, and their real shapes are caught once a value is made literal.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../config/environments';
import { repoRoot } from '../config/paths';
import { stackKindsOf } from '../infra/common';
import { buildApp } from '../infra/app';
import { listFiles, scanContent, scanInfraOutput, scanRepo, SECRET_SCAN_ALLOWLIST, type ScanResult } from '../tools/secret-scan';
import { pw } from './fixtures/secret-scan';

const root = repoRoot;

describe('the repository is clean', () => {
  let repo: ScanResult;
  beforeAll(async () => {
    repo = await scanRepo(root);
  });

  it('git ls-files: no findings, no unused allowlist entries', () => {
    expect(repo.findings, `secret-looking values:\n${repo.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.excerpt}`).join('\n')}`).toEqual([]);
    expect(repo.unusedAllowlist).toEqual([]);
    expect(new Set(repo.allowed.map((a) => a.entry))).toEqual(new Set(SECRET_SCAN_ALLOWLIST));
    expect(repo.scanned.length).toBeGreaterThan(900);
    expect(repo.scanned).toContain('django-todo/todo_site/env.py');
    expect(repo.scanned).toContain('test/secret-scan.test.ts');
    expect(repo.scanned).toContain('test/fixtures/secret-scan.ts');
    for (const f of listFiles(join(root, 'tools/secret-scan'))) expect(repo.scanned).toContain(`tools/secret-scan/${f}`);
    // Only binaries and oversized generated files are left out.
    for (const s of repo.skipped) expect(s.reason, s.path).toMatch(/^(binary|larger than 2 MiB|missing)/);
  });

  it('the committed dist/ was scanned (every environment, manifests and values)', () => {
    const dist = repo.scanned.filter((p) => p.startsWith('dist/'));
    expect(dist.length).toBeGreaterThan(500);
    for (const env of ['dev', 'prod']) {
      expect(dist.some((p) => p.startsWith(`dist/${env}/`) && p.includes('/manifests/')), env).toBe(true);
      expect(dist.some((p) => p.startsWith(`dist/${env}/`) && p.includes('/values/')), env).toBe(true);
    }
    expect(repo.findings.filter((f) => f.file.startsWith('dist/'))).toEqual([]);
  });

  it('the real dist/ shapes are caught once a value is made literal', async () => {
    // Mutation check on a committed object: replace the pod's Secret env source with a literal.
    const file = 'dist/prod/django/manifests/deployment-django.yaml';
    const obj = parse(readFileSync(join(root, file), 'utf8'));
    obj.spec.template.spec.containers[0].env.push({ name: 'DB_PASSWORD', value: pw });
    expect((await scanContent(file, stringify(obj))).map((f) => f.rule)).toEqual(['env-literal-credential']);
  });

  it('the allowlisted Django DEV_SECRET_KEY is provably not a production secret', () => {
    const envPy = readFileSync(join(root, 'django-todo/todo_site/env.py'), 'utf8');
    const m = /^DEV_SECRET_KEY = "([^"]+)"$/m.exec(envPy);
    expect(m?.[1]).toMatch(/^django-insecure-/); // Django's own deploy check rejects this prefix
    // returned only under `if debug:`; without DEBUG the settings refuse to start
    expect(envPy).toMatch(/ {4}if debug:\n {8}return DEV_SECRET_KEY\n {4}raise ImproperlyConfigured\("SECRET_KEY must be set when DEBUG is off"\)/);
    expect(envPy.match(/return DEV_SECRET_KEY/g)).toHaveLength(1);
    expect(envPy).toMatch(/def debug_flag[^]*?default=False/);
    // Every deployed Django container: DEBUG off, SECRET_KEY from a Secret an ExternalSecret fills from SSM.
    for (const env of ['dev', 'prod']) {
      const dir = `dist/${env}/django/manifests`;
      const objects = listFiles(join(root, dir)).flatMap((f) =>
        parseAllDocuments(readFileSync(join(root, dir, f), 'utf8')).map((d) => d.toJS() as Record<string, any>),
      );
      const fromSsm = new Set(
        objects
          .filter((o) => o.kind === 'ExternalSecret')
          .filter((o) => o.spec.data.some((d: any) => d.secretKey === 'SECRET_KEY' && /\/django\/secret_key$/.test(d.remoteRef.key)))
          .map((o) => o.spec.target?.name ?? o.metadata.name),
      );
      expect(fromSsm.size, env).toBeGreaterThan(0);
      const containers = objects
        .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
        .flatMap((o) => [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers] as any[])
        .filter((c) => /\/django-todo:/.test(c.image));
      expect(containers.length, env).toBeGreaterThan(0);
      for (const c of containers) {
        const vars: any[] = c.env ?? [];
        const debug = vars.find((v) => v.name === 'DEBUG');
        expect(debug === undefined || debug.value === 'false', `${env} ${c.name} DEBUG`).toBe(true);
        const key = vars.find((v) => v.name === 'SECRET_KEY');
        const source = key
          ? key.valueFrom?.secretKeyRef?.name
          : (c.envFrom ?? []).map((e: any) => e.secretRef?.name).find((n: string | undefined) => n && fromSsm.has(n));
        expect(fromSsm.has(source), `${env} ${c.name} SECRET_KEY from an ExternalSecret`).toBe(true);
      }
    }
  });
});

describe('the infra synth output is clean', () => {
  let outdir: string;
  let infra: ScanResult;
  beforeAll(async () => {
    // Like test/infra/helpers.ts synthAll, but from the committed dist/ (what `npm run infra:synth`
    // writes: the bootstrap stacks embed dist/<env>/argocd values and the ApplicationSet).
    outdir = mkdtempSync(join(tmpdir(), 'secret-scan-infra-'));
    buildApp({ outdir }).app.synth();
    infra = await scanInfraOutput(outdir);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('cdk.tf.json of every stack, the manifest and the asset charts: no findings', () => {
    expect(infra.findings, infra.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.excerpt}`).join('\n')).toEqual([]);
    const stacks = infra.scanned.filter((p) => p.endsWith('/cdk.tf.json'));
    expect(stacks.length).toBe(environmentNames.reduce((n, name) => n + stackKindsOf(loadEnvironment(name)).length, 0));
    expect(stacks).toContain('cdktf.out/stacks/prod-access/cdk.tf.json');
    expect(infra.scanned).toContain('cdktf.out/manifest.json');
  });

  it('the real stack shapes are caught once a value is made literal', async () => {
    const file = 'stacks/dev-access/cdk.tf.json';
    const json = JSON.parse(readFileSync(join(outdir, file), 'utf8'));
    const params = json.resource.aws_ssm_parameter as Record<string, { type: string; value: string }>;
    const secure = Object.values(params).filter((p) => p.type === 'SecureString');
    expect(secure.length).toBeGreaterThan(5);
    secure[0]!.value = pw;
    expect((await scanContent(file, JSON.stringify(json, null, 2))).map((f) => f.rule)).toEqual(['tf-ssm-literal-secret']);

    const boot = JSON.parse(readFileSync(join(outdir, 'stacks/dev-bootstrap/cdk.tf.json'), 'utf8'));
    const release = boot.resource.helm_release['argo-cd'];
    release.values = [`${release.values[0]}\nextra:\n  adminPassword: ${pw}\n`];
    expect((await scanContent('cdk.tf.json', JSON.stringify(boot))).map((f) => f.rule)).toEqual(['config-literal-credential']);
  });
});
