/**
 * Secret scan vocabulary: the rules, what a finding / allowlist entry / scan result looks like, and
 * the helpers every rule uses to report a finding (redaction, line numbers).
 */

/**
 * Our rules: the shapes secretlint's preset (tokens.ts) has no rule for, and the structural rules no
 * kept tool has (Secret data, credential-named env vars and config keys, Terraform literals).
 */
const SECRET_SCAN_RULES = {
  'private-key': 'PEM private key block of a kind secretlint does not check (ENCRYPTED PKCS#8, or key material it cannot validate)',
  jwt: 'JSON Web Token (eyJ….eyJ….)',
  'bearer-token': 'literal bearer token (Bearer <20+ characters>)',
  'url-credentials': 'password embedded in a URL (scheme://user:<password>@host) that secretlint does not report',
  'k8s-secret-data': 'Kubernetes Secret with data/stringData (secrets come from SSM through ExternalSecrets)',
  'env-literal-credential': 'credential-named env var / name-value parameter with a literal value instead of valueFrom',
  'config-literal-credential': 'config key named like a password/token/secret with a literal string value',
  'source-literal-credential': 'credential-named variable assigned a quoted literal in source or docs',
  'tf-ssm-literal-secret': 'Terraform aws_ssm_parameter holding a literal secret (SecureString or credential name)',
  'tf-literal-credential': 'Terraform credential attribute, sensitive variable default or sensitive output with a literal value',
} as const;

/** One of our rules. */
export type OwnRule = keyof typeof SECRET_SCAN_RULES;
export const secretRules = Object.keys(SECRET_SCAN_RULES) as OwnRule[];
/** A rule of secretlint's preset: `secretlint/<rule>` (e.g. `secretlint/github`). */
export type TokenRule = `secretlint/${string}`;
export type SecretRule = OwnRule | TokenRule;

export interface SecretFinding {
  /** Path as given to the scanner (repository-relative for the repo scan). */
  readonly file: string;
  /** 1-based line (for values inside embedded documents: the line of the enclosing value). */
  readonly line: number;
  readonly rule: SecretRule;
  /** Redacted: never the secret, at most its first 4 characters. */
  readonly excerpt: string;
}

export interface AllowlistEntry {
  /** Exact path, as in {@link SecretFinding.file}. */
  readonly file: string;
  readonly rule: SecretRule;
  /** Why this is not a secret (reviewed like code). */
  readonly reason: string;
}

export interface ScanInput {
  readonly path: string;
  readonly content: string;
}

export interface ScanResult {
  /** Findings not covered by the allowlist: the scan fails when there are any. */
  readonly findings: SecretFinding[];
  /** Findings covered by an allowlist entry. */
  readonly allowed: { finding: SecretFinding; entry: AllowlistEntry }[];
  /** Allowlist entries that matched nothing (stale: remove them). */
  readonly unusedAllowlist: AllowlistEntry[];
  /** Paths whose content was scanned. */
  readonly scanned: string[];
  /** Paths not scanned, with the reason (binary, too large, missing). */
  readonly skipped: { path: string; reason: string }[];
  /** Of the scanned paths, how many had their findings from the memo (tools/secret-scan/memo.ts), not the rules. */
  readonly reused: number;
}

/** At most the first 4 characters (fewer for short values), then `…` and the length. */
export function redact(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 4));
  return `${secret.slice(0, shown)}…(${secret.length} chars)`;
}

/** 1-based line of a character index. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
