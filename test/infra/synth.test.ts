/** `npm run infra:synth` properties: deterministic, relative paths only, clear errors for missing dist files. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { buildApp, describeSynth } from '../../infra/app';
import { repoRoot } from '../../config/paths';
import { environmentNames, loadEnvironment } from '../../config/environments';
import { stackKindsOf } from '../../infra/common';
import { BootstrapStack } from '../../infra/stacks/bootstrap';
import { FIXTURE_DIST, synthAll } from './helpers';
import { tempDir } from '../helpers';

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = fs.readFileSync(full).toString('base64');
  }
  return out;
}

describe('infra synth', () => {
  it('is deterministic and has no absolute paths or timestamps', () => {
    const second = tempDir('infra-synth-b-');
    const { app } = buildApp({ distRoot: FIXTURE_DIST, outdir: second });
    app.synth();
    const envs = environmentNames.map((name) => loadEnvironment(name));
    const count = envs.reduce((n, env) => n + stackKindsOf(env).length, 0);
    const list = envs.map((env) => `${env.name}: ${stackKindsOf(env).join(', ')}`).join('; ');
    // Files: manifest.json, each stack's cdk.tf.json, and the four assets of each bootstrap stack.
    const files = 1 + count + 4 * envs.filter((env) => env.hub === undefined).length;
    expect(describeSynth(app, path.dirname(second))).toBe(`${count} stacks (${list}), ${files} files written to ${path.basename(second)}/ (manifest.json, stacks/<stack>/)`);
    const a = Object.fromEntries([...synthAll().files].map(([rel, bytes]) => [rel, bytes.toString('base64')]));
    const b = readTree(second);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const file of Object.keys(a)) expect(b[file], file).toBe(a[file]);
    for (const [file, content] of Object.entries(a)) {
      if (!file.endsWith('.json')) continue;
      const text = Buffer.from(content, 'base64').toString('utf8');
      expect(text, file).not.toContain(repoRoot);
      expect(text, file).not.toContain(os.tmpdir());
      expect(text, file).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });

  it('fails with the missing file named when the dist tree is absent', () => {
    const app = Testing.app({ outdir: tempDir('cdktf-out-') });
    expect(() => new BootstrapStack(app, loadEnvironment('dev'), { distRoot: 'test/infra/fixtures/no-such-dist' })).toThrow(
      /missing Argo CD values file test\/infra\/fixtures\/no-such-dist\/dev\/argocd\/values\/argo-cd\.yaml/,
    );
  });

  it('fails with the missing ApplicationSet named', () => {
    const root = tempDir('infra-dist-');
    fs.mkdirSync(path.join(root, 'dev', 'argocd', 'values'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dev', 'argocd', 'values', 'argo-cd.yaml'), 'global: {}\n');
    const app = Testing.app({ outdir: tempDir('cdktf-out-') });
    expect(() => new BootstrapStack(app, loadEnvironment('dev'), { distRoot: root })).toThrow(
      /missing ApplicationSet manifest .*dev\/argocd\/manifests\/applicationset-platform\.yaml/,
    );
  });
});
