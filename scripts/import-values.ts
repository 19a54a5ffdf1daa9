/**
 * Generates typed values interfaces and key-path data for every vendored chart.
 *
 *   npx tsx scripts/import-values.ts [--out DIR]     (default: imports/values)
 *
 * For each imports/charts/*.tgz (read in memory with `tar`, helm not needed) it writes
 *   <chart>.ts          `export interface <Pascal>Values` + `export const chart`
 *   <chart>.paths.json  known key tree, open maps and template refs (see synth/values-paths.ts)
 *   <chart>.schema.json only when the chart ships values.schema.json (prose keywords stripped)
 * and an index.ts. Output is deterministic (sorted keys, no timestamps).
 * Only facts are emitted: key names, types and compact defaults; no upstream comments.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../config/paths';
import { chartFiles } from '../synth/chart-lock';
import { formatPath, scanTemplate, type ChartPaths, type KnownTree } from '../synth/values-paths';
import { cliArgs } from './args';
import { doc, isObj, key, objType, pascal, PNode, stripSchema, tsType, type Json, type Obj, type Schema } from './values-emit';

interface Chart {
  meta: { name: string; version: string; type?: string; dependencies?: { name: string; alias?: string; condition?: string; tags?: string[] }[] };
  values: Obj;
  schema?: Schema;
  templates: string[];
  subs: Chart[];
}

function loadChart(files: ReadonlyMap<string, Buffer>, root: string): Chart {
  const text = (p: string) => files.get(`${root}/${p}`)?.toString('utf8');
  const meta = parseYaml(text('Chart.yaml') ?? '') as Chart['meta'];
  const values = (parseYaml(text('values.yaml') ?? '') ?? {}) as Obj;
  const schemaText = text('values.schema.json');
  const templates = [...files.keys()].filter((k) => k.startsWith(`${root}/templates/`)).sort().map((k) => files.get(k)!.toString('utf8'));
  const subs: Chart[] = [];
  const subRoots = new Set<string>();
  // Packed subcharts come unpacked under `charts/<sub>/` (chart-lock.ts chartFiles).
  for (const k of [...files.keys()].sort()) {
    const m = k.slice(root.length + 1).match(/^charts\/([^/]+)\/Chart\.yaml$/);
    if (m) subRoots.add(`${root}/charts/${m[1]}`);
  }
  for (const r of subRoots) subs.push(loadChart(files, r));
  subs.sort((a, b) => a.meta.name.localeCompare(b.meta.name));
  return { meta, values, schema: schemaText ? (JSON.parse(schemaText) as Schema) : undefined, templates, subs };
}

/** Trie of every path the chart can read. */
function keysOf(ch: Chart): string[][] {
  const out: string[][] = [];
  for (const sub of ch.subs) {
    const deps = (ch.meta.dependencies ?? []).filter((d) => d.name === sub.meta.name);
    out.push(deps.length ? deps.map((d) => d.alias ?? d.name) : [sub.meta.name]);
  }
  return out;
}

/** Merged defaults: subchart defaults under their key (globals lifted), parent values on top. */
function mergedValues(ch: Chart): Obj {
  const base: Obj = {};
  const keys = keysOf(ch);
  ch.subs.forEach((sub, i) => {
    const { global, ...rest } = mergedValues(sub);
    if (sub.meta.type !== 'library') for (const k of keys[i]!) base[k] = rest;
    if (global !== undefined) base.global = merge(base.global ?? {}, global);
  });
  return merge(base, ch.values) as Obj;
}

function merge(a: Json | undefined, b: Json | undefined): Json {
  if (b === undefined || b === null) return a === undefined ? null : a;
  if (isObj(a) && isObj(b)) {
    const out: Obj = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  }
  return b;
}

function addDefaults(n: PNode, v: Json): void {
  n.hasDefault = true;
  n.dflt = v;
  if (v === null) n.open = true;
  else if (isObj(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) n.open = true;
    for (const [k, c] of entries) addDefaults(n.at([k]), c);
  }
}

function addSchema(n: PNode, s: unknown): void {
  if (!isObj(s)) return;
  const sc = s as Schema;
  n.schema ??= sc;
  const props = sc.properties as Schema | undefined;
  if (props) for (const k of Object.keys(props)) addSchema(n.at([k]), props[k]);
  for (const alt of ['anyOf', 'oneOf', 'allOf'] as const) for (const b of (sc[alt] as unknown[] | undefined) ?? []) addSchema(n, b);
  const objLike = sc.type === 'object' || (Array.isArray(sc.type) && sc.type.includes('object'));
  const extra = sc.patternProperties || (sc.additionalProperties !== undefined && sc.additionalProperties !== false);
  if ((objLike && !props) || extra) if (!(isObj(n.dflt ?? null) && Object.keys(n.dflt as Obj).length)) n.open = true;
}

function addTemplates(root: PNode, ch: Chart, prefix: string[], refs: Set<string>): void {
  const keys = keysOf(ch);
  for (const t of ch.templates) {
    const r = scanTemplate(t);
    const full = (p: string[]) => (p[0] === 'global' ? p : [...prefix, ...p]);
    for (const p of r.refs) {
      root.at(full(p)).ref = true;
      refs.add(formatPath(full(p)));
    }
    for (const p of r.opens) root.at(full(p)).open = true;
  }
  for (const d of ch.meta.dependencies ?? []) {
    for (const c of (d.condition ?? '').split(',').filter(Boolean)) root.at([...prefix, ...c.trim().split('.')]).ref = true;
    for (const tag of d.tags ?? []) root.at(['tags', tag]).ref = true;
  }
  ch.subs.forEach((sub, i) => {
    for (const k of sub.meta.type === 'library' ? [null] : keys[i]!) {
      const p = k === null ? prefix : [...prefix, k];
      if (sub.schema && k !== null) addSchema(root.at(p), sub.schema);
      addTemplates(root, sub, p, refs);
    }
  });
}

