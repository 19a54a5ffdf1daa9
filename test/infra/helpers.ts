/** Synthesizes the infra app once (fixture dist tree, temp outdir) and reads the stack JSON. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../infra/app';

export const FIXTURE_DIST = path.join('test', 'infra', 'fixtures', 'dist');

export type Json = Record<string, any>;

export interface Synthesized {
  /** Every file written, by path relative to the output folder (removed once read). */
  readonly files: ReadonlyMap<string, Buffer>;
  readonly stacks: Readonly<Record<string, Json>>;
}

let cached: Synthesized | undefined;

/** The whole app (every environment), synthesized once per vitest worker (its files share modules: `isolate: false`). */
export function synthAll(): Synthesized {
  if (cached) return cached;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-synth-'));
  try {
    const { app } = buildApp({ distRoot: FIXTURE_DIST, outdir });
    app.synth();
    const files = new Map<string, Buffer>();
    for (const rel of fs.readdirSync(outdir, { recursive: true, encoding: 'utf8' }).sort()) {
      if (fs.statSync(path.join(outdir, rel)).isFile()) files.set(rel.split(path.sep).join('/'), fs.readFileSync(path.join(outdir, rel)));
    }
    const stacks: Record<string, Json> = {};
    for (const [rel, bytes] of files) {
      const m = /^stacks\/([^/]+)\/cdk\.tf\.json$/.exec(rel);
      if (m) stacks[m[1]!] = JSON.parse(bytes.toString('utf8'));
    }
    cached = { files, stacks };
    return cached;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function stack(id: string): Json {
  const json = synthAll().stacks[id];
  if (!json) throw new Error(`no stack ${id}`);
  return json;
}

/** Resources of one type in a stack, by logical name (without the `//` metadata). */
export function resources(json: Json, type: string): Record<string, Json> {
  return json.resource?.[type] ?? {};
}

export function dataSources(json: Json, type: string): Record<string, Json> {
  return json.data?.[type] ?? {};
}

/** The single resource of a type (fails when there are several). */
export function only(json: Json, type: string): Json {
  const all = Object.values(resources(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]!;
}

/** `${data.aws_iam_policy_document.<name>.json}` → the policy document data source. */
export function policyDocOf(json: Json, ref: string): Json {
  const m = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(ref);
  if (!m) throw new Error(`not a policy document reference: ${ref}`);
  const doc = dataSources(json, 'aws_iam_policy_document')[m[1]!];
  if (!doc) throw new Error(`missing policy document ${m[1]}`);
  return doc;
}

/** `${aws_iam_role.<name>.name}` → the role resource's logical name. */
export function refName(ref: string, type: string): string {
  const m = new RegExp(`^\\$\\{${type}\\.([^.]+)\\.`).exec(ref);
  if (!m) throw new Error(`not a ${type} reference: ${ref}`);
  return m[1]!;
}

/** Every IAM role of a stack with its trust document and its inline policy documents by name. */
export function rolesOf(json: Json): { roleName: string; trust: Json; policies: Record<string, Json> }[] {
  const roles = resources(json, 'aws_iam_role');
  const inline = Object.values(resources(json, 'aws_iam_role_policy'));
  return Object.entries(roles).map(([logical, role]) => ({
    roleName: role.name as string,
    trust: policyDocOf(json, role.assume_role_policy),
    policies: Object.fromEntries(
      inline
        .filter((p) => refName(p.role, 'aws_iam_role') === logical)
        .map((p) => [p.name as string, policyDocOf(json, p.policy)]),
    ),
  }));
}
