/**
 * Reads the seed-parity tables of docs/seed-parity.md and checks them: against themselves (every
 * seed row once, valid outcomes, reasons for removals) and against rendered objects (every object
 * a row names exists in the app and environment it claims). Plain string handling, no markdown
 * library. Every check returns a list of problems, each naming the row (and environment and
 * object), so tests can also feed it synthetic tables and objects and expect failures.
 */

export const OUTCOMES = ['same', 'renamed', 'chart value', 'removed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The row ids the doc must hold: seed rows 1–51, patches P1–P9, Terraform objects TF1–TF5. */
export const EXPECTED_ROW_IDS: readonly string[] = [
  ...Array.from({ length: 51 }, (_, i) => String(i + 1)),
  ...Array.from({ length: 9 }, (_, i) => `P${i + 1}`),
  ...Array.from({ length: 5 }, (_, i) => `TF${i + 1}`),
];

/** The columns of every parity table, in order. */
export const COLUMNS = ['#', 'seed object', 'outcome', 'app', 'replaced by', 'notes'] as const;
/** The columns of the counts table: outcome, then one count per row group. */
export const COUNT_COLUMNS = ['outcome', 'rows 1–51', 'patches', 'Terraform'] as const;

const NONE = '—';

/** `Kind namespace/name` or `Kind name` (cluster-scoped); a trailing `*` makes the name a prefix. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Environments the reference is limited to (`[prod]`); undefined = every environment. */
  readonly envs?: readonly string[];
  /** The text between the backticks. */
  readonly text: string;
}

export interface ParityRow {
  readonly id: string;
  /** The `##` heading the table sits under (the seed app, or "Patches …"). */
  readonly section: string;
  /** 1-based line in the markdown. */
  readonly line: number;
  /** The first backticked reference of the "seed object" cell (undefined when it does not parse). */
  readonly seed?: ObjectRef;
  readonly seedCell: string;
  readonly outcome: string;
  /** The app column; undefined for `—`. */
  readonly app?: string;
  readonly replacedBy: readonly ObjectRef[];
  readonly notes: string;
  /** Cell-level parse problems (bad references, stray text in "replaced by"). */
  readonly parseProblems: readonly string[];
}

export interface CountRow {
  readonly outcome: string;
  readonly counts: readonly number[];
}

export interface ParityTable {
  readonly rows: readonly ParityRow[];
  /** The counts table (`| outcome | rows 1–51 | patches | Terraform |`), if the doc has one. */
  readonly counts: readonly CountRow[];
  /** Tables that look like parity tables but have the wrong columns. */
  readonly problems: readonly string[];
}

const REF = /^([A-Z][A-Za-z]*) (?:([a-z0-9][-a-z0-9.]*)\/)?([a-z0-9*][-a-z0-9.*]*)(?: \[([a-z0-9,-]+)\])?$/;

/** Parses one reference (the text inside backticks); undefined when it is not one. */
export function parseRef(text: string): ObjectRef | undefined {
  const m = REF.exec(text.trim());
  if (!m) return undefined;
  const [, kind, namespace, name, envs] = m;
  if (name!.slice(0, -1).includes('*')) return undefined;
  return {
    kind: kind!,
    ...(namespace !== undefined ? { namespace } : {}),
    name: name!,
    ...(envs !== undefined ? { envs: envs.split(',') } : {}),
    text: text.trim(),
  };
}

