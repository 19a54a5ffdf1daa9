/**
 * Derives the validation schemas in imports/schemas/ from pinned inputs.
 *
 *   npx tsx scripts/import-schemas.ts [outDir]      (default: imports/schemas)
 *
 * Inputs (read only here, never at synth or test time):
 *   ../shared/k8s-schema/v1.28.0/_definitions.json   Kubernetes 1.28 OpenAPI definitions
 *   ../shared/crds/**.yaml                           upstream CRDs (preferred source)
 *   imports/charts/*.tgz                             CRDs rendered by `helm template --include-crds`
 *
 * Outputs:
 *   k8s-1.28.json  {"definitions": {name: schema}, "gvk": {"<apiVersion>/<kind>": name}}
 *   crds.json      {"crds": {"<group>/<version>/<kind>": schema}, "sources": {"<gvk>": source}}
 *
 * The derived schemas keep only the structural and value facts that validation needs
 * (type, properties, required, items, additionalProperties, enum, safe formats, combinators,
 * nullable, x-kubernetes-{preserve-unknown-fields,int-or-string,embedded-resource}, $ref,
 * numeric/length/size bounds, JS-compatible patterns) and make unknown fields explicit:
 * every structural node with `properties` (and, for CRDs, every `type: object` node without
 * properties, which the API server prunes entirely) gets `additionalProperties: false`
 * unless x-kubernetes-preserve-unknown-fields keeps unknown fields there.
 * Output is deterministic: keys sorted, one definition per line.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { cacheDir, repoRoot } from '../config/paths';
import { locateHelm } from '../synth/helm';
import { cliArgs } from './args';
import { CRDS_FILE, K8S_SCHEMA_ID } from '../synth/schema-load';
import { addObjectRootFields, applyCoreEnums, derive, isObject, notes, QUANTITY_PATTERN, type Json, type Schema } from './schema-derive';

const SHARED = path.resolve(repoRoot, '..', 'shared');
const K8S_DEFINITIONS = path.join(SHARED, 'k8s-schema', 'v1.28.0', '_definitions.json');
const SHARED_CRDS = path.join(SHARED, 'crds');
const CHARTS_DIR = path.join(repoRoot, 'imports', 'charts');
const run = promisify(execFile);

/** Extra `--set` flags needed for a chart to render at all. */
const CHART_SETS: Record<string, string[]> = {
  'aws-load-balancer-controller': ['clusterName=x'],
};


// ---------------------------------------------------------------- core k8s

interface K8sOut {
  definitions: Record<string, Schema>;
  gvk: Record<string, string>;
}

function deriveK8s(): K8sOut {
  const raw = JSON.parse(readFileSync(K8S_DEFINITIONS, 'utf8')) as { definitions: Record<string, Record<string, unknown>> };
  const definitions: Record<string, Schema> = {};
  const gvk: Record<string, string> = {};
  for (const [name, def] of Object.entries(raw.definitions)) {
    definitions[name] = derive(def, { crd: false, inCombinator: false, preserved: false });
    const kinds = def['x-kubernetes-group-version-kind'];
    if (Array.isArray(kinds)) {
      for (const k of kinds as { group: string; version: string; kind: string }[]) {
        const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
        gvk[`${apiVersion}/${k.kind}`] = name;
      }
    }
  }
  applyCoreEnums(definitions);
  definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = {
    oneOf: [{ type: 'string', pattern: QUANTITY_PATTERN }, { type: 'number' }],
  };
  return { definitions, gvk };
}

// ---------------------------------------------------------------- CRDs

interface CrdDoc {
  kind?: string;
  spec?: {
    group: string;
    names: { kind: string };
    versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Record<string, unknown> } }[];
  };
}

function deriveCrdSchema(raw: Record<string, unknown>): Schema {
  const schema = derive(raw, { crd: true, inCombinator: false, preserved: false });
  addObjectRootFields(schema);
  if (schema['x-kubernetes-preserve-unknown-fields'] !== true) schema.additionalProperties = false;
  return schema;
}

/** A multi-document file's documents that are CRDs: only those are parsed (a chart's render is mostly other kinds). */
function crdDocuments(text: string): string[] {
  return text.split(/^---[ \t]*$/m).filter((doc) => /^kind:[ \t]*CustomResourceDefinition[ \t]*$/m.test(doc));
}

