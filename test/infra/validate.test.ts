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
import { CheckMemo, contentDigest, memoKey, statDigest, toolIdentity } from '../../tools/check-memo';
import { type Json, synthAll } from './helpers';

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

/** A value of a Terraform type for a variable without a default (validate checks its type only). */
function placeholder(type: string): unknown {
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (type.startsWith('list') || type.startsWith('set') || type.startsWith('tuple')) return [];
  if (type.startsWith('map') || type.startsWith('object')) return {};
  return 'placeholder';
}

/** What `terraform validate -json` prints (the fields the expectations read). */
interface Validation {
  readonly valid: boolean;
  readonly diagnostics: readonly { severity: string; summary: string; detail: string; range?: { filename: string } }[];
}

const validationProblem = (v: unknown) => {
  const out = v as Partial<Validation> | null;
  return typeof out?.valid === 'boolean' && Array.isArray(out.diagnostics) ? undefined : 'not terraform validate output';
};

const memo = new CheckMemo({ check: 'terraform-validate' });

const PROVIDER_SOURCES: Record<string, string> = { aws: 'hashicorp/aws', random: 'hashicorp/random', helm: 'hashicorp/helm', cloudflare: 'cloudflare/cloudflare' };

const available = fs.existsSync(TERRAFORM) && mirroredProviders().has('hashicorp/aws');
const reason = !fs.existsSync(TERRAFORM)
  ? `no terraform binary at ${TERRAFORM}`
  : `no hashicorp/aws provider in the mirror ${MIRROR}`;

describe.skipIf(!available)(available ? 'terraform validate (offline mirror)' : `terraform validate SKIPPED: ${reason}`, () => {
  it('validates every stack whose providers are mirrored', async () => {
    const { files, stacks } = synthAll();
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

    // One root calling every eligible stack as a module: one init and one validate, so the AWS
    // provider (a 700 MB binary) starts and reports its schema once, not once per stack. A stack's
    // variables without a default get a placeholder of their type (validate checks types, not values);
    // its backend block is ignored in a child module, with a warning per stack that is expected.
    const modules: Record<string, Json> = {};
    for (const id of eligible) {
      for (const [rel, bytes] of files) {
        if (!rel.startsWith(`stacks/${id}/`)) continue;
        const to = path.join(work, id, rel.slice(`stacks/${id}/`.length));
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.writeFileSync(to, bytes);
      }
      const inputs = Object.entries((stacks[id]!.variable ?? {}) as Record<string, Json>)
        .filter(([, v]) => v.default === undefined)
        .map(([name, v]) => [name, placeholder(String(v.type ?? 'string'))]);
      modules[id.replace(/-/g, '_')] = { source: `./${id}`, ...Object.fromEntries(inputs) };
    }
    fs.writeFileSync(path.join(work, 'main.tf.json'), JSON.stringify({ module: modules }));
    // terraform's result is a function of the files it reads (the work dir), itself and the mirror:
    // a result these expectations accepted before, for the same of all three, is reused (tools/check-memo.ts).
    const init = ['init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${MIRROR}`];
    const validate = ['validate', '-json', '-no-color'];
    const key = memoKey([...init, ...validate, toolIdentity(TERRAFORM), statDigest(MIRROR), contentDigest(work)]);
    const tf = (args: string[]) => run(TERRAFORM, args, { cwd: work, env: envVars, maxBuffer: 16 * 1024 * 1024 });
    const expectValid = (out: Validation) => {
      const unexpected = out.diagnostics.filter((d) => d.summary !== 'Backend configuration ignored').map((d) => `${d.severity}: ${d.summary}: ${d.detail} (${d.range?.filename ?? ''})`);
      expect(unexpected).toEqual([]);
      expect(out.valid).toBe(true);
      expect(out.diagnostics.filter((d) => d.summary === 'Backend configuration ignored').map((d) => d.range?.filename.split('/')[0]).sort()).toEqual(eligible);
    };
    const runTerraform = async (): Promise<Validation> => {
      try {
        await tf(init);
        return JSON.parse((await tf(validate)).stdout) as Validation;
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        throw new Error(`terraform failed: ${e.stderr || e.stdout || String(err)}`, { cause: err });
      }
    };
    try {
      const { reused } = await memo.reuse(key, { run: runTerraform, accept: expectValid, check: validationProblem });
      console.info(
        `terraform validate: ${eligible.length} stacks valid-checked (${eligible.join(', ')}); not mirrored, skipped: ${skipped.join(', ')}` +
          (reused ? `; result reused from an identical earlier run (key ${key.slice(0, 12)})` : ''),
      );
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
