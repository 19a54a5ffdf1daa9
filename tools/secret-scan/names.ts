/**
 * Name and value heuristics shared by the rules: whether a key / variable name holds a credential,
 * and whether a value is a reference to a secret instead of the secret itself.
 */

/** Words of an identifier: camelCase, snake_case, kebab-case, dotted, lower-cased. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Words that make a name a credential (the value is the secret). */
export const CREDENTIAL_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
  'secretkey',
]);

/**
 * A last word that makes the name describe *something about* a credential, not hold it:
 * `secretName`, `passwordKey`, `tokenSecretRef`, `PASSWORD_FILE`, `argocdServerAdminPasswordMtime`.
 */
const NON_SECRET_SUFFIXES = new Set([
  'name', 'names', 'ref', 'refs', 'keys', 'file', 'files', 'path', 'paths', 'dir', 'url', 'uri', 'arn',
  'id', 'ids', 'type', 'kind', 'length', 'len', 'size', 'ttl', 'expiry', 'expiration', 'expires', 'timeout',
  'seconds', 'secs', 'enabled', 'enable', 'disabled', 'required', 'mode', 'header', 'namespace', 'source',
  'version', 'policy', 'format', 'count', 'prefix', 'suffix', 'endpoint', 'host', 'port', 'user', 'username',
  'mtime', 'checksum', 'field', 'env', 'template', 'selector', 'label', 'annotation', 'audience', 'issuer',
  'scope', 'scopes', 'location', 'provider', 'store', 'volume', 'mount', 'generator', 'rotation', 'reset',
  'fallbacks', 'optional', 'min', 'max', 'regex', 'pattern', 'hint', 'help', 'description',
]);

/** Before a final `secret`, these make the name the *name of a Secret* (`existingSecret`, `adminPasswordSecret`). */
const SECRET_OBJECT_QUALIFIERS = new Set(['existing', 'use', 'create', 'tls', 'cert', 'certificate', 'ssl', 'ca']);

/**
 * Whether a key / variable name holds a credential value.
 *
 * - SCREAMING_CASE names (env vars, constants): a credential word anywhere (`DB_PASSWORD`,
 *   `GF_SECURITY_ADMIN_PASSWORD`, `SECRET_KEY`, `API_KEY`, `PRIVATE_KEY`, `AWS_SECRET_ACCESS_KEY`),
 *   unless the last word says it is a reference (`SECRET_NAME`, `TOKEN_FILE`, `PASSWORD_KEY`).
 * - other names (config keys): the name must *end* in the credential (`password`, `adminPassword`,
 *   `apiToken`, `clientSecret`, `apiKey`, `privateKey`); `existingSecret`, `adminPasswordSecret`,
 *   `passwordKey`, `secretKey`, `tokenSecretRef`, `secretName` are references.
 */
export function isCredentialName(name: string): boolean {
  // Annotation and label keys (`checksum/secret`: a hash of rendered content), and map keys that are
  // API paths (`external-secrets.io/v1beta1/ExternalSecret`), are not config fields.
  if (name.includes('/')) return false;
  const words = identifierWords(name);
  const last = words.at(-1);
  if (last === undefined) return false;
  const prev = words.at(-2);
  const screaming = /^[A-Z][A-Z0-9_]*$/.test(name);
  if (last === 'key') {
    // apiKey, privateKey; SECRET_KEY, AWS_SECRET_ACCESS_KEY — not passwordKey/secretKey (a key name)
    return prev === 'api' || prev === 'private' || (screaming && words.includes('secret'));
  }
  if (NON_SECRET_SUFFIXES.has(last)) return false;
  if (last === 'secret' && words.length > 1) {
    const before = words.slice(0, -1);
    if (before.some((w) => SECRET_OBJECT_QUALIFIERS.has(w) || CREDENTIAL_WORDS.has(w))) return false;
    return true;
  }
  if (CREDENTIAL_WORDS.has(last)) return true;
  if (screaming) return words.some((w) => CREDENTIAL_WORDS.has(w));
  return false;
}

/**
 * A value that refers to a secret instead of being one: empty, an interpolation or template
 * (`${x}`, `$(X)`, `$X`, `{{ .Values.x }}`, `%{…}`, `#{…}`), a placeholder (`<password>`, `****`),
 * a file path (`/run/secrets/x`) or a reference scheme (`ext:`, `file:`, `env:`, `ssm:`, `vault:`, `arn:`).
 */
export function isReferenceValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/\$[{(A-Za-z_]|\{\{|%\{|#\{/.test(v)) return true;
  if (/^<[^<>]+>$/.test(v)) return true;
  if (/^(.)\1*$/.test(v) && /^[*xX.•…_-]/.test(v)) return true;
  if (/^(?:\/|\.\/|~\/)[\w.@/+-]*$/.test(v)) return true;
  if (/^(?:ext|file|env|ssm|vault|arn|secretsmanager|k8s|secret):/i.test(v)) return true;
  return false;
}

/** A Terraform expression (`${…}`, not the `$${` escape) is a reference; anything else is literal. */
export function isTerraformReference(value: string): boolean {
  return /(^|[^$])\$\{/.test(value);
}
