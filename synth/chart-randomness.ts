/**
 * Which documents of a `helm template` output can differ from one run to the next, found from the
 * chart archive without running helm: the templates whose rendering can call a function that is
 * not repeatable, following `include`/`template` calls (and `tpl`, into values and chart files).
 * render.ts renders a release once and renders it a second time (to compare) only when its output
 * holds a document of such a template.
 *
 * It reads what templates call, not what they do: a call in a branch that is never taken counts.
 */
import { chartFiles, chartPathOf } from './chart-lock';
import { DOCUMENT_START } from './render-memo';
import { templateBodies, type TemplateBody } from './template-actions';

/**
 * Template functions whose result is not a function of their arguments, in sprig v3.3.0, which
 * helm v4.1 uses (the functions helm adds are all repeatable):
 * - math/rand or crypto/rand: the rand* strings, randInt, shuffle, uuidv4, new keys and
 *   certificates (random key and serial number), bcrypt and htpasswd (random salt), encryptAES
 *   (random IV);
 * - the clock: now; date, dateInZone, date_in_zone, htmlDate and htmlDateInZone format time.Now()
 *   when not given a time; ago and durationRound (given a time) measure time.Since;
 * - Go's map order, which is random: keys and values (orderless uses are not recorded, see
 *   template-actions.ts).
 * Not here: lookup and getHostByName, which `helm template` (no --dry-run=server, no --enable-dns)
 * replaces with functions that return an empty map and an empty string.
 */
export const UNREPEATABLE: ReadonlySet<string> = new Set([
  'randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric', 'randBytes', 'randInt', 'shuffle', 'uuidv4',
  'genPrivateKey', 'genCA', 'genCAWithKey', 'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey',
  'bcrypt', 'htpasswd', 'encryptAES',
  'now', 'date', 'dateInZone', 'date_in_zone', 'htmlDate', 'htmlDateInZone', 'ago', 'durationRound',
  'keys', 'values',
]);

/** Functions that change a dict in place: a template can hand what it computed to templates rendered after it. */
const MUTATORS = new Set(['set', 'unset', 'merge', 'mergeOverwrite', 'mustMerge', 'mustMergeOverwrite']);

/** A chart's templates and texts, lexed once per archive (both environments share it). */
interface ChartBodies {
  /** Template files by the name `# Source:` gives them: `<chart>/templates/x.yaml`, `<chart>/charts/<sub>/templates/...`. */
  readonly files: Map<string, TemplateBody>;
  /** Named templates (helm shares them across a chart and its subcharts). */
  readonly defines: Map<string, TemplateBody>;
  /** What the chart's other files (values.yaml, files/, ...) call when handed to `tpl`. */
  readonly texts: TemplateBody;
  /** CRD files, which helm prints as they are. */
  readonly crds: Set<string>;
  /** Template files that define named templates (any file may: helm shares them all). */
  readonly definers: Set<string>;
  /** Template files some template includes by name. */
  readonly included: Set<string>;
}

export interface Randomness {
  /** The `# Source:` names of documents that may differ between two renders of the same input. */
  unrepeatable(output: string): string[];
  /**
   * The template files a render of these documents needs: theirs, every file that defines a named
   * template, every file a template includes by name. The others can be left out (reduced-chart.ts):
   * what these documents print does not change, as nothing else reaches them.
   */
  needed(sources: readonly string[]): ReadonlySet<string>;
}

const archives = new Map<string, Promise<ChartBodies>>();

/** What one release's output may print differently each time: the chart's analysis plus the values it gets. */
export async function releaseRandomness(archive: { path: string; sha256: string }, read: () => Buffer, values: unknown): Promise<Randomness> {
  let chart = archives.get(archive.sha256);
  if (chart === undefined) archives.set(archive.sha256, (chart = chartFiles(read()).then(lexChart)));
  const { files, defines, texts, crds, definers, included } = await chart;
  const tpl = emptyBody();
  merge(tpl, texts);
  for (const s of strings(values)) merge(tpl, templateBodies(s).file);
  const bad = unrepeatableBodies(files, defines, tpl);
  const leaks = [...bad].some((b) => [...b.functions].some((f) => MUTATORS.has(f)));
  const safe = new Set([...crds, ...[...files].filter(([, b]) => !bad.has(b)).map(([name]) => name)]);
  return {
    unrepeatable: (output) => [...output.matchAll(/^# Source: (.+)$/gm)].map((m) => m[1]!).filter((name) => leaks || !safe.has(name)),
    needed: (sources) => new Set([...sources, ...definers, ...included]),
  };
}

function lexChart(archive: ReadonlyMap<string, Buffer>): ChartBodies {
  const files = new Map<string, TemplateBody>();
  const defines = new Map<string, TemplateBody>();
  const texts = emptyBody();
  const crds = new Set<string>();
  const definers = new Set<string>();
  const included = new Set<string>();
  for (const [path, bytes] of archive) {
    const { dir, rest } = chartPathOf(path);
    if (rest.startsWith('templates/')) {
      // `include (print $.Template.BasePath "/x.yaml")` names a file of the including chart.
      const { file, defines: own } = templateBodies(bytes.toString('utf8'), `${dir}/templates/`);
      files.set(path, file);
      if (own.size > 0) definers.add(path);
      for (const body of [file, ...own.values()]) body.files.forEach((f) => included.add(f));
      for (const [name, body] of own) merge(defines.get(name) ?? defines.set(name, emptyBody()).get(name)!, body);
    } else if (rest.startsWith('crds/')) crds.add(path);
    else merge(texts, templateBodies(bytes.toString('utf8')).file);
  }
  return { files, defines, texts, crds, definers, included };
}

/**
 * The documents of helm's output printed from these sources, as output text (a piece without a
 * `# Source:` line continues the file of the piece before it).
 */
export function sourcePieces(output: string, sources: ReadonlySet<string>): string {
  let source = '';
  return output.split(DOCUMENT_START).filter((piece) => sources.has((source = /^# Source: (.+)$/m.exec(piece)?.[1] ?? source))).join('');
}

/** Every body that can reach an unrepeatable function (a fixpoint over calls, includes and tpl). */
function unrepeatableBodies(files: Map<string, TemplateBody>, defines: Map<string, TemplateBody>, tpl: TemplateBody): Set<TemplateBody> {
  const bodies = [...files.values(), ...defines.values(), tpl];
  const bad = new Set(bodies.filter((b) => [...b.functions].some((f) => UNREPEATABLE.has(f))));
  const anyDefineBad = () => [...defines.values()].some((d) => bad.has(d));
  const reaches = (b: TemplateBody) =>
    [...b.calls].some((name) => bad.has(defines.get(name)!)) ||
    [...b.files].some((name) => bad.has(files.get(name)!)) ||
    (b.dynamic && anyDefineBad()) ||
    (b.functions.has('tpl') && bad.has(tpl));
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of bodies) {
      if (!bad.has(b) && reaches(b)) {
        bad.add(b);
        changed = true;
      }
    }
  }
  return bad;
}

function emptyBody(): TemplateBody {
  return { functions: new Set(), calls: new Set(), files: new Set(), dynamic: false };
}

function merge(into: TemplateBody, from: TemplateBody): void {
  from.functions.forEach((f) => into.functions.add(f));
  from.calls.forEach((c) => into.calls.add(c));
  from.files.forEach((f) => into.files.add(f));
  into.dynamic ||= from.dynamic;
}

/** Every string in a values tree that holds a template action (what `tpl` could be given). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.includes('{{') ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
