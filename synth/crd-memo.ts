/**
 * The static CRDs of a vendored chart, parsed and printed when it is vendored (`npm run import`),
 * so that a render with an empty cache does not parse and print them again: helm prints the files
 * of a chart's crds/ folders (and its subcharts') as they are, whatever the values, and they are
 * most of what it prints (4.9 of the 5.7 MB kube-prometheus-stack and fluent-operator print).
 *
 * Content-addressed: a piece of helm's output is found by its hash, a printed object by the hash
 * of its final form (render-memo.ts `printKey`). What is not found is parsed and printed as usual,
 * so a memo made from another chart or by other code costs time, never correctness; one made with
 * another YAML parser or printer is not used at all. Stored gzipped beside the chart archive.
 */
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readInput } from '../config/repo-files';
import { chartFiles, chartPathOf, sha256 } from './chart-lock';
import type { KubeObject } from './kube-object';
import { toYaml } from './objects';
import { DOCUMENT_START, parsePiece, printKey, YAML_IDENTITY } from './render-memo';
import { prepareUpstream } from './shared-crds';

/** What a render takes from the memo. */
export interface CrdMemo {
  /** The documents of a piece of helm's output, by the piece's sha256. */
  readonly documents: ReadonlyMap<string, readonly unknown[]>;
  /** The YAML of a CRD as synth writes it, by its print key. */
  readonly printed: ReadonlyMap<string, string>;
}

/** The file: what it was made from, and the memo. */
interface CrdMemoFile {
  readonly chart: string;
  readonly chartSha256: string;
  /** What parsed and printed it (render-memo.ts `YAML_IDENTITY`). */
  readonly yaml: string;
  readonly documents: Record<string, unknown[]>;
  readonly printed: Record<string, string>;
}

/** Where the memo of a chart archive is kept: beside it. */
export function crdMemoPath(chartPath: string): string {
  return chartPath.replace(/\.tgz$/, '.crds.json.gz');
}

/** A chart archive's CRD files as helm names them (`<chart>/crds/x.yaml`, `<chart>/charts/<sub>/crds/x.yaml`), packed subcharts included. */
export async function staticCrdFiles(archive: Buffer): Promise<Map<string, string>> {
  const crds = new Map<string, string>();
  for (const [path, bytes] of await chartFiles(archive)) {
    if (/^crds\/[^/]+\.(?:ya?ml|json)$/.test(chartPathOf(path).rest)) crds.set(path, bytes.toString('utf8'));
  }
  return crds;
}

/**
 * The pieces of helm's output a CRD file becomes: helm v4.1 prints each as `---`, a `# Source:`
 * line, the file, a newline (test/crd-memo.test.ts checks every piece of a real render is found).
 */
function pieces(path: string, content: string): string[] {
  return `---\n# Source: ${path}\n${content}\n`.split(DOCUMENT_START);
}

/** The memo of one chart archive (what `npm run import` writes, gzipped). */
export async function makeCrdMemo(chart: string, archive: Buffer): Promise<Buffer> {
  const documents: Record<string, unknown[]> = {};
  const printed: Record<string, string> = {};
  for (const [path, content] of [...(await staticCrdFiles(archive))].sort(([a], [b]) => a.localeCompare(b))) {
    for (const piece of pieces(path, content)) {
      const docs = parsePiece(piece);
      // Only what JSON keeps as it is (a YAML 1.1 timestamp parses to a Date): the rest is parsed at synth.
      if (docs === undefined || !isDeepStrictEqual(JSON.parse(JSON.stringify(docs)), docs)) continue;
      documents[sha256(piece)] = docs;
      for (const doc of structuredClone(docs) as (KubeObject | null)[]) {
        if (doc?.kind !== 'CustomResourceDefinition') continue;
        prepareUpstream(doc);
        printed[printKey(doc)] = toYaml(doc);
      }
    }
  }
  const file: CrdMemoFile = { chart, chartSha256: sha256(archive), yaml: YAML_IDENTITY, documents, printed };
  // mtime 0 and no name in the header: the same memo gives the same bytes.
  return gzipSync(JSON.stringify(file), { level: 9 });
}

/**
 * The memo beside a chart archive, or undefined (with the reason told) when there is none, it is
 * damaged, or was made by another YAML parser or printer or from another archive.
 */
export function readCrdMemo(chartPath: string, chartSha256: string, warn: (line: string) => void): CrdMemo | undefined {
  const path = crdMemoPath(chartPath);
  if (!existsSync(path)) return undefined;
  let file: CrdMemoFile;
  try {
    file = JSON.parse(gunzipSync(readInput(path)).toString('utf8')) as CrdMemoFile;
  } catch (e) {
    warn(`warning: ${path} is damaged (${(e as Error).message}); its CRDs are parsed at synth (npm run import makes it again)`);
    return undefined;
  }
  if (file.chartSha256 !== chartSha256 || file.yaml !== YAML_IDENTITY) {
    warn(`warning: ${path} was made ${file.chartSha256 !== chartSha256 ? 'from another archive' : `with ${file.yaml}, synth runs ${YAML_IDENTITY}`}; its CRDs are parsed at synth (npm run import makes it again)`);
    return undefined;
  }
  return { documents: new Map(Object.entries(file.documents)), printed: new Map(Object.entries(file.printed)) };
}
