/**
 * Structured rules for Terraform JSON (cdk.tf.json): literal SSM parameters (tf-ssm-literal-secret),
 * credential attributes, sensitive variable defaults and outputs (tf-literal-credential); YAML
 * documents inside string values (helm_release values) go through the Kubernetes / config rules.
 */
import { walkEmbedded } from './kubernetes';
import { isCredentialName, isTerraformReference } from './names';
import { redact, type SecretRule } from './rules';
import { isObject, type Path, type Walk } from './walk';

/** Terraform attributes that hold a credential, besides the names {@link isCredentialName} recognises. */
const TF_EXTRA_CREDENTIAL_ATTRIBUTES = new Set(['secret_key', 'access_key', 'secret_string', 'master_password', 'secret_binary']);

export function walkTerraform(root: unknown, w: Walk): void {
  if (!isObject(root)) return;
  const literal = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && !isTerraformReference(v);
  const push = (path: Path, rule: SecretRule, excerpt: string) => w.out.push({ file: w.file, line: w.lineOf(path), rule, excerpt });

  const ssm = (isObject(root.resource) && root.resource.aws_ssm_parameter) || {};
  if (isObject(ssm)) {
    for (const [id, p] of Object.entries(ssm)) {
      if (!isObject(p)) continue;
      const paramName = typeof p.name === 'string' ? p.name : id;
      const lastSegment = paramName.split('/').filter(Boolean).at(-1) ?? paramName;
      for (const attr of ['value', 'insecure_value'] as const) {
        const v = p[attr];
        if (!literal(v)) continue;
        if (p.type === 'SecureString' || isCredentialName(lastSegment)) {
          push(['resource', 'aws_ssm_parameter', id, attr], 'tf-ssm-literal-secret', `aws_ssm_parameter.${id} ${paramName}: ${redact(v)}`);
        }
      }
    }
  }
  const sensitiveLiteral = (block: 'variable' | 'output', attr: 'default' | 'value') => {
    const all = root[block];
    if (!isObject(all)) return;
    for (const [id, b] of Object.entries(all)) {
      if (isObject(b) && b.sensitive === true && literal(b[attr])) {
        push([block, id, attr], 'tf-literal-credential', `${block}.${id}.${attr}: ${redact(b[attr])}`);
      }
    }
  };
  sensitiveLiteral('variable', 'default');
  sensitiveLiteral('output', 'value');

  const visit = (v: unknown, path: Path): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, [...path, i]));
    if (!isObject(v)) return;
    for (const [key, x] of Object.entries(v)) {
      if (key === '//') continue; // cdktf metadata
      const p = [...path, key];
      if (typeof x === 'string') {
        if (x.includes('\n') && walkEmbedded(x, w, p)) continue;
        if (path[0] === 'resource' && path[1] === 'aws_ssm_parameter') continue; // handled above
        if ((isCredentialName(key) || TF_EXTRA_CREDENTIAL_ATTRIBUTES.has(key)) && literal(x)) {
          push(p, 'tf-literal-credential', `${path.slice(0, 3).join('.')}.${key}: ${redact(x)}`);
        }
      } else if (Array.isArray(x) && key === 'values') {
        // helm_release values: strings that are YAML documents
        x.forEach((s, i) => {
          if (typeof s !== 'string') return visit(s, [...p, i]);
          walkEmbedded(s.includes('\n') ? s : `${s}\n`, w, [...p, i]);
        });
      } else visit(x, p);
    }
  };
  for (const block of ['resource', 'data', 'provider', 'module', 'locals', 'terraform'] as const) {
    if (root[block] !== undefined) visit(root[block], [block]);
  }
}
