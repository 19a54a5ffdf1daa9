/**
 * `terraform validate` on every synthesized stack whose providers are all in the local plugin
 * mirror (offline: `init -plugin-dir <mirror> -backend=false`, an empty CLI config in a temp dir,
 * so nothing is fetched). Stacks needing an unmirrored provider (random, helm, cloudflare) are
 * listed and skipped by name; without terraform or the mirror the whole check is skipped with the
 * reason in its title.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { synthAll } from './helpers';

const run = promisify(execFile);
const TERRAFORM = process.env.TERRAFORM_BIN ?? '/usr/local/bin/terraform';
const MIRROR = process.env.TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';

/** Providers (registry.terraform.io/<ns>/<name>) present in the mirror. */
function mirroredProviders(): Set<string> {
  const found = new Set<string>();
  const base = path.join(MIRROR, 'registry.terraform.io');
  if (!fs.existsSync(base)) return found;
  for (const ns of fs.readdirSync(base)) for (const name of fs.readdirSync(path.join(base, ns))) found.add(`${ns}/${name}`);
  return found;
}

const PROVIDER_SOURCES: Record<string, string> = { aws: 'hashicorp/aws', random: 'hashicorp/random', helm: 'hashicorp/helm', cloudflare: 'cloudflare/cloudflare' };

const available = fs.existsSync(TERRAFORM) && mirroredProviders().has('hashicorp/aws');
const reason = !fs.existsSync(TERRAFORM)
  ? `no terraform binary at ${TERRAFORM}`
  : `no hashicorp/aws provider in the mirror ${MIRROR}`;

describe.skipIf(!available)(available ? 'terraform validate (offline mirror)' : `terraform validate SKIPPED: ${reason}`, () => {
  it('validates every stack whose providers are mirrored', async () => {
    const { outdir, stacks } = synthAll();
    const mirrored = mirroredProviders();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-validate-'));
    const cliConfig = path.join(work, 'empty.tfrc');
    fs.writeFileSync(cliConfig, '');
    const envVars = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_DATA_DIR: '' };
    delete (envVars as Record<string, string | undefined>).TF_DATA_DIR;

    const eligible: string[] = [];
    const skipped: string[] = [];
    for (const [id, json] of Object.entries(stacks)) {
      const needs = Object.keys(json.terraform.required_providers ?? {}).map((p) => PROVIDER_SOURCES[p] ?? p);
      (needs.every((p) => mirrored.has(p)) ? eligible : skipped).push(id);
    }
    // Today: every AWS-only stack; the random-only secrets stacks, the helm bootstrap stacks and the
    // Cloudflare certificate stack of prod need providers this machine does not mirror.
    expect(eligible.length).toBeGreaterThanOrEqual(7);

    const results = await Promise.all(
      eligible.map(async (id) => {
        const dir = path.join(work, id);
        fs.cpSync(path.join(outdir, 'stacks', id), dir, { recursive: true });
        const tf = (args: string[]) => run(TERRAFORM, args, { cwd: dir, env: envVars, maxBuffer: 16 * 1024 * 1024 });
        try {
          await tf(['init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${MIRROR}`]);
          const { stdout } = await tf(['validate', '-json', '-no-color']);
          const out = JSON.parse(stdout);
          return { id, valid: out.valid as boolean, diagnostics: out.diagnostics as unknown[] };
        } catch (err) {
          const e = err as { stdout?: string; stderr?: string };
          return { id, valid: false, diagnostics: [e.stderr || e.stdout || String(err)] };
        }
      }),
    );
    fs.rmSync(work, { recursive: true, force: true });
    console.info(`terraform validate: ${eligible.length} stacks valid-checked (${eligible.join(', ')}); not mirrored, skipped: ${skipped.join(', ')}`);
    for (const r of results) expect(r, JSON.stringify(r.diagnostics)).toMatchObject({ id: r.id, valid: true });
  });
});
