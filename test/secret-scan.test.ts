/**
 * Secret scan (tools/secret-scan/): planted secrets are found, their clean counterparts are not,
 * findings never show the secret; the repository, the committed dist/ and the infra synth output
 * are clean.
 *
 * The planted secrets are assembled here at run time from harmless pieces, so this file itself
 * passes the repository scan (it is scanned like every other file).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../infra/app';
import {
  isCredentialName,
  listFiles,
  readScanInputs,
  redact,
  scanContent,
  scanFiles,
  scanInfraOutput,
  scanRepo,
  SECRET_SCAN_ALLOWLIST,
  secretRules,
  type ScanResult,
  type SecretRule,
} from '../tools/secret-scan';
import { tempDir } from './helpers';
import { repoRoot } from '../config/paths';

const root = repoRoot;

/** Joins pieces: keeps every planted value out of this file's text. */
const j = (...parts: string[]) => parts.join('');

// Planted values (never written literally).
const pw = j('Xk9#', 'vQ2m', 'Z7!pL', 'w4Rt');
const pw2 = j('n8Vb', '3qLz', 'Tr6Y', 'u1Ke');
const b64 = Buffer.from(pw).toString('base64');
const awsId = j('AKIA', 'IOSFODNN7', 'EXAMPLE');
const awsTempId = j('ASIA', 'Y34FZKBOKM', 'UTVV7A');
const awsSecret = j('wJalrXUtnFEMI', '/K7MDENG/bPxRfi', 'CYEXAMPLEKEY');
const ghToken = j('ghp_', 'a1B2c3D4e5F6g7H8', 'i9J0k1L2m3N4o5P6', 'q7R8');
const ghPat = j('github_pat_', '11ABCDEFG0', 'aBcDeFgHiJkLmN_', 'oPqRsTuVwXyZ0123456789');
const slackToken = j('xoxb-', '2401234567', '89-1234567890123-', 'AbCdEfGhIjKlMnOpQrStUvWx');
const slackHook = j('T0A1B2C3D', '/B0A1B2C3D4/', 'AbCdEfGhIjKl', 'MnOpQrStUvWx');
const jwt = j('eyJhbGci', 'OiJIUzI1NiJ9', '.', 'eyJzdWIi', 'OiIxMjM0NTY3ODkwIn0', '.', 'dBjftJeZ4CVP', '-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
const bearer = j('f3a9c1d2', 'e4b5a697', '8877665544', '332211aa');
const pemBody = j('MIIEowIBAAKCAQEA', 'u1SU1LfVLPHCozMx', 'H2Mo4lgOEePzNm0t');
const pem = (kind: string) =>
  [j('-----', 'BEGIN ', kind, 'PRIVATE', ' KEY-----'), pemBody, j('-----', 'END ', kind, 'PRIVATE', ' KEY-----'), ''].join('\n');

interface Fixture {
  readonly name: string;
  readonly path: string;
  readonly content: string;
  /** The sensitive part: must never appear in a finding. */
  readonly secret?: string;
}

const deployment = (env: string) =>
  j(
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\nspec:\n  template:\n    spec:\n',
    '      containers:\n        - name: demo\n          image: demo:1\n          env:\n',
    env,
    '      volumes:\n        - name: cert\n          secret:\n            secretName: demo-webhook-cert\n',
  );

const tfStack = (resource: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ '//': { metadata: { stackName: 'dev-demo' } }, resource, ...extra }, null, 2);

