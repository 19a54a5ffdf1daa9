/**
 * Shared shape of the generated `imports/values/<chart>.paths.json` files and
 * the dotted-path notation used by the generator and by the synth-time check.
 *
 * Path notation: segments joined by `.`; a segment that contains `.`, `[`, `]`
 * or `"` (or is empty) is written as a JSON string in brackets:
 *   `configs.params["server.insecure"]`, `annotations["eck.k8s.elastic.co/license"]`.
 *
 * Known tree: `0` = a known key (nothing known below it), `1` = an open map
 * (anything below it is allowed), object = known key with known children.
 */
export type KnownTree = 0 | 1 | { readonly [key: string]: KnownTree };

export interface ChartPaths {
  readonly chart: string;
  readonly version: string;
  readonly known: KnownTree;
  /** Top-most open maps (empty-map defaults, null defaults, wholesale template reads, schema maps). */
  readonly openMaps: readonly string[];
  /** Every values path read by a template (deduplicated, sorted). */
  readonly templateRefs: readonly string[];
}

const PLAIN = /^[^.[\]"]+$/;

export function formatPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) {
    if (PLAIN.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Inverse of formatPath (for allow-list entries written by hand). */
export function parsePath(path: string): string[] {
  const out: string[] = [];
  const re = /\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    out.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]!);
  }
  return out;
}

// ---- Template scanning (used by scripts/import-values.ts) -----------------

export interface TemplateScan {
  /** Values paths read by the template (relative to the chart's own .Values). */
  readonly refs: string[][];
  /** Paths read wholesale (toYaml/range/merge/...): any key below is meaningful. */
  readonly opens: string[][];
}

type Tok = { t: 'str' | 'op' | 'field' | 'word' | '(' | ')' | '|' | ',' | 'set' | 'num' | 'x'; v: string };

const TOKEN = /"(?:[^"\\]|\\.)*"|`[^`]*`|-?\d+(?:\.\d+)?|\$[A-Za-z0-9_]*(?:\.[A-Za-z_]\w*)*|\.(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?|:=|=|[()|,]|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*|\S/g;
/** Functions that consume a map as a whole (its keys end up in rendered output). */
const WHOLE = new Set(['toYaml', 'toJson', 'toPrettyJson', 'toRawJson', 'mustToJson', 'mustToPrettyJson', 'mustToRawJson', 'tpl',
  'omit', 'keys', 'values', 'deepCopy', 'mustDeepCopy', 'merge', 'mergeOverwrite', 'mustMerge', 'mustMergeOverwrite']);
const LOOKUP = new Set(['index', 'hasKey', 'get']);

function tokenize(action: string): Tok[] {
  const out: Tok[] = [];
  for (const m of action.matchAll(TOKEN)) {
    const v = m[0];
    const prevEnd = action[m.index - 1];
    let t: Tok['t'];
    if (v[0] === '"' || v[0] === '`') t = 'str';
    else if (/^-?\d/.test(v)) t = 'num';
    else if (v[0] === '$' || v[0] === '.') t = v[0] === '.' && prevEnd === ')' ? 'field' : 'op';
    else if (v === ':=' || v === '=') t = 'set';
    else if ('()|,'.includes(v)) t = v as Tok['t'];
    else if (/^[A-Za-z_]/.test(v)) t = 'word';
    else t = 'x';
    out.push({ t, v });
  }
  return out;
}

const unquote = (s: string): string => (s[0] === '`' ? s.slice(1, -1) : (JSON.parse(s) as string));

