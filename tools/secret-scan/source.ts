/**
 * source-literal-credential: credential-named variables assigned a literal in source code, scripts,
 * docs — and in YAML / JSON files that do not parse.
 */
import { CREDENTIAL_WORDS, identifierWords, isCredentialName, isReferenceValue } from './names';
import { lineAt, redact, type SecretFinding } from './rules';

/**
 * `NAME = "literal"`, `name: 'literal'`, `"NAME": "literal"`, `export NAME="literal"` in source code,
 * scripts and docs; unquoted `NAME=literal` for SCREAMING_CASE names (shell, Dockerfile, .env).
 * Values shorter than 8 characters or with whitespace are not secrets (test dummies, messages).
 */
const QUOTED_ASSIGNMENT = /(?<![\w$.-])([A-Za-z_][\w.-]*)["']?\s*(?:=|:=|:|=>)\s*(["'`])([^"'`\n]*)\2/g;
const UNQUOTED_ASSIGNMENT = /(?:^|[\s;])(?:export\s+|ENV\s+|ARG\s+)?([A-Z_][A-Z0-9_]*)=([^\s"'`$;|&)(]+)/gm;

/**
 * In code, a literal can also be a *name*: a key name that itself names the credential
 * (`DB_PASSWORD: 'db_password'`, `password: 'git_token'` — the SSM parameter or Secret key), or the
 * name of a Secret object (`JENKINS_ADMIN_SECRET = 'jenkins-admin'`: a DNS-1123 name).
 */
function isNameLiteral(name: string, value: string): boolean {
  if (/^[A-Za-z0-9]+(?:[._/-][A-Za-z0-9]+)*$/.test(value) && identifierWords(value).some((w) => CREDENTIAL_WORDS.has(w) || w === 'passwords' || w === 'secrets' || w === 'tokens')) {
    return true;
  }
  return identifierWords(name).at(-1) === 'secret' && /^[a-z0-9]+(?:-[a-z0-9]+)+$/.test(value) && value.length <= 63;
}

export function scanSourceAssignments(file: string, content: string, out: SecretFinding[]): void {
  const check = (name: string, value: string, index: number) => {
    if (value.length < 8 || /\s/.test(value) || isReferenceValue(value) || !isCredentialName(name) || isNameLiteral(name, value)) return;
    out.push({ file, line: lineAt(content, index), rule: 'source-literal-credential', excerpt: `${name} = ${redact(value)}` });
  };
  for (const m of content.matchAll(QUOTED_ASSIGNMENT)) check(m[1]!, m[3]!, m.index);
  for (const m of content.matchAll(UNQUOTED_ASSIGNMENT)) check(m[1]!, m[2]!, m.index);
}