/** One planted secret per rule (some rules have several shapes). */
const planted: Record<SecretRule, Fixture[]> = {
  'private-key': [
    { name: 'RSA', path: 'docs/key.md', content: pem('RSA '), secret: pemBody },
    { name: 'EC', path: 'infra/key.pem', content: pem('EC '), secret: pemBody },
    { name: 'OPENSSH', path: 'home/id_ed25519', content: pem('OPENSSH '), secret: pemBody },
    { name: 'ENCRYPTED (PKCS#8)', path: 'key.txt', content: pem('ENCRYPTED '), secret: pemBody },
    { name: 'PKCS#8', path: 'key2.txt', content: pem(''), secret: pemBody },
    {
      name: 'in a Secret-less ConfigMap',
      path: 'dist/dev/demo/manifests/configmap-demo.yaml',
      content: j('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n  tls.key: |\n', pem('RSA ').replace(/^/gm, '    ')),
      secret: pemBody,
    },
  ],
  'aws-access-key-id': [
    { name: 'AKIA', path: 'scripts/deploy.ts', content: j("const id = '", awsId, "';\n"), secret: awsId },
    { name: 'ASIA', path: 'notes.txt', content: j('temporary key ', awsTempId, '\n'), secret: awsTempId },
  ],
  'aws-secret-access-key': [
    { name: 'ini', path: 'home/.aws/credentials', content: j('[default]\naws_secret_access_key = ', awsSecret, '\n'), secret: awsSecret },
    { name: 'yaml', path: 'ci/aws.yml', content: j('secretAccessKey: ', awsSecret, '\n'), secret: awsSecret },
  ],
  'github-token': [
    { name: 'ghp_', path: 'scripts/release.sh', content: j('curl -H "Authorization: token ', ghToken, '" https://api.github.com\n'), secret: ghToken },
    { name: 'github_pat_', path: 'README.md', content: j('use ', ghPat, '\n'), secret: ghPat },
  ],
  'slack-token': [{ name: 'xoxb', path: 'notify.py', content: j('client = WebClient(', "'", slackToken, "')\n"), secret: slackToken }],
  'slack-webhook': [
    { name: 'webhook', path: 'alerts.txt', content: j('https://hooks.slack.com/services/', slackHook, '\n'), secret: slackHook },
  ],
  jwt: [{ name: 'header.payload.signature', path: 'docs/api.md', content: j('Authorization: Bearer ', jwt, '\n'), secret: jwt }],
  'bearer-token': [
    { name: 'curl', path: 'docs/curl.md', content: j('curl -H "Authorization: Bearer ', bearer, '" https://x\n'), secret: bearer },
  ],
  'url-credentials': [
    { name: 'postgres URL', path: '.env.example', content: j('DATABASE_URL=postgres://app:', pw, '@db.internal:5432/app\n'), secret: pw },
  ],
  'k8s-secret-data': [
    {
      name: 'data',
      path: 'dist/dev/demo/manifests/secret-demo.yaml',
      content: j('apiVersion: v1\nkind: Secret\nmetadata:\n  name: demo\ntype: Opaque\ndata:\n  password: ', b64, '\n'),
      secret: b64,
    },
    {
      name: 'stringData',
      path: 'dist/dev/demo/manifests/secret-demo2.yaml',
      content: j('apiVersion: v1\nkind: Secret\nmetadata:\n  name: demo2\nstringData:\n  config: ', pw, '\n'),
      secret: pw,
    },
    {
      name: 'in a Helm template',
      path: 'charts/demo/templates/secret.yaml',
      content: j('{{- if .Values.create }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\nstringData:\n  url: ', pw, '\n{{- end }}\n'),
      secret: pw,
    },
    {
      name: 'in a JSON List',
      path: 'out/list.json',
      content: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { token: b64 } }] }),
      secret: b64,
    },
  ],
  'env-literal-credential': [
    {
      name: 'container env',
      path: 'dist/dev/demo/manifests/deployment-demo.yaml',
      content: deployment(j('            - name: DB_PASSWORD\n              value: ', pw, '\n')),
      secret: pw,
    },
    {
      name: 'Argo CD helm parameter',
      path: 'dist/dev/demo/manifests/application-demo.yaml',
      content: j(
        'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo\nspec:\n  source:\n    helm:\n      parameters:\n',
        '        - name: configs.secret.argocdServerAdminPassword\n          value: ',
        pw,
        '\n',
      ),
      secret: pw,
    },
  ],
  'config-literal-credential': [
    {
      name: 'Helm values',
      path: 'dist/dev/jenkins/values/jenkins.yaml',
      content: j('controller:\n  admin:\n    existingSecret: jenkins-admin\n    adminPassword: ', pw, '\n'),
      secret: pw,
    },
    {
      name: 'JCasC inside a ConfigMap',
      path: 'dist/dev/jenkins/manifests/configmap-jcasc.yaml',
      content: j(
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: jcasc\ndata:\n  credentials.yaml: |-\n    credentials:\n',
        '      - usernamePassword:\n          username: admin\n          password: "',
        pw,
        '"\n',
      ),
      secret: pw,
    },
    { name: 'JSON config', path: 'config/app.json', content: JSON.stringify({ grafana: { apiToken: pw } }, null, 2), secret: pw },
    {
      name: 'helm_release values in Terraform JSON',
      path: 'cdktf.out/stacks/dev-bootstrap/cdk.tf.json',
      content: tfStack({ helm_release: { 'argo-cd': { name: 'argo-cd', values: [j('configs:\n  secret:\n    argocdServerAdminPassword: ', pw, '\n')] } } }),
      secret: pw,
    },
  ],
  'source-literal-credential': [
    { name: 'Python setting', path: 'django-todo/todo_site/settings.py', content: j('SECRET_KEY = "', pw, '"\n'), secret: pw },
    { name: 'TypeScript object', path: 'charts/demo.ts', content: j("const cfg = { adminPassword: '", pw, "' };\n"), secret: pw },
    { name: 'Dockerfile ENV', path: 'django-todo/Dockerfile', content: j('FROM python:3.12\nENV DB_PASSWORD=', pw, '\n'), secret: pw },
    { name: 'shell export', path: 'scripts/run.sh', content: j('export API_TOKEN="', pw, '"\n'), secret: pw },
  ],
  'tf-ssm-literal-secret': [
    {
      name: 'SecureString literal',
      path: 'cdktf.out/stacks/dev-access/cdk.tf.json',
      content: tfStack({ aws_ssm_parameter: { p: { name: '/dev/django/secret_key', type: 'SecureString', value: pw } } }),
      secret: pw,
    },
    {
      name: 'String parameter named like a password',
      path: 'cdktf.out/stacks/dev-access/cdk.tf.json',
      content: tfStack({ aws_ssm_parameter: { p: { name: '/dev/jenkins/admin_password', type: 'String', value: pw } } }),
      secret: pw,
    },
  ],
  'tf-literal-credential': [
    {
      name: 'RDS password',
      path: 'cdktf.out/stacks/dev-data/cdk.tf.json',
      content: tfStack({ aws_db_instance: { db: { identifier: 'db', username: 'django', password: pw } } }),
      secret: pw,
    },
    {
      name: 'sensitive variable default',
      path: 'cdktf.out/stacks/dev-access/cdk.tf.json',
      content: tfStack({}, { variable: { git_token: { type: 'string', sensitive: true, default: pw } } }),
      secret: pw,
    },
    {
      name: 'secretsmanager secret_string',
      path: 'cdktf.out/stacks/dev-access/cdk.tf.json',
      content: tfStack({ aws_secretsmanager_secret_version: { v: { secret_id: '${aws_secretsmanager_secret.s.id}', secret_string: pw2 } } }),
      secret: pw2,
    },
  ],
};