function knownTree(n: PNode): KnownTree {
  if (n.open) return 1;
  if (n.kids.size === 0) return 0;
  const out: { [k: string]: KnownTree } = {};
  for (const k of [...n.kids.keys()].sort()) out[k] = knownTree(n.kids.get(k)!);
  return out;
}

function openList(n: PNode, path: string[], out: string[]): string[] {
  if (n.open && path.length) {
    if (!Array.isArray(n.dflt)) out.push(formatPath(path));
  } else for (const k of [...n.kids.keys()].sort()) openList(n.kids.get(k)!, [...path, k], out);
  return out;
}

function countLeaves(t: KnownTree): number {
  return typeof t === 'number' ? 1 : Object.values(t).reduce((a: number, c) => a + countLeaves(c), 0);
}

export interface ChartStats { chart: string; version: string; known: number; openMaps: number; templateRefs: number }

export async function generate(chartsDir: string, outDir: string): Promise<ChartStats[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const stats: ChartStats[] = [];
  const index: string[] = [];
  const versions = new Map<string, string>();
  for (const file of readdirSync(chartsDir).filter((f) => f.endsWith('.tgz')).sort()) {
    const files = await chartFiles(readFileSync(join(chartsDir, file)));
    const top = [...files.keys()].find((p) => /^[^/]+\/Chart\.yaml$/.test(p))!.split('/')[0]!;
    const ch = loadChart(files, top);
    const { name, version } = ch.meta;
    const root = new PNode();
    addDefaults(root, mergedValues(ch));
    root.open = false;
    if (ch.schema) addSchema(root, ch.schema);
    const refs = new Set<string>();
    addTemplates(root, ch, [], refs);
    root.open = false;
    const g = root.at(['global']);
    const known = knownTree(root);
    const paths: ChartPaths = { chart: name, version, known, openMaps: openList(root, [], []), templateRefs: [...refs].sort() };
    writeFileSync(join(outDir, `${name}.paths.json`),
      `{"chart":${JSON.stringify(name)},"version":${JSON.stringify(version)},\n"known":${JSON.stringify(known)},\n` +
      `"openMaps":${JSON.stringify(paths.openMaps)},\n"templateRefs":${JSON.stringify(paths.templateRefs)}}\n`);
    const iface = `${pascal(name)}Values`;
    const members = [...root.kids.keys()].sort().filter((k) => k !== 'global')
      .map((k) => `${doc(root.kids.get(k)!, '  ')}  ${key(k)}?: ${tsType(root.kids.get(k)!, '  ')};`);
    members.push(`  global?: ${objType(g, '  ', true)};`);
    writeFileSync(join(outDir, `${name}.ts`),
      `// Generated by scripts/import-values.ts from imports/charts/${file}. Do not edit.\n\n` +
      `export const chart = { name: ${JSON.stringify(name)}, version: ${JSON.stringify(version)} } as const;\n\n` +
      `export interface ${iface} {\n${members.join('\n')}\n}\n`);
    if (ch.schema) writeFileSync(join(outDir, `${name}.schema.json`), `${JSON.stringify(stripSchema(ch.schema), null, 2)}\n`);
    index.push(name);
    versions.set(name, version);
    stats.push({ chart: name, version, known: countLeaves(known), openMaps: paths.openMaps.length, templateRefs: refs.size });
  }
  const schemaNames = new Set(index.filter((n) => readdirSync(outDir).includes(`${n}.schema.json`)));
  writeFileSync(join(outDir, 'index.ts'), [
    '// Generated by scripts/import-values.ts. Do not edit.',
    "import { createRequire } from 'node:module';",
    "import type { ChartPaths } from '../../synth/values-paths';",
    '',
    ...index.map((n) => `export type { ${pascal(n)}Values } from './${n}';`),
    '',
    'const load = createRequire(import.meta.url);',
    '',
    '/** Chart name -> its key-path data and shipped schema; JSON is parsed on first access. */',
    'export const chartValues: Record<string, { readonly version: string; paths(): ChartPaths; schema?(): object }> = {',
    ...index.map((n) => `  ${JSON.stringify(n)}: { version: ${JSON.stringify(versions.get(n))}, paths: () => load('./${n}.paths.json') as ChartPaths` +
      (schemaNames.has(n) ? `, schema: () => load('./${n}.schema.json') as object },` : ' },')),
    '};',
    '',
  ].join('\n'));
  return stats;
}

async function main(): Promise<void> {
  const usage = 'npx tsx scripts/import-values.ts [--out DIR]';
  const out = cliArgs('import-values', usage, { out: { type: 'string' } }, (flags) => flags.out) ?? join(repoRoot, 'imports/values');
  const t0 = performance.now();
  const stats = await generate(join(repoRoot, 'imports/charts'), out);
  const ms = performance.now() - t0;
  for (const s of stats) console.log(`${s.chart}@${s.version}: known=${s.known} openMaps=${s.openMaps} templateRefs=${s.templateRefs}`);
  console.log(`generated ${stats.length} charts into ${out} in ${ms.toFixed(0)} ms`);
}

if (process.argv[1] && /import-values\.ts$/.test(process.argv[1])) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