function crdsFromYaml(text: string): { gvk: string; schema: Schema }[] {
  const found: { gvk: string; schema: Schema }[] = [];
  for (const doc of crdDocuments(text)) {
    const crd = parse(doc) as CrdDoc | null;
    if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
    for (const v of crd.spec.versions ?? []) {
      const raw = v.schema?.openAPIV3Schema;
      if (v.served === false || !raw) continue;
      found.push({ gvk: `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, schema: deriveCrdSchema(raw) });
    }
  }
  return found;
}

function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYaml(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

/** The chart's objects with its CRDs, as `helm template --include-crds` renders them (charts render in parallel). */
async function renderChartCrds(helm: string, tgz: string): Promise<string> {
  const chart = path.basename(tgz).replace(/-\d+\.\d+\.\d+.*\.tgz$/, '');
  const sets = (CHART_SETS[chart] ?? []).flatMap((s) => ['--set', s]);
  const { stdout } = await run(helm, ['template', 'schemas', tgz, '--include-crds', '--namespace', 'default', ...sets], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

/** Leaf paths where two derived schemas differ (for the report only). */
function diffPaths(a: Json, b: Json, at = '', out: string[] = []): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      diffPaths(a[k] ?? null, b[k] ?? null, `${at}/${k}`, out);
    }
  } else {
    out.push(at || '/');
  }
  return out;
}

interface CrdOut {
  crds: Record<string, Schema>;
  sources: Record<string, string>;
}

async function deriveCrds(): Promise<CrdOut> {
  const crds: Record<string, Schema> = {};
  const sources: Record<string, string> = {};
  for (const file of listYaml(SHARED_CRDS)) {
    for (const { gvk, schema } of crdsFromYaml(readFileSync(file, 'utf8'))) {
      if (crds[gvk]) throw new Error(`${gvk} defined twice in ../shared/crds`);
      crds[gvk] = schema;
      sources[gvk] = `shared/crds/${path.relative(SHARED_CRDS, file).split(path.sep).join('/')}`;
    }
  }
  let duplicates = 0;
  let differing = 0;
  const helm = locateHelm(cacheDir).bin;
  const charts = readdirSync(CHARTS_DIR).filter((f) => f.endsWith('.tgz')).sort();
  const rendered = await Promise.all(charts.map((tgz) => renderChartCrds(helm, path.join(CHARTS_DIR, tgz))));
  charts.forEach((tgz, i) => {
    for (const { gvk, schema } of crdsFromYaml(rendered[i]!)) {
      const source = `chart ${tgz}`;
      const existing = crds[gvk];
      if (!existing) {
        crds[gvk] = schema;
        sources[gvk] = source;
        continue;
      }
      const diffs = diffPaths(existing, schema);
      duplicates++;
      if (diffs.length > 0) {
        differing++;
        const shown = diffs.slice(0, 4).join(', ');
        console.log(`differs: ${gvk}: kept ${sources[gvk]}, ${source} differs at ${diffs.length} path(s): ${shown}${diffs.length > 4 ? ', ...' : ''}`);
      }
    }
  });
  console.log(`chart CRD versions also in ../shared/crds: ${duplicates} (${differing} differ after derivation; shared kept)`);
  return { crds, sources };
}

// ---------------------------------------------------------------- output

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k] as Json);
    return out;
  }
  return v;
}

/** `{"a":{...one entry per line...},"b":{...}}`: valid, deterministic, diff-friendly JSON. */
function linesJson(sections: Record<string, Record<string, Json>>): string {
  const parts = Object.keys(sections).sort().map((name) => {
    const section = sections[name] as Record<string, Json>;
    const entries = Object.keys(section).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(sortKeys(section[k] as Json))}`);
    return `${JSON.stringify(name)}:{\n${entries.join(',\n')}\n}`;
  });
  return `{${parts.join(',\n')}}\n`;
}

export async function importSchemas(outDir: string): Promise<{ file: string; bytes: number }[]> {
  for (const required of [K8S_DEFINITIONS, SHARED_CRDS, CHARTS_DIR]) {
    if (!existsSync(required)) throw new Error(`input missing: ${required}`);
  }
  const k8s = deriveK8s();
  const crds = await deriveCrds();
  mkdirSync(outDir, { recursive: true });
  const written: { file: string; bytes: number }[] = [];
  const files: [string, string][] = [
    [K8S_SCHEMA_ID, linesJson({ definitions: k8s.definitions, gvk: k8s.gvk })],
    [CRDS_FILE, linesJson({ crds: crds.crds, sources: crds.sources })],
  ];
  for (const [name, text] of files) {
    writeFileSync(path.join(outDir, name), text);
    written.push({ file: name, bytes: Buffer.byteLength(text) });
  }
  return written;
}

async function main(): Promise<void> {
  const usage = 'npx tsx scripts/import-schemas.ts [--out DIR]';
  const out = cliArgs('import-schemas', usage, { out: { type: 'string' } }, (flags) => flags.out);
  const outDir = out !== undefined ? path.resolve(out) : path.join(repoRoot, 'imports', 'schemas');
  for (const { file, bytes } of await importSchemas(outDir)) console.log(`wrote ${path.join(outDir, file)} (${bytes} bytes)`);
  for (const [p, n] of notes.droppedPatterns) console.log(`dropped non-JS pattern (x${n}): ${p}`);
  for (const [f, n] of notes.droppedFormats) console.log(`dropped format ${f} (x${n})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: Error) => {
    console.error(`import-schemas: ${e.message}`);
    process.exit(1);
  });
}
