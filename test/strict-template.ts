/**
 * Go's `missingkey=error` for a Go template that helm executes (test/argocd-generator.ts says why
 * helm's own option cannot be used).
 *
 * With `missingkey=error`, text/template fails as soon as a field access on a map (`.a`, `.a.b`,
 * `$v.a`, `$.a`) names a key the map does not have: `map has no entry for key "a"`. Helm's engine
 * runs with `missingkey=zero`, where the same access quietly yields nil. So before helm sees a
 * template, each such field access is rewritten into a lookup that fails the same way:
 *
 *     .a.b  →  (index (required "map has no entry for key \"b\"" (ternary X nil (hasKey X "b"))) "b")
 *              where X is the same lookup of "a" on `.`
 *
 * This is a lexer over the actions (strings, raw strings, characters and comments are skipped), not
 * an interpreter: parsing, functions, evaluation and printing stay Go's. `and`/`or` still short-
 * circuit, so a lookup guarded by `hasKey` is evaluated only when Go would evaluate it. Two forms it
 * cannot rewrite, a field of a parenthesized pipeline `(…).a` and of a function result `f.a`, are
 * rejected rather than left lenient.
 */

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;
const COMMENT = /^(?:-[ \t\r\n])?\/\*[\s\S]*?\*\/(?:[ \t\r\n]-)?\}\}/;

/** A rewritten template and the identifiers (functions, keywords) its actions use. */
export interface StrictTemplate {
  readonly text: string;
  readonly identifiers: ReadonlySet<string>;
}

/** The template with every map field access failing like `missingkey=error`. */
export function strictTemplate(src: string): StrictTemplate {
  const identifiers = new Set<string>();
  let out = '';
  let i = 0;
  for (;;) {
    const open = src.indexOf('{{', i);
    if (open < 0) return { text: out + src.slice(i), identifiers };
    out += src.slice(i, open + 2);
    i = open + 2;
    const comment = COMMENT.exec(src.slice(i));
    if (comment) {
      out += comment[0];
      i += comment[0].length;
      continue;
    }
    const action = rewriteAction(src, i, identifiers);
    out += action.text;
    i = action.end;
  }
}

function lookup(receiver: string, key: string): string {
  const k = JSON.stringify(key);
  const missing = JSON.stringify(`map has no entry for key ${k}`);
  return `(index (required ${missing} (ternary ${receiver} nil (hasKey ${receiver} ${k}))) ${k})`;
}

/** Index just past the identifier starting at `i`. */
function identEnd(src: string, i: number): number {
  let j = i;
  while (j < src.length && IDENT.test(src[j]!)) j++;
  return j;
}

const startsField = (src: string, i: number) => src[i] === '.' && IDENT_START.test(src[i + 1] ?? '');

/** Index just past a quoted string, raw string or character constant starting at `i`. */
function quotedEnd(src: string, i: number): number {
  const quote = src[i]!;
  for (let j = i + 1; j < src.length; j++) {
    if (quote !== '`' && src[j] === '\\') j++;
    else if (src[j] === quote) return j + 1;
  }
  throw new Error(`unterminated ${quote} in template: ${src}`);
}

function rewriteAction(src: string, start: number, identifiers: Set<string>): { text: string; end: number } {
  let text = '';
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (src.startsWith('}}', i)) return { text: `${text}}}`, end: i + 2 };
    let end = i + 1;
    if (c === '"' || c === '`' || c === "'") end = quotedEnd(src, i);
    else if (c === '$' || startsField(src, i)) {
      // A variable or `.`, then the chain of field accesses on it.
      let receiver = '.';
      if (c === '$') {
        end = identEnd(src, i + 1);
        receiver = src.slice(i, end);
      } else end = i;
      while (startsField(src, end)) {
        const next = identEnd(src, end + 1);
        receiver = lookup(receiver, src.slice(end + 1, next));
        end = next;
      }
      text += receiver;
      i = end;
      continue;
    } else if (/[0-9]/.test(c)) {
      while (end < src.length && (/[0-9A-Za-z_.]/.test(src[end]!) || (/[+-]/.test(src[end]!) && /[eEpP]/.test(src[end - 1]!)))) end++;
    } else if (IDENT_START.test(c)) {
      end = identEnd(src, i);
      identifiers.add(src.slice(i, end));
      if (startsField(src, end)) throw new Error(`field access on a function result (${src.slice(i, identEnd(src, end + 1))}) is not rewritten for missingkey=error: ${src}`);
    } else if (c === ')' && startsField(src, i + 1)) {
      throw new Error(`field access on a parenthesized pipeline is not rewritten for missingkey=error: ${src}`);
    }
    text += src.slice(i, end);
    i = end;
  }
  throw new Error(`unclosed action in template: ${src}`);
}
