/**
 * Reads the actions (`{{ ... }}`) of a Go template, as helm parses chart templates, and groups them
 * into bodies: the file's own body and each `define`/`block` it declares. For each body it records
 * the functions its actions call and the named templates and files it includes, which is what
 * synth/chart-randomness.ts needs to find out which templates can reach a given function.
 *
 * It lexes, it does not evaluate: a branch that a condition never takes still counts.
 */

/** What one body (a file outside its defines, or one define) calls. */
export interface TemplateBody {
  /**
   * Functions called by name (`randAlphaNum`, `include`, `set`, ...): every bare word but the
   * keywords, and but `keys`/`values` whose list is only sorted or counted.
   */
  readonly functions: Set<string>;
  /** Named templates called with a literal name (`include "x.labels"`, `template "x"`, `block "x"`). */
  readonly calls: Set<string>;
  /** Template files included by name: `include (print $.Template.BasePath "/secret.yaml")` gives `<base>secret.yaml`. */
  readonly files: Set<string>;
  /** Includes whose name is computed in some other way: they may reach any template. */
  dynamic: boolean;
}

export interface TemplateBodies {
  readonly file: TemplateBody;
  /** Defines by name (a name defined twice: both bodies merged). */
  readonly defines: Map<string, TemplateBody>;
}

type Token = { readonly kind: 'word' | 'string' | 'ref' | 'punct'; readonly text: string };

/** Go template keywords and built-ins that are not functions of interest. */
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

const emptyBody = (): TemplateBody => ({ functions: new Set(), calls: new Set(), files: new Set(), dynamic: false });

/** The tokens of each action of a template, comments left out, in order. Unterminated actions end the scan. */
export function templateActions(src: string): Token[][] {
  const actions: Token[][] = [];
  let i = src.indexOf('{{');
  while (i >= 0) {
    let j = i + 2;
    if (src[j] === '-' && /\s/.test(src[j + 1] ?? '')) j++;
    const tokens: Token[] = [];
    let closed = false;
    while (j < src.length) {
      const c = src[j]!;
      if (/\s/.test(c)) j++;
      else if (src.startsWith('}}', j)) {
        closed = true;
        j += 2;
        break;
      } else if (src.startsWith('-}}', j) && /\s/.test(src[j - 1] ?? '')) {
        closed = true;
        j += 3;
        break;
      } else if (src.startsWith('/*', j)) {
        const end = src.indexOf('*/', j + 2);
        j = end < 0 ? src.length : end + 2;
      } else if (c === '"' || c === "'" || c === '`') {
        let k = j + 1;
        while (k < src.length && src[k] !== c) k += c !== '`' && src[k] === '\\' ? 2 : 1;
        tokens.push({ kind: 'string', text: src.slice(j + 1, k) });
        j = k + 1;
      } else {
        const m = /^(?:[$.][\w.$]*|[A-Za-z_]\w*|:=|=|[()|,]|[^\s"'`]+?(?=[\s()|,"'`]|\}\}|$))/.exec(src.slice(j, j + 200));
        const text = m?.[0] || c;
        const kind = /^[$.]/.test(text) ? 'ref' : /^[A-Za-z_]/.test(text) ? 'word' : 'punct';
        tokens.push({ kind, text });
        j += text.length;
      }
    }
    if (!closed) break;
    if (tokens.length > 0) actions.push(tokens);
    i = src.indexOf('{{', j);
  }
  return actions;
}

/** `print $.Template.BasePath "/x.yaml"` or `printf "%s/x.yaml" .Template.BasePath`: the file below templates/. */
function basePathFile(tokens: readonly Token[], at: number): string | undefined {
  const [fn, a, b] = [tokens[at], tokens[at + 1], tokens[at + 2]];
  const isBase = (t: Token | undefined) => t?.kind === 'ref' && /(^|\.)Template\.BasePath$/.test(t.text);
  let rest: string | undefined;
  if (fn?.text === 'print' && isBase(a) && b?.kind === 'string') rest = b.text;
  if (fn?.text === 'printf' && a?.kind === 'string' && a.text.startsWith('%s') && isBase(b)) rest = a.text.slice(2);
  return rest?.startsWith('/') && tokens[at + 3]?.text === ')' ? rest.slice(1) : undefined;
}

/** Functions that list a map in Go's map order (random), and what makes that order irrelevant. */
const MAP_ORDER = new Set(['keys', 'values']);
const ORDER_FREE = new Set(['sortAlpha', 'len']);

/**
 * Whether the list the `keys`/`values` call at `at` returns goes straight into sortAlpha or len:
 * `keys . | sortAlpha`, `sortAlpha (keys .)`, `keys . | len`, `len (keys .)`.
 */
function orderFree(tokens: readonly Token[], at: number): boolean {
  if (tokens[at - 1]?.text === '(' && ORDER_FREE.has(tokens[at - 2]?.text ?? '')) return true;
  let depth = 0;
  for (let n = at + 1; n < tokens.length; n++) {
    const t = tokens[n]!.text;
    if (t === '(') depth++;
    else if (t === ')' && depth-- === 0) return false;
    else if (t === '|' && depth === 0) return ORDER_FREE.has(tokens[n + 1]?.text ?? '');
  }
  return false;
}

/** Records what one action calls into `body`; `base` prefixes the file names it includes. */
function scanAction(tokens: readonly Token[], body: TemplateBody, base: string): void {
  tokens.forEach((t, n) => {
    if (t.kind !== 'word') return;
    if (!KEYWORDS.has(t.text) && !(MAP_ORDER.has(t.text) && orderFree(tokens, n))) body.functions.add(t.text);
    if (t.text !== 'include' && t.text !== 'template' && t.text !== 'block') return;
    const next = tokens[n + 1];
    if (next?.kind === 'string') body.calls.add(next.text);
    else {
      const file = next?.text === '(' ? basePathFile(tokens, n + 2) : undefined;
      if (file !== undefined) body.files.add(base + file);
      else body.dynamic = true;
    }
  });
}

/**
 * Splits a template into its own body and its defines, recording what each calls. `base` prefixes
 * the names of the files it includes (the chart's templates folder). @default ''
 */
export function templateBodies(src: string, base = ''): TemplateBodies {
  const file = emptyBody();
  const defines = new Map<string, TemplateBody>();
  const stack: (TemplateBody | undefined)[] = [];
  let current = file;
  for (const tokens of templateActions(src)) {
    const first = tokens[0]!.text;
    if (first === 'end') {
      const outer = stack.pop();
      if (outer !== undefined) current = outer;
      continue;
    }
    if (first === 'define' || first === 'block') {
      const name = tokens[1]?.kind === 'string' ? tokens[1].text : '';
      if (first === 'block') scanAction(tokens, current, base);
      stack.push(current);
      current = defines.get(name) ?? emptyBody();
      defines.set(name, current);
      scanAction(tokens.slice(2), current, base);
      continue;
    }
    if (OPENERS.has(first)) stack.push(undefined);
    scanAction(tokens, current, base);
  }
  return { file, defines };
}