export function scanTemplate(src: string): TemplateScan {
  const refs: string[][] = [];
  const opens: string[][] = [];
  const stack: (string[] | null)[] = [];
  const vars = new Map<string, string[]>();
  let dot: string[] | null = null;

  const resolve = (v: string): string[] | null => {
    const segs = v.split('.');
    const vi = segs.indexOf('Values', 1);
    if (vi > 0) return segs.slice(vi + 1);
    const head = segs[0]!;
    if (head.length > 1 && vars.has(head)) return [...vars.get(head)!, ...segs.slice(1)];
    if (head === '' && dot) return [...dot, ...segs.slice(1).filter(Boolean)];
    return null;
  };
  /** Path of a simple expression at toks[i]: an operand or `index <operand> "lit"...`. */
  const evalAt = (toks: Tok[], i: number): string[] | null => {
    while (toks[i]?.t === '(') i++;
    const tk = toks[i];
    if (tk?.t === 'op') return resolve(tk.v);
    if (tk?.t === 'word' && tk.v === 'index' && toks[i + 1]?.t === 'op') {
      const base = resolve(toks[i + 1]!.v);
      if (!base) return null;
      const out = [...base];
      for (let j = i + 2; toks[j]?.t === 'str'; j++) out.push(unquote(toks[j]!.v));
      return out;
    }
    return null;
  };

  for (const m of src.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)) {
    const action = m[1]!;
    if (action.startsWith('/*')) continue;
    const toks = tokenize(action);
    const first = toks[0]?.v;
    if (first === 'end') {
      dot = stack.length ? stack.pop()! : null;
      continue;
    }
    const hashing = /\b(sha256sum|sha1sum|adler32sum)\b/.test(action);
    for (let i = 0; i < toks.length; i++) {
      const tk = toks[i]!;
      if (tk.t === 'word' && tk.v === 'dig') {
        const strs: string[] = [];
        let j = i + 1;
        for (; toks[j]?.t === 'str'; j++) strs.push(unquote(toks[j]!.v));
        const p = toks[j]?.t === 'op' ? resolve(toks[j]!.v) : toks[j + 1]?.t === 'op' ? resolve(toks[j + 1]!.v) : null;
        const keys = toks[j]?.t === 'op' ? strs.slice(0, -1) : strs;
        if (p && keys.length) refs.push([...p, ...keys]);
        continue;
      }
      if (tk.t !== 'op') continue;
      const p = resolve(tk.v);
      if (!p) continue;
      let k = i - 1;
      while (toks[k]?.t === '(') k--;
      let full = p;
      let j = i + 1;
      if (toks[k]?.t === 'word' && LOOKUP.has(toks[k]!.v)) {
        const lits: string[] = [];
        for (; toks[j]?.t === 'str'; j++) lits.push(unquote(toks[j]!.v));
        full = [...p, ...(toks[k]!.v === 'index' ? lits : lits.slice(0, 1))];
        if (toks[k]!.v === 'index') for (k--; toks[k]?.t === '('; k--);
      }
      if (full.length) refs.push(full);
      while (toks[j]?.t === ')') j++;
      const before = toks[k]?.t === 'word' ? toks[k]!.v : '';
      const piped = toks[j]?.t === '|' && WHOLE.has(toks[j + 1]?.v ?? '');
      if (full.length && !hashing && (WHOLE.has(before) || piped)) opens.push(full);
    }
    if (first === 'range') {
      const set = toks.findIndex((t) => t.t === 'set');
      for (const t of toks.slice(1, set < 0 ? 1 : set)) if (t.t === 'op') vars.delete(t.v);
      const target = evalAt(toks, set < 0 ? 1 : set + 1);
      if (target?.length) opens.push(target);
      stack.push(dot);
      dot = null;
      continue;
    }
    for (let i = 0; i + 1 < toks.length; i++) {
      if (toks[i]!.t === 'op' && /^\$\w+$/.test(toks[i]!.v) && toks[i + 1]!.t === 'set') {
        const p = evalAt(toks, i + 2);
        if (p) vars.set(toks[i]!.v, p);
        else vars.delete(toks[i]!.v);
      }
    }
    if (first === 'if') stack.push(dot);
    else if (first === 'with') {
      stack.push(dot);
      dot = evalAt(toks, 1);
    } else if (first === 'define' || first === 'block') {
      stack.push(dot);
      dot = null;
    }
  }
  return { refs, opens };
}
