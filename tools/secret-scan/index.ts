/**
 * Secret scan: the independent backstop behind synth's own "no Secret with data" check. It looks
 * at (path, content) pairs — the repository's files, the committed dist/, the CDKTF output — and
 * reports anything that looks like a secret value. Only references are allowed: ExternalSecrets
 * (SSM parameter paths), `valueFrom.secretKeyRef`, `existingSecret: <name>`, Terraform `${...}`.
 *
 * Findings never carry the secret itself: the excerpt shows at most its first 4 characters.
 * A finding that is not a secret is allowlisted in {@link SECRET_SCAN_ALLOWLIST} with a reason;
 * an allowlist entry that no longer matches anything is reported too.
 *
 * Plain modules: no project imports outside this folder but the check memo (tools/check-memo.ts,
 * where the repository scan keeps each file's findings); the repository root is a parameter.
 *
 * - `rules.ts`: the rules, finding / allowlist / result types, redaction
 * - `allowlist.ts`: {@link SECRET_SCAN_ALLOWLIST}
 * - `names.ts`: credential-name and reference-value heuristics
 * - `tokens.ts`: secretlint's recommended preset (token and key shapes)
 * - `text-patterns.ts`: regular expressions over raw text for what the preset does not cover
 * - `source.ts`: source-literal-credential (assignments in code, scripts, docs)
 * - `walk.ts`, `kubernetes.ts`, `terraform.ts`, `yaml-json.ts`: rules over YAML / JSON objects
 * - `scan.ts`: one file's findings, the allowlist, the findings table
 * - `files.ts`: reading files from disk, the repository and CDKTF output scans
 * - `memo.ts`: the repository scan's findings of unchanged files, kept between scans
 */
export { SECRET_SCAN_ALLOWLIST } from './allowlist';
export { listFiles, readScanInputs, scanInfraOutput, scanRepo } from './files';
export { isCredentialName } from './names';
export {
  redact,
  secretRules,
  type AllowlistEntry,
  type OwnRule,
  type TokenRule,
  type ScanInput,
  type ScanResult,
  type SecretFinding,
  type SecretRule,
} from './rules';
export { FindingsMemo, scannerIdentity } from './memo';
export { formatFindings, scanContent, scanFiles, type ScanOptions } from './scan';
export { TOKEN_RULES } from './tokens';
