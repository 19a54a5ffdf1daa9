/**
 * Just enough of a Jenkinsfile reader for tests (no Jenkins runs here): the declarative stages in
 * order with their bodies, and the shell scripts of their `sh` steps as Groovy would hand them to
 * the shell.
 *
 * Braces are counted outside string literals and comments. Slashy strings (regular expressions
 * such as `/[0-9a-f]{40}/`) are not tracked: braces inside them must balance, as they do in ours.
 */

export interface Stage {
  readonly name: string;
  /** The text between the stage's braces. */
  readonly body: string;
}

/** Index just past the brace that closes the one at `open`. */
export function closingBrace(text: string, open: number): number {
  if (text[open] !== '{') throw new Error(`no "{" at ${open}`);
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const rest = text.slice(i, i + 3);
    if (rest === "'''" || rest === '"""') {
      const end = text.indexOf(rest, i + 3);
      if (end < 0) throw new Error(`unterminated ${rest} at ${i}`);
      i = end + 3;
      continue;
    }
    const c = text[i]!;
    if (c === "'" || c === '"') {
      i += 1;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i += 1;
      continue;
    }
    if (text.startsWith('//', i)) {
      i = text.indexOf('\n', i);
      if (i < 0) return text.length;
      continue;
    }
    if (text.startsWith('/*', i)) {
      i = text.indexOf('*/', i) + 2;
      continue;
    }
    if (c === '{') depth += 1;
    if (c === '}') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  throw new Error(`unbalanced "{" at ${open}`);
}

/** The top-level stages of `pipeline { stages { ... } }`, in order. */
export function stages(jenkinsfile: string): Stage[] {
  const start = /^\s*stages\s*\{/m.exec(jenkinsfile);
  if (!start) throw new Error('no stages block');
  const open = jenkinsfile.indexOf('{', start.index);
  const block = jenkinsfile.slice(open + 1, closingBrace(jenkinsfile, open) - 1);
  const out: Stage[] = [];
  const re = /stage\('([^']+)'\)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(block))) {
    const braceAt = m.index + m[0].length - 1;
    const end = closingBrace(block, braceAt);
    out.push({ name: m[1]!, body: block.slice(braceAt + 1, end - 1) });
    re.lastIndex = end;
  }
  return out;
}

/** The block `name { ... }` directly inside a stage body (e.g. `when`), or undefined. */
export function block(body: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*\\{`).exec(body);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  return body.slice(open + 1, closingBrace(body, open) - 1);
}

/**
 * The shell scripts of the stage's `sh '''...'''` steps (and `script: '''...'''`), after Groovy's
 * escapes in triple-single-quoted strings: backslash-newline joins lines, `\\` is one backslash.
 */
export function shellScripts(body: string): string[] {
  return [...body.matchAll(/'''([\s\S]*?)'''/g)].map((m) =>
    m[1]!.replace(/\\(\n|\\|\$|'|n)/g, (_, ch: string) => ({ '\n': '', '\\': '\\', $: '$', "'": "'", n: '\n' })[ch]!),
  );
}
