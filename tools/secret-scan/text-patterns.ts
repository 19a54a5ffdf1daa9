/**
 * Text rules: regular expressions over every file's raw text, whatever its format, for what
 * secretlint's preset (tokens.ts) has no rule for: JWTs, bearer tokens, any URL password, and any
 * PEM private key header (secretlint reports only keys whose material it can validate). Where
 * secretlint reports the same line, its finding is kept and ours dropped (scan.ts).
 */
import { isReferenceValue } from './names';
import { lineAt, redact, type OwnRule, type SecretFinding } from './rules';

interface TextRule {
  readonly rule: OwnRule;
  readonly pattern: RegExp;
  /** The secret part of a match (redacted in the excerpt); default the whole match. */
  readonly secret?: (m: RegExpExecArray) => string;
  /** Excerpt for the match; default `redact(secret)`. */
  readonly excerpt?: (m: RegExpExecArray) => string;
  readonly accept?: (m: RegExpExecArray) => boolean;
}

const TEXT_RULES: readonly TextRule[] = [
  {
    rule: 'private-key',
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g,
    // The header is a format marker, not key material: name the kind only.
    excerpt: (m) => `BEGIN ${m[1] ?? ''}PRIVATE KEY${m[2] ?? ''} block`,
  },
  {
    rule: 'jwt',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  },
  {
    rule: 'bearer-token',
    pattern: /\bBearer\s+([A-Za-z0-9._~+/-]{20,}=*)/g,
    secret: (m) => m[1]!,
    excerpt: (m) => `Bearer ${redact(m[1]!)}`,
    accept: (m) => /[0-9]/.test(m[1]!) && /[A-Za-z]/.test(m[1]!) && !m[1]!.startsWith('eyJ'),
  },
  {
    rule: 'url-credentials',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/([^\s/:@"'`<>{}$]+):([^\s/@"'`<>]+)@[A-Za-z0-9.-]+/g,
    secret: (m) => m[2]!,
    excerpt: (m) => `${m[1]}:${redact(m[2]!)}@…`,
    accept: (m) => !isReferenceValue(m[2]!),
  },
];

/** Every text-rule match in a file. */
export function scanText(file: string, content: string, out: SecretFinding[]): void {
  for (const r of TEXT_RULES) {
    r.pattern.lastIndex = 0;
    for (let m = r.pattern.exec(content); m !== null; m = r.pattern.exec(content)) {
      if (r.accept && !r.accept(m)) continue;
      const excerpt = r.excerpt ? r.excerpt(m) : redact(r.secret ? r.secret(m) : m[0]);
      out.push({ file, line: lineAt(content, m.index), rule: r.rule, excerpt });
    }
  }
}
