/**
 * Text rules: regular expressions over every file's raw text (keys, tokens, webhooks, JWTs, bearer
 * tokens, URL passwords), whatever its format.
 */
import { isReferenceValue } from './names';
import { lineAt, redact, type SecretFinding, type SecretRule } from './rules';

interface TextRule {
  readonly rule: SecretRule;
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
    rule: 'aws-access-key-id',
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    rule: 'aws-secret-access-key',
    pattern: /(aws_?secret(?:_?access)?_?key|secret_?access_?key|aws_?secret)["']?\s*(?:=|:|=>)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    secret: (m) => m[2]!,
    excerpt: (m) => `${m[1]} = ${redact(m[2]!)}`,
  },
  {
    rule: 'github-token',
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,242})(?![A-Za-z0-9_])/g,
  },
  {
    rule: 'slack-token',
    pattern: /(?<![A-Za-z0-9])xox[abposr]-(?:[0-9]+-)?[A-Za-z0-9-]{10,}/g,
  },
  {
    rule: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9+/_-]{20,}/g,
    secret: (m) => m[0].slice('https://hooks.slack.com/'.length),
    excerpt: (m) => `hooks.slack.com/${redact(m[0].slice('https://hooks.slack.com/'.length))}`,
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