/** Look-alikes that are references, public material or placeholders: no findings. */
const clean: Record<SecretRule, Fixture[]> = {
  'private-key': [
    { name: 'public key and certificate', path: 'docs/pub.md', content: j('-----BEGIN PUBLIC KEY-----\n', pemBody, '\n-----BEGIN CERTIFICATE-----\n') },
  ],
  'aws-access-key-id': [
    { name: 'IAM unique id / too short', path: 'notes.txt', content: j('AIDA', 'IOSFODNN7EXAMPLE', ' AKIA', 'SHORT ', 'akia', 'iosfodnn7example\n') },
  ],
  'aws-secret-access-key': [
    { name: '40-char git sha, not next to an AWS name', path: 'notes.txt', content: 'commit: 9fceb02d0ae598e95dc970b74767f19372d61af8\n' },
  ],
  'github-token': [{ name: 'prefix only', path: 'notes.txt', content: 'tokens look like ghp_xxx or github_pat_…\n' }],
  'slack-token': [{ name: 'template', path: 'notes.txt', content: 'SLACK=xoxb-$SLACK_BOT\n' }],
  'slack-webhook': [{ name: 'docs URL', path: 'notes.txt', content: 'see https://hooks.slack.com/ for details\n' }],
  jwt: [{ name: 'header only', path: 'notes.txt', content: j('eyJhbGci', 'OiJIUzI1NiJ9 is a JOSE header\n') }],
  'bearer-token': [
    { name: 'variables', path: 'docs/curl.md', content: 'curl -H "Authorization: Bearer $TOKEN"\ncurl -H "Authorization: Bearer ${TOKEN}"\nBearer authentication\n' },
  ],
  'url-credentials': [
    { name: 'interpolated password, user only', path: 'notes.txt', content: 'postgres://app:${DB_PASSWORD}@db/app https://git@github.com/x jdbc:postgresql://${host}:5432/sonar\n' },
  ],
  'k8s-secret-data': [
    {
      name: 'Secret without data (upstream placeholder)',
      path: 'dist/dev/demo/manifests/secret-empty.yaml',
      content: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: empty\ntype: Opaque\n',
    },
    {
      name: 'ExternalSecret (SSM parameter paths)',
      path: 'dist/dev/demo/manifests/externalsecret-demo.yaml',
      content:
        'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: demo\nspec:\n  data:\n' +
        '    - remoteRef:\n        key: /django-dev/demo/db_password\n      secretKey: DB_PASSWORD\n' +
        '    - remoteRef:\n        key: /django-dev/demo/secret_key\n      secretKey: SECRET_KEY\n' +
        '  secretStoreRef:\n    kind: SecretStore\n    name: demo-ssm\n  target:\n    name: demo-settings\n',
    },
  ],
  'env-literal-credential': [
    {
      name: 'valueFrom, file paths, a Secret name the pod mounts',
      path: 'dist/dev/demo/manifests/deployment-demo.yaml',
      content: deployment(
        '            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: demo\n                  key: DB_PASSWORD\n' +
          '            - name: PASSWORD_FILE\n              value: /run/secrets/db/password\n' +
          '            - name: SECRETS\n              value: /run/secrets/additional\n' +
          '            - name: WEBHOOK_SECRET\n              value: demo-webhook-cert\n' +
          '            - name: SONAR_PROJECT_KEY\n              value: django_todo_project\n' +
          '            - name: TOKEN\n              value: $(OTHER_VAR)\n' +
          '            - name: API_TOKEN\n              value: ""\n',
      ),
    },
  ],
  'config-literal-credential': [
    {
      name: 'references to Secrets and keys',
      path: 'dist/dev/demo/values/demo.yaml',
      content:
        'admin:\n  existingSecret: jenkins-admin\n  passwordKey: jenkins-admin-password\n  userKey: jenkins-admin-user\n' +
        'grafana:\n  adminPasswordSecret: grafana-admin\n  tokenSecretRef: {name: x, key: token}\n  useExistingSecret: true\n' +
        'sonar:\n  jdbcSecretName: sonarqube-db\n  jdbcSecretPasswordKey: SONAR_JDBC_PASSWORD\n  monitoringPasscodeSecretKey: passcode\n' +
        'db:\n  password: ""\n  token: "${TOKEN}"\n  apiToken: "{{ .Values.token }}"\n  passwordFile: /run/secrets/pw\n  bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n' +
        'argo:\n  credentials: ext:/scripts/ecr-login.sh\n  argocdServerAdminPasswordMtime: "2024-01-01T00:00:00Z"\n' +
        'podAnnotations:\n  checksum/secret: ca901b8da735003d4d4cbd9fa0ed14063556a1df2e9fdd1bf4b392c318d7e5d4\n',
    },
    {
      name: 'JCasC with ${…} references',
      path: 'dist/dev/jenkins/manifests/configmap-jcasc.yaml',
      content:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: jcasc\ndata:\n  credentials.yaml: |-\n    credentials:\n' +
        '      - usernamePassword:\n          username: "${jenkins-github-username}"\n          password: "${jenkins-github-token}"\n',
    },
    {
      name: 'API-path map keys',
      path: 'imports/schemas/crds.json',
      content: JSON.stringify({ 'external-secrets.io/v1beta1/ExternalSecret': 'chart external-secrets.tgz' }),
    },
  ],
  'source-literal-credential': [
    {
      name: 'env lookups, key names, Secret names, interpolations, short test dummies',
      path: 'src/settings.py',
      content:
        'SECRET_KEY = os.environ["SECRET_KEY"]\n' +
        "keys = { DB_PASSWORD: 'db_password', password: 'git_token', 'admin.password': 'admin_password_bcrypt' }\n" +
        "export const JENKINS_ADMIN_SECRET = 'jenkins-admin';\n" +
        'SECRET_KEY="test-only-$(python -c \'import secrets; print(secrets.token_hex(24))\')"\n' +
        'export DEBUG=false SECRET_KEY="ci-tests-only-$BUILD_NUMBER"\n' +
        'env.secret_key({"SECRET_KEY": "s3cret"}, debug=False)\n' +
        'raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")\n',
    },
  ],
  'tf-ssm-literal-secret': [
    {
      name: 'references and non-secret literals',
      path: 'cdktf.out/stacks/dev-access/cdk.tf.json',
      content: tfStack({
        aws_ssm_parameter: {
          a: { name: '/dev/django/db_password', type: 'SecureString', value: '${data.terraform_remote_state.s.outputs.pw}' },
          b: { name: '/dev/jenkins/github_token', type: 'SecureString', value: '${var.git_token}' },
          c: { name: '/dev/argocd/repo_url', type: 'String', value: 'https://github.com/example/gitops-platform.git' },
          d: { name: '/dev/jenkins/admin_username', type: 'String', value: 'admin' },
        },
      }),
    },
  ],
  'tf-literal-credential': [
    {
      name: 'references, random_password, sensitive variable without default',
      path: 'cdktf.out/stacks/dev-data/cdk.tf.json',
      content: tfStack(
        {
          random_password: { 'django-db_password': { length: 32, special: false } },
          aws_db_instance: { db: { password: '${data.terraform_remote_state.s.outputs.cross-stack-output-random_passworddjango-db_passwordresult}' } },
          helm_release: { r: { values: ['server:\n  token: "$${escaped}"\n'] } },
        },
        {
          '//': { outputs: { 'dev-secrets': { 'cross-stack-output-random_password.django-db_password.result': 'cross-stack-output-x' } } },
          variable: { git_token: { type: 'string', sensitive: true, nullable: false } },
          output: { o: { sensitive: true, value: '${random_password.django-db_password.result}' } },
          provider: { helm: [{ kubernetes: { token: '${data.aws_eks_cluster_auth.auth.token}' } }] },
        },
      ),
    },
  ],
};

