/**
 * Secret scan rules (tools/secret-scan/): planted secrets are found, by our rules and by secretlint's
 * preset, their clean counterparts are not, and findings never show the secret. The planted values
 * are in test/fixtures/secret-scan.ts; the whole repository and the infra output are scanned in
 * test/secret-scan-repo.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isCredentialName,
  listFiles,
  readScanInputs,
  redact,
  scanContent,
  scanFiles,
  secretRules,
  TOKEN_RULES,
  type SecretRule,
} from '../tools/secret-scan';
import { awsId, planted, plantedTokens, pw, type Fixture } from './fixtures/secret-scan';
import { clean, cleanTokens } from './fixtures/secret-scan-clean';
import { tempDir } from './helpers';

async function rulesOf(f: Fixture): Promise<SecretRule[]> {
  return (await scanContent(f.path, f.content)).map((x) => x.rule);
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
        it(`finds the planted secret: ${f.name}`, async () => {
          expect(await rulesOf(f)).toEqual([rule]);
        });
      }
      for (const f of clean[rule]) {
        it(`reports nothing for: ${f.name}`, async () => {
          expect(await scanContent(f.path, f.content)).toEqual([]);
        });
      }
    });
  }

  describe('secretlint\'s preset', () => {
    it('is one of the rules every file gets, with its rule names', () => {
      expect(TOKEN_RULES).toEqual(expect.arrayContaining(['secretlint/aws', 'secretlint/github', 'secretlint/privatekey', 'secretlint/slack', 'secretlint/npm', 'secretlint/anthropic']));
    });
    for (const f of plantedTokens) {
      it(`finds the planted secret: ${f.name} (${f.rule})`, async () => {
        expect(await rulesOf(f)).toEqual([f.rule]);
      });
    }
    for (const f of cleanTokens) {
      it(`reports nothing for: ${f.name}`, async () => {
        expect(await scanContent(f.path, f.content)).toEqual([]);
      });
    }
  });

  it('never shows the secret in a finding', async () => {
    for (const f of [...Object.values(planted).flat(), ...plantedTokens]) {
      const findings = await scanContent(f.path, f.content);
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

  it('reports the line of the value', async () => {
    const f = planted['env-literal-credential'][0]!;
    const line = f.content.split('\n').findIndex((l) => l.includes(pw)) + 1;
    expect(await scanContent(f.path, f.content)).toEqual([
      { file: f.path, line, rule: 'env-literal-credential', excerpt: `DB_PASSWORD=${redact(pw)}` },
    ]);
    const tf = planted['tf-ssm-literal-secret'][0]!;
    expect((await scanContent(tf.path, tf.content))[0]!.line).toBe(tf.content.split('\n').findIndex((l) => l.includes(pw)) + 1);
  });

  it('tells credential names from references', () => {
    for (const name of ['password', 'adminPassword', 'DB_PASSWORD', 'GF_SECURITY_ADMIN_PASSWORD', 'SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'apiToken', 'apiKey', 'api_key', 'privateKey', 'clientSecret', 'WEBHOOK_SECRET', 'credentials', 'passcode']) {
      expect(isCredentialName(name), name).toBe(true);
    }
    for (const name of ['existingSecret', 'adminPasswordSecret', 'passwordKey', 'secretKey', 'secretName', 'tokenSecretRef', 'jdbcSecretName', 'passwordFile', 'PASSWORD_FILE', 'SECRETS', 'SONAR_PROJECT_KEY', 'checksum/secret', 'kubeTokenFile', 'argocdServerAdminPasswordMtime', 'AWS_ACCESS_KEY_ID']) {
      expect(isCredentialName(name), name).toBe(false);
    }
  });

  it('applies the allowlist and reports unused entries', async () => {
    const f = planted['source-literal-credential'][0]!;
    const entry = { file: f.path, rule: 'source-literal-credential' as const, reason: 'test' };
    const stale = { file: 'notes.txt', rule: 'jwt' as const, reason: 'stale' };
    const result = await scanFiles([f, clean.jwt[0]!], { allowlist: [entry, stale] });
    expect(result.findings).toEqual([]);
    expect(result.allowed.map((a) => a.entry)).toEqual([entry]);
    expect(result.unusedAllowlist).toEqual([stale]);
    // A whole-repository scan also reports entries whose file was not scanned at all.
    const missing = { file: 'gone.txt', rule: 'jwt' as const, reason: 'file removed' };
    expect((await scanFiles([], { allowlist: [missing], unusedScope: 'all' })).unusedAllowlist).toEqual([missing]);
    expect((await scanFiles([], { allowlist: [missing] })).unusedAllowlist).toEqual([]);
  });

  it('reads fixtures from disk, skipping binaries and files over 2 MiB', async () => {
    const dir = tempDir('secret-scan-');
    const fixtures = [...Object.values(planted).flat(), ...plantedTokens, ...Object.values(clean).flat(), ...cleanTokens];
    fixtures.forEach((f, i) => {
      const file = join(dir, `${i}`, f.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, f.content);
    });
    writeFileSync(join(dir, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(awsId)]));
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(2 * 1024 * 1024 + 1));
    const { inputs, skipped } = readScanInputs(dir, listFiles(dir));
    expect(skipped.map((s) => s.path).sort()).toEqual(['big.txt', 'blob.bin']);
    const result = await scanFiles(inputs, { allowlist: [] });
    expect(result.findings.length).toBe(Object.values(planted).flat().length + plantedTokens.length);
    expect(new Set(result.findings.map((x) => x.rule))).toEqual(new Set([...secretRules, ...plantedTokens.map((f) => f.rule)]));
  });
});
