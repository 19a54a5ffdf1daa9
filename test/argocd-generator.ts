/**
 * What Argo CD v2.11.4's ApplicationSet controller generates from an ApplicationSet with a git files
 * generator and `goTemplate: true`, replayed with the real engines: git for the glob, Go
 * text/template + sprig (the helm binary synth uses) for the templates, and a strategic merge patch
 * for `templatePatch` (test/strategic-merge.ts).
 *
 * What Argo CD does (applicationset/…, at v2.11.4):
 * - generators/git.go: `git ls-files -- <pattern>` lists the files (the repo server's default, as
 *   argocd-cmd-params-cm sets no `applicationsetcontroller.enable.new.git.file.globbing`): a git
 *   pathspec, whose `*` also matches `/`. In goTemplate mode each file's object is used as it is (not
 *   flattened) plus `path`: `path` (the file's folder), `basename`, `filename`,
 *   `basenameNormalized`, `filenameNormalized` and `segments`.
 * - utils/utils.go `RenderTemplateParams`: every string field of the template struct is a separate
 *   template (`template.New("")`, sprig, the `goTemplateOptions`), and so is each key of a Go map
 *   (`labels`, `annotations`). The resources finalizer is added unless the ApplicationSet preserves
 *   resources or the template sets finalizers.
 * - controllers/applicationset_controller.go `applyTemplatePatch`: the whole `templatePatch` string
 *   is one template; its output is YAML, merged over the Application, `spec.project` restored.
 * - Any error stops the ApplicationSet's whole reconcile: no Application is created or updated.
 *
 * Where helm v4.1.4's engine (pkg/engine) differs from Argo CD's, and what this replay does:
 * - missingkey: Argo CD honours `goTemplateOptions: [missingkey=error]`; helm sets `missingkey=error`
 *   only for `Engine.Strict`, which no helm command sets (`helm lint --strict` only fails on
 *   warnings), and otherwise runs `missingkey=zero`, where a missing key is nil. Wrapping values in
 *   helm's `required` would not be the same: it also fails on a present null or "", which
 *   missingkey=error accepts, and only where it is written. So every field access on a map is
 *   rewritten into a lookup that fails exactly when the key is absent, with Go's message
 *   (test/strict-template.ts); line:column in helm's errors count in the rewritten text.
 * - `<no value>`: helm deletes that text from a rendered file and from `tpl` output; Go (and Argo CD)
 *   print it for a nil value. Templates run through `include` and leave helm base64-encoded.
 * - Functions: Argo CD has sprig v3.2.3's `GenericFuncMap` without `env`, `expandenv`,
 *   `getHostByName`, plus `normalize`, `slugify` and its own `toYaml`/`fromYaml`/`fromYamlArray`
 *   (returning errors). Helm has sprig v3.3.0 (which adds `sha512sum`) without `env`/`expandenv`,
 *   `getHostByName` returning "", its own `toYaml` (swallowing errors), `toJson`, `fromJson`,
 *   `toToml`…, `fail`, and `include`, `tpl`, `required`, `lookup`. A template may only use
 *   {@link SHARED_FUNCTIONS}: checked to behave the same in both (helm's `toJson` and sprig's are
 *   both `json.Marshal`, "" on error).
 * - Go: Argo CD v2.11.4 is built with Go 1.21 (its Dockerfile), helm v4.1.4 with Go 1.25: newer
 *   text/template would render here and fail there. `{{ else with }}` (1.23) is rejected; range over
 *   an integer or an iterator function (1.24) is not detected: do not use them.
 * - Each string is a `define` in one chart, so a `define`/`template`/`block` in one would be seen
 *   by the others; they are not in {@link SHARED_FUNCTIONS}.
 * - Parameters reach helm as one chart file per app, read with helm's `fromJson` (encoding/json,
 *   where Argo CD's sigs.k8s.io/yaml also ends): numbers are float64 in both, 1000000 prints 1e+06.
 * Not replayed: the struct round trip after the patch (Go drops unknown fields and empty
 * `omitempty` ones; here an unknown field stays and schema validation reports it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Yaml from 'yaml';
import { locateHelm, runHelm } from '../synth/helm';
import type { KubeObject } from '../synth/kube-object';
import { cacheDir } from '../config/paths';
import { strategicMerge, type JsonMap } from './strategic-merge';
import { strictTemplate, type StrictTemplate } from './strict-template';

/** Identifiers a template may use: Go builtins, keywords and sprig functions that render alike in helm and Argo CD. */
export const SHARED_FUNCTIONS: ReadonlySet<string> = new Set([
  ...['if', 'else', 'end', 'range', 'with', 'nil', 'true', 'false'],
  ...['and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'len', 'index', 'print', 'printf'],
  ...['toJson', 'hasKey'],
]);

/** Template fields that are Go maps, whose keys Argo CD renders too (`ApplicationSetTemplateMeta`). */
const GO_MAPS = new Set(['template.metadata.labels', 'template.metadata.annotations']);
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const EMPTY_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';

interface AppSetSpec {
  generators: { git?: { files?: { path: string }[]; [k: string]: unknown }; [k: string]: unknown }[];
  template: { metadata: JsonMap; spec: JsonMap };
  templatePatch?: string;
  goTemplate?: boolean;
  goTemplateOptions?: string[];
  syncPolicy?: { preserveResourcesOnDeletion?: boolean };
}

/** Argo CD's `SanitizeName` (applicationset/utils/template_functions.go). */
function sanitizeName(name: string): string {
  return name.toLowerCase().replace(/[^-a-z0-9.]/g, '-').slice(0, 253).replace(/^[-.]+|[-.]+$/g, '');
}

/** The files generator's parameters for one file in goTemplate mode. */
export function fileParams(file: string, content: string): JsonMap {
  // Argo CD reads the file with sigs.k8s.io/yaml (YAML 1.1); a list of objects or an empty file is not replayed.
  const object = Yaml.parse(content, { version: '1.1' }) as unknown;
  if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new Error(`${file}: only a file holding one object is replayed`);
  const dir = dirname(file);
  const path = { path: dir, basename: basename(dir), filename: basename(file), basenameNormalized: sanitizeName(basename(dir)), filenameNormalized: sanitizeName(basename(file)), segments: dir.split('/') };
  return { ...(object as JsonMap), path };
}

/** The files of `files` (repository paths) that `git ls-files -- <patterns>` lists, sorted as Argo CD sorts them. */
export function gitFilesMatching(files: readonly string[], patterns: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'argocd-git-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  const git = (args: string[], input?: string) => {
    const r = spawnSync('git', ['-C', dir, ...args], { input, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr || r.error?.message}`);
    return r.stdout;
  };
  try {
    git(['init', '-q', '--template=']);
    git(['update-index', '--add', '--index-info'], files.map((f) => `100644 ${EMPTY_BLOB}\t${f}\n`).join(''));
    return git(['ls-files', '--full-name', '-z', '--', ...patterns]).split('\0').slice(0, -1).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Copies `v`, passing each string (and each key of a Go map) through `visit`, in a fixed order. */
function mapStrings(v: unknown, where: string, visit: (s: string, where: string) => string): unknown {
  if (typeof v === 'string') return visit(v, where);
  if (Array.isArray(v)) return v.map((x, i) => mapStrings(x, `${where}[${i}]`, visit));
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => {
      if (GO_MAPS.has(where)) return [visit(k, `${where} key ${JSON.stringify(k)}`), mapStrings(x, `${where}.${k}`, visit)];
      if (k.includes('{{')) throw new Error(`${where}.${k}: a templated struct field name (Argo CD renders only values and map keys)`);
      return [k, mapStrings(x, `${where}.${k}`, visit)];
    }),
  );
}

/** The template as helm runs it: with missingkey=error, and using only functions both engines share. */
function forHelm(source: string, where: string): string {
  let strict: StrictTemplate;
  try {
    strict = strictTemplate(source);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
  const foreign = [...strict.identifiers].filter((f) => !SHARED_FUNCTIONS.has(f));
  if (foreign.length > 0) throw new Error(`${where}: ${foreign.join(', ')}: not among the functions helm and Argo CD share (SHARED_FUNCTIONS)`);
  if (/\{\{-?\s*else\s+with\b/.test(source)) throw new Error(`${where}: {{ else with }} is Go 1.23 text/template, which Argo CD v2.11.4 (Go 1.21) cannot parse`);
  return strict.text;
}

/**
 * Renders every template for every parameter set in one helm process; result[p][t].
 * Errors name the file and template field; helm stops at the first, as Argo CD's reconcile does.
 */
async function renderWithHelm(templates: readonly { where: string; text: string }[], params: readonly { file: string; values: JsonMap }[]): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'argocd-templates-'));
  const chart = join(dir, 'replay');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  mkdirSync(join(chart, 'params'));
  const HEADER = 6; // lines before the first rendered template in each app's file
  try {
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: replay\nversion: 0.0.0\n');
    templates.forEach((t, i) => {
      writeFileSync(join(chart, 'templates', `_${i}.tpl`), `{{ define "t${i}" }}${t.text}{{ end }}`);
    });
    params.forEach((p, i) => {
      writeFileSync(join(chart, 'params', `${i}.json`), JSON.stringify(p.values));
      const lines = [`{{- $params := .Files.Get "params/${i}.json" | fromJson }}`, 'apiVersion: replay/v1', 'kind: Rendered', 'metadata:', `  name: app-${i}`, 'rendered:'];
      lines.push(...templates.map((_, t) => `  - "{{ include "t${t}" $params | b64enc }}"`));
      writeFileSync(join(chart, 'templates', `app-${i}.yaml`), `${lines.join('\n')}\n`);
    });
    const out = await runHelm(locateHelm(cacheDir), ['template', 'replay', chart]).catch((e: Error) => {
      const message = e.message
        .replace(/replay\/templates\/app-(\d+)\.yaml:(\d+):\d+/g, (_, a: string, line: string) => `${params[Number(a)]!.file}: ${templates[Number(line) - HEADER - 1]?.where}`)
        .replace(/replay\/templates\/app-(\d+)\.yaml/g, (_, a: string) => params[Number(a)]!.file)
        .replace(/replay\/templates\/_(\d+)\.tpl/g, (_, t: string) => templates[Number(t)]!.where);
      throw new Error(`Argo CD's template engine (replayed with helm) failed: ${message}`);
    });
    const byName = new Map(Yaml.parseAllDocuments(out).map((d) => d.toJS() as { metadata: { name: string }; rendered: string[] }).map((d) => [d.metadata.name, d.rendered]));
    return params.map((_, i) => byName.get(`app-${i}`)!.map((b) => Buffer.from(b, 'base64').toString('utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Applications Argo CD generates from `appSet`, given the repository's files at its revision. */
export async function generateApplications(appSet: KubeObject, files: readonly string[], read: (file: string) => string): Promise<KubeObject[]> {
  const spec = appSet.spec as AppSetSpec;
  if (spec.goTemplate !== true) throw new Error('only goTemplate: true is replayed');
  const patterns = spec.generators.flatMap((g) => {
    const files = g.git?.files;
    if (!files || Object.keys(g).length !== 1 || Object.keys(g.git!).some((k) => !['repoURL', 'revision', 'files'].includes(k))) {
      throw new Error(`generator ${JSON.stringify(g)}: only git files generators with repoURL, revision and files are replayed`);
    }
    return files.map((f) => f.path);
  });
  const options = spec.goTemplateOptions ?? [];
  if (options.length !== 1 || options[0] !== 'missingkey=error') throw new Error(`goTemplateOptions ${JSON.stringify(options)}: only [missingkey=error] is replayed`);
  const base = { metadata: spec.template.metadata, spec: spec.template.spec };
  const templates: { where: string; text: string }[] = [];
  mapStrings(base, 'template', (source, where) => (templates.push({ where, text: forHelm(source, where) }), source));
  if (spec.templatePatch !== undefined) templates.push({ where: 'templatePatch', text: forHelm(spec.templatePatch, 'templatePatch') });
  const params = gitFilesMatching(files, patterns).map((file) => ({ file, values: fileParams(file, read(file)) }));
  const rendered = await renderWithHelm(templates, params);

  return rendered.map((strings, p) => {
    let next = 0;
    const app = mapStrings(base, 'template', () => strings[next++]!) as { metadata: JsonMap; spec: JsonMap };
    const { name, namespace, labels, annotations, finalizers } = app.metadata;
    const keepFinalizers = spec.syncPolicy?.preserveResourcesOnDeletion === true || (Array.isArray(finalizers) && finalizers.length > 0);
    const metadata = JSON.parse(JSON.stringify({ name, namespace, labels, annotations, finalizers: keepFinalizers ? finalizers : [RESOURCES_FINALIZER] })) as JsonMap;
    let merged: JsonMap = { metadata, spec: app.spec };
    if (spec.templatePatch !== undefined) {
      const patch = Yaml.parse(strings[next]!, { version: '1.1' }) as unknown;
      if (patch !== null && (typeof patch !== 'object' || Array.isArray(patch))) throw new Error(`${params[p]!.file}: templatePatch: not a YAML mapping:\n${strings[next]}`);
      merged = strategicMerge(merged, (patch ?? {}) as JsonMap);
      merged = { ...merged, spec: { ...(merged.spec as JsonMap), project: app.spec.project! } };
    }
    return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: merged.metadata as KubeObject['metadata'], spec: merged.spec };
  });
}