function rulesOf(f: Fixture): SecretRule[] {
  return scanContent(f.path, f.content).map((x) => x.rule);
}

describe('secret scan rules', () => {
  it('has a planted and a clean fixture for every rule', () => {
    for (const rule of secretRules) {
      expect(planted[rule].length, rule).toBeGreaterThan(0);
      expect(clean[rule].length, rule).toBeGreaterThan(0);
    }
  });

  for (const rule of secretRules) {
    describe(rule, () => {
      for (const f of planted[rule]) {
        it(`finds the planted secret: ${f.name}`, () => {
          expect(rulesOf(f)).toEqual([rule]);
        });
      }
      for (const f of clean[rule]) {
        it(`reports nothing for: ${f.name}`, () => {
          expect(scanContent(f.path, f.content)).toEqual([]);
        });
      }
    });
  }

  it('never shows the secret in a finding', () => {
    for (const f of Object.values(planted).flat()) {
      const findings = scanContent(f.path, f.content);
      expect(findings.length, f.name).toBeGreaterThan(0);
      for (const finding of findings) {
        expect(JSON.stringify(finding), f.name).not.toContain(f.secret!);
        // at most 4 characters of it: no 5-character piece of the secret is shown
        for (let i = 0; i + 5 <= f.secret!.length; i++) expect(finding.excerpt, f.name).not.toContain(f.secret!.slice(i, i + 5));
      }
    }
    expect(redact(pw)).toBe(`${pw.slice(0, 4)}…(${pw.length} chars)`);
    expect(redact('abc')).toBe('…(3 chars)');
  });

  it('reports the line of the value', () => {
    const f = planted['env-literal-credential'][0]!;
    const line = f.content.split('\n').findIndex((l) => l.includes(pw)) + 1;
    expect(scanContent(f.path, f.content)).toEqual([
      { file: f.path, line, rule: 'env-literal-credential', excerpt: `DB_PASSWORD=${redact(pw)}` },
    ]);
    const tf = planted['tf-ssm-literal-secret'][0]!;
    expect(scanContent(tf.path, tf.content)[0]!.line).toBe(tf.content.split('\n').findIndex((l) => l.includes(pw)) + 1);
  });

  it('tells credential names from references', () => {
    for (const name of ['password', 'adminPassword', 'DB_PASSWORD', 'GF_SECURITY_ADMIN_PASSWORD', 'SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'apiToken', 'apiKey', 'api_key', 'privateKey', 'clientSecret', 'WEBHOOK_SECRET', 'credentials', 'passcode']) {
      expect(isCredentialName(name), name).toBe(true);
    }
    for (const name of ['existingSecret', 'adminPasswordSecret', 'passwordKey', 'secretKey', 'secretName', 'tokenSecretRef', 'jdbcSecretName', 'passwordFile', 'PASSWORD_FILE', 'SECRETS', 'SONAR_PROJECT_KEY', 'checksum/secret', 'kubeTokenFile', 'argocdServerAdminPasswordMtime', 'AWS_ACCESS_KEY_ID']) {
      expect(isCredentialName(name), name).toBe(false);
    }
  });

  it('applies the allowlist and reports unused entries', () => {
    const f = planted['source-literal-credential'][0]!;
    const entry = { file: f.path, rule: 'source-literal-credential' as const, reason: 'test' };
    const stale = { file: 'notes.txt', rule: 'jwt' as const, reason: 'stale' };
    const result = scanFiles([f, clean.jwt[0]!], { allowlist: [entry, stale] });
    expect(result.findings).toEqual([]);
    expect(result.allowed.map((a) => a.entry)).toEqual([entry]);
    expect(result.unusedAllowlist).toEqual([stale]);
    // A whole-repository scan also reports entries whose file was not scanned at all.
    const missing = { file: 'gone.txt', rule: 'jwt' as const, reason: 'file removed' };
    expect(scanFiles([], { allowlist: [missing], unusedScope: 'all' }).unusedAllowlist).toEqual([missing]);
    expect(scanFiles([], { allowlist: [missing] }).unusedAllowlist).toEqual([]);
  });

  it('reads fixtures from disk, skipping binaries and files over 2 MiB', () => {
    const dir = tempDir('secret-scan-');
    const fixtures = [...Object.values(planted).flat(), ...Object.values(clean).flat()];
    fixtures.forEach((f, i) => {
      const file = join(dir, `${i}`, f.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, f.content);
    });
    writeFileSync(join(dir, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(awsId)]));
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(2 * 1024 * 1024 + 1));
    const { inputs, skipped } = readScanInputs(dir, listFiles(dir));
    expect(skipped.map((s) => s.path).sort()).toEqual(['big.txt', 'blob.bin']);
    const result = scanFiles(inputs, { allowlist: [] });
    expect(result.findings.length).toBe(Object.values(planted).flat().length);
    expect(new Set(result.findings.map((x) => x.rule))).toEqual(new Set(secretRules));
  });
});

