/**
 * Loads the derived schemas written by scripts/import-schemas.ts (imports/schemas/).
 * Files are read once, on first use.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { repoRoot } from '../config/paths';
import { readTextInput } from '../config/repo-files';

/** A derived JSON schema node (see scripts/import-schemas.ts for the kept keywords). */
export type SchemaNode = { [key: string]: unknown };

/** Schema id of the core file; CRD schemas `$ref` ObjectMeta as `k8s-1.28.json#/definitions/...`. */
export const K8S_SCHEMA_ID = 'k8s-1.28.json';

/** Directory holding k8s-1.28.json and crds.json. */
export const SCHEMAS_DIR = path.join(repoRoot, 'imports', 'schemas');

interface K8sFile {
  /** Definition name -> schema. */
  readonly definitions: Record<string, SchemaNode>;
  /** "<apiVersion>/<kind>" -> definition name. */
  readonly gvk: Record<string, string>;
}

interface CrdFile {
  /** "<group>/<version>/<kind>" (= "<apiVersion>/<kind>") -> openAPIV3Schema (derived). */
  readonly crds: Record<string, SchemaNode>;
  /** Same keys -> where the CRD came from. */
  readonly sources: Record<string, string>;
}

/** The CRD schemas' file, beside the core one. */
export const CRDS_FILE = 'crds.json';
const texts = new Map<string, string>();
let k8s: K8sFile | undefined;
let crds: CrdFile | undefined;

function readText(file: string): string {
  let text = texts.get(file);
  if (text === undefined) {
    text = readTextInput(path.join(SCHEMAS_DIR, file));
    texts.set(file, text);
  }
  return text;
}

function readJson<T>(file: string): T {
  return JSON.parse(readText(file)) as T;
}

/** sha256 over both schema files: changes whenever a derived schema changes. */
export function schemaFilesHash(): string {
  const hash = createHash('sha256');
  for (const file of [K8S_SCHEMA_ID, CRDS_FILE]) hash.update(file).update('\0').update(readText(file)).update('\0');
  return hash.digest('hex');
}

/** The core Kubernetes 1.28 definitions and gvk index. */
export function k8sSchemas(): K8sFile {
  k8s ??= readJson<K8sFile>(K8S_SCHEMA_ID);
  return k8s;
}

/** The CRD schemas, keyed "<apiVersion>/<kind>". */
export function crdSchemas(): CrdFile {
  crds ??= readJson<CrdFile>(CRDS_FILE);
  return crds;
}

/** Where the schema for an object lives, or undefined when we have none. */
export type SchemaLocation =
  | { readonly source: 'k8s'; readonly definition: string }
  | { readonly source: 'crd'; readonly key: string };

/** Finds the schema for apiVersion+kind: core definitions first, then CRDs. */
export function locateSchema(apiVersion: string, kind: string): SchemaLocation | undefined {
  const key = `${apiVersion}/${kind}`;
  const definition = k8sSchemas().gvk[key];
  if (definition !== undefined) return { source: 'k8s', definition };
  if (crdSchemas().crds[key] !== undefined) return { source: 'crd', key };
  return undefined;
}

/**
 * The fields the schema of apiVersion+kind declares at a path (`['spec', 'template']`, numbers for
 * list items), for "did you mean" on an unknown field; undefined where the schema declares none.
 */
export function knownFields(apiVersion: string, kind: string, path: readonly (string | number)[]): string[] | undefined {
  const where = locateSchema(apiVersion, kind);
  if (!where) return undefined;
  const deref = (n: SchemaNode | undefined): SchemaNode | undefined => {
    for (let hops = 0; typeof n?.$ref === 'string' && hops < 32; hops++) n = k8sSchemas().definitions[n.$ref.slice(n.$ref.lastIndexOf('/') + 1)];
    return n;
  };
  let node = deref(where.source === 'k8s' ? k8sSchemas().definitions[where.definition] : crdSchemas().crds[where.key]);
  for (const seg of path) {
    const props = node?.properties as Record<string, SchemaNode> | undefined;
    const more = node?.additionalProperties;
    node = deref(typeof seg === 'number' ? (node?.items as SchemaNode | undefined) : (props?.[seg] ?? (typeof more === 'object' ? (more as SchemaNode) : undefined)));
  }
  return node?.properties ? Object.keys(node.properties) : undefined;
}