export const refString = (r: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string => `${r.kind} ${r.namespace !== undefined ? `${r.namespace}/` : ''}${r.name}`;

/** The cells of a markdown table line (outer pipes dropped, cells trimmed). */
function cells(line: string): string[] {
  const t = line.trim();
  return t.slice(1, t.endsWith('|') ? -1 : undefined).split('|').map((c) => c.trim());
}

const isTableLine = (line: string) => line.trim().startsWith('|');
const isSeparator = (line: string) => /^\|(\s*:?-+:?\s*\|)+\s*$/.test(line.trim());
const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

function parseRow(c: string[], section: string, line: number): ParityRow {
  const [id, seedCell, outcome, app, replaced, notes] = c as [string, string, string, string, string, string];
  const where = `row ${id} (${section}, line ${line})`;
  const parseProblems: string[] = [];
  const seedText = backticked(seedCell)[0];
  const seed = seedText !== undefined ? parseRef(seedText) : undefined;
  if (!seed) parseProblems.push(`${where}: the seed object cell must start with a reference like \`Kind namespace/name\`, got "${seedCell}"`);
  else if (seed.envs) parseProblems.push(`${where}: the seed object cannot be limited to environments`);

  const replacedBy: ObjectRef[] = [];
  if (replaced !== NONE) {
    for (const text of backticked(replaced)) {
      const ref = parseRef(text);
      if (ref) replacedBy.push(ref);
      else parseProblems.push(`${where}: "replaced by" reference \`${text}\` is not \`Kind namespace/name\` or \`Kind name\``);
    }
    const rest = replaced.replace(/`[^`]+`/g, '').replace(/[,\s]/g, '');
    if (rest !== '') parseProblems.push(`${where}: "replaced by" may only hold backticked references separated by commas, found "${replaced}"`);
    else if (backticked(replaced).length === 0) parseProblems.push(`${where}: "replaced by" is empty; write ${NONE} for nothing`);
  }
  return {
    id,
    section,
    line,
    ...(seed ? { seed } : {}),
    seedCell,
    outcome,
    ...(app !== NONE && app !== '' ? { app } : {}),
    replacedBy,
    notes: notes === NONE ? '' : notes,
    parseProblems,
  };
}

/** Parses every parity table (header `| # | seed object | … |`) and the counts table of a document. */
export function parseParityDoc(markdown: string): ParityTable {
  const lines = markdown.split('\n');
  const rows: ParityRow[] = [];
  const counts: CountRow[] = [];
  const problems: string[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^#{2,6}\s+(.*)$/.exec(line);
    if (heading) {
      section = heading[1]!.trim();
      continue;
    }
    if (!isTableLine(line) || !isSeparator(lines[i + 1] ?? '')) continue;
    const header = cells(line);
    let j = i + 2;
    const body: { c: string[]; line: number }[] = [];
    for (; j < lines.length && isTableLine(lines[j]!); j++) body.push({ c: cells(lines[j]!), line: j + 1 });
    if (header[0] === '#') {
      if (header.join('|') !== COLUMNS.join('|')) {
        problems.push(`line ${i + 1}: parity table columns must be ${COLUMNS.join(' | ')}, got ${header.join(' | ')}`);
      } else {
        for (const b of body) {
          if (b.c.length !== COLUMNS.length) problems.push(`line ${b.line}: ${b.c.length} cells, expected ${COLUMNS.length}`);
          else rows.push(parseRow(b.c, section, b.line));
        }
      }
    } else if (header.join('|') === COUNT_COLUMNS.join('|')) {
      for (const b of body) counts.push({ outcome: b.c[0]!.replace(/`/g, ''), counts: b.c.slice(1).map(Number) });
    }
    i = j - 1;
  }
  return { rows, counts, problems };
}

/** Each expected row id present exactly once, and no other ids. */
export function rowIdProblems(table: ParityTable, expected: readonly string[] = EXPECTED_ROW_IDS): string[] {
  const problems = [...table.problems];
  const seen = new Map<string, ParityRow[]>();
  for (const r of table.rows) seen.set(r.id, [...(seen.get(r.id) ?? []), r]);
  for (const id of expected) {
    const found = seen.get(id) ?? [];
    if (found.length === 0) problems.push(`row ${id}: missing`);
    if (found.length > 1) problems.push(`row ${id}: appears ${found.length} times (lines ${found.map((r) => r.line).join(', ')})`);
  }
  for (const id of seen.keys()) if (!expected.includes(id)) problems.push(`row ${id}: not a seed row, patch or Terraform object id`);
  return problems;
}

const sameObject = (a: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>, b: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>) =>
  a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

/**
 * Per row: outcome from {@link OUTCOMES}; `removed` has a reason and names no app and no
 * replacement; the others name an app and at least one replacement; `same` lists the seed's own
 * kind/namespace/name and `renamed` does not; app and environment names are known.
 */
export function rowProblems(table: ParityTable, known: { apps: readonly string[]; envs: readonly string[] }): string[] {
  const problems: string[] = [];
  for (const r of table.rows) {
    const where = `row ${r.id} (${r.section}, line ${r.line})`;
    problems.push(...r.parseProblems);
    if (!(OUTCOMES as readonly string[]).includes(r.outcome)) {
      problems.push(`${where}: outcome "${r.outcome}" is not one of ${OUTCOMES.join(', ')}`);
      continue;
    }
    if (r.outcome === 'removed') {
      if (r.notes.replace(/[\s.—-]/g, '') === '') problems.push(`${where}: removed without a reason in "notes"`);
      if (r.app !== undefined) problems.push(`${where}: removed, so "app" must be ${NONE}`);
      if (r.replacedBy.length > 0) problems.push(`${where}: removed, so "replaced by" must be ${NONE}`);
      continue;
    }
    if (r.app === undefined) problems.push(`${where}: ${r.outcome} needs the app that renders the replacement`);
    else if (!known.apps.includes(r.app)) problems.push(`${where}: unknown app "${r.app}"`);
    if (r.replacedBy.length === 0) problems.push(`${where}: ${r.outcome} needs at least one object under "replaced by"`);
    for (const ref of r.replacedBy) {
      for (const e of ref.envs ?? []) if (!known.envs.includes(e)) problems.push(`${where}: \`${ref.text}\` names unknown environment "${e}"`);
    }
    if (r.seed) {
      const keepsIdentity = r.replacedBy.some((ref) => sameObject(ref, r.seed!));
      if (r.outcome === 'same' && !keepsIdentity) problems.push(`${where}: outcome same, but ${refString(r.seed)} is not under "replaced by"`);
      if (r.outcome === 'renamed' && keepsIdentity) problems.push(`${where}: outcome renamed, but ${refString(r.seed)} keeps its name; use same`);
    }
  }
  return problems;
}

/** The counts table must equal the rows' outcomes per group (seed rows, patches, Terraform). */
export function countProblems(table: ParityTable): string[] {
  const group = (id: string) => (id.startsWith('TF') ? 2 : id.startsWith('P') ? 1 : 0);
  const actual = new Map<string, number[]>(OUTCOMES.map((o) => [o, [0, 0, 0]]));
  for (const r of table.rows) {
    const c = actual.get(r.outcome);
    if (c) c[group(r.id)]!++;
  }
  if (table.counts.length === 0) return ['the counts table (| outcome | rows 1–51 | patches | Terraform |) is missing'];
  const problems: string[] = [];
  for (const o of OUTCOMES) {
    const stated = table.counts.find((c) => c.outcome === o);
    const want = actual.get(o)!;
    if (!stated) problems.push(`counts: no line for ${o} (the rows have ${want.join(' / ')})`);
    else if (stated.counts.join('/') !== want.join('/')) problems.push(`counts: ${o} says ${stated.counts.join(' / ')}, the rows have ${want.join(' / ')}`);
  }
  return problems;
}

/** The facts of a rendered object the check needs. */
export interface RenderedObject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** One environment's render: which apps config enables, and the objects of each rendered app. */
export interface RenderedEnvironment {
  readonly env: string;
  readonly enabled: (app: string) => boolean;
  readonly apps: ReadonlyMap<string, readonly RenderedObject[]>;
}

export function matches(ref: ObjectRef, o: RenderedObject): boolean {
  if (o.kind !== ref.kind || o.namespace !== ref.namespace) return false;
  return ref.name.endsWith('*') ? o.name.startsWith(ref.name.slice(0, -1)) : o.name === ref.name;
}

/**
 * Every object a row names is rendered by the row's app in every environment that enables the
 * app (and, for references limited to some environments, only there). An app config enables must
 * have been rendered; an app config disables is skipped.
 */
export function renderedProblems(table: ParityTable, environment: RenderedEnvironment): string[] {
  const problems: string[] = [];
  const { env } = environment;
  for (const r of table.rows) {
    if (r.app === undefined || r.replacedBy.length === 0) continue;
    const where = `row ${r.id} (${r.section}) in ${env}`;
    if (!environment.enabled(r.app)) {
      if (environment.apps.has(r.app)) problems.push(`${where}: app ${r.app} is disabled in config but was rendered`);
      continue;
    }
    const objects = environment.apps.get(r.app);
    if (!objects) {
      problems.push(`${where}: app ${r.app} is enabled in config but was not rendered`);
      continue;
    }
    for (const ref of r.replacedBy) {
      const found = objects.some((o) => matches(ref, o));
      const expected = ref.envs === undefined || ref.envs.includes(env);
      if (expected && !found) problems.push(`${where}: ${refString(ref)} is not rendered by app ${r.app}`);
      if (!expected && found) problems.push(`${where}: ${refString(ref)} is rendered by app ${r.app}, but the table limits it to ${ref.envs.join(', ')}`);
    }
  }
  return problems;
}