describe('the repository is clean', () => {
  let repo: ScanResult;
  beforeAll(() => {
    repo = scanRepo(root);
  });

  it('git ls-files: no findings, no unused allowlist entries', () => {
    expect(repo.findings, `secret-looking values:\n${repo.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.excerpt}`).join('\n')}`).toEqual([]);
    expect(repo.unusedAllowlist).toEqual([]);
    expect(new Set(repo.allowed.map((a) => a.entry))).toEqual(new Set(SECRET_SCAN_ALLOWLIST));
    expect(repo.scanned.length).toBeGreaterThan(900);
    expect(repo.scanned).toContain('django-todo/todo_site/env.py');
    expect(repo.scanned).toContain('test/secret-scan.test.ts');
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

  it('the real dist/ shapes are caught once a value is made literal', () => {
    // Mutation check on a committed object: replace the pod's Secret env source with a literal.
    const file = 'dist/prod/django/manifests/deployment-django.yaml';
    const obj = parse(readFileSync(join(root, file), 'utf8'));
    obj.spec.template.spec.containers[0].env.push({ name: 'DB_PASSWORD', value: pw });
    expect(scanContent(file, stringify(obj)).map((f) => f.rule)).toEqual(['env-literal-credential']);
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
  beforeAll(() => {
    // Like test/infra/helpers.ts synthAll, but from the committed dist/ (what `npm run infra:synth`
    // writes: the bootstrap stacks embed dist/<env>/argocd values and the ApplicationSet).
    outdir = mkdtempSync(join(tmpdir(), 'secret-scan-infra-'));
    buildApp({ outdir }).app.synth();
    infra = scanInfraOutput(outdir);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('cdk.tf.json of every stack, the manifest and the asset charts: no findings', () => {
    expect(infra.findings, infra.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.excerpt}`).join('\n')).toEqual([]);
    const stacks = infra.scanned.filter((p) => p.endsWith('/cdk.tf.json'));
    expect(stacks.length).toBe(12);
    expect(stacks).toContain('cdktf.out/stacks/prod-access/cdk.tf.json');
    expect(infra.scanned).toContain('cdktf.out/manifest.json');
  });

  it('the real stack shapes are caught once a value is made literal', () => {
    const file = 'stacks/dev-access/cdk.tf.json';
    const json = JSON.parse(readFileSync(join(outdir, file), 'utf8'));
    const params = json.resource.aws_ssm_parameter as Record<string, { type: string; value: string }>;
    const secure = Object.values(params).filter((p) => p.type === 'SecureString');
    expect(secure.length).toBeGreaterThan(5);
    secure[0]!.value = pw;
    expect(scanContent(file, JSON.stringify(json, null, 2)).map((f) => f.rule)).toEqual(['tf-ssm-literal-secret']);

    const boot = JSON.parse(readFileSync(join(outdir, 'stacks/dev-bootstrap/cdk.tf.json'), 'utf8'));
    const release = boot.resource.helm_release['argo-cd'];
    release.values = [`${release.values[0]}\nextra:\n  adminPassword: ${pw}\n`];
    expect(scanContent('cdk.tf.json', JSON.stringify(boot)).map((f) => f.rule)).toEqual(['config-literal-credential']);
  });
});
