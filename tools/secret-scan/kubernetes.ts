/**
 * Structured rules for Kubernetes objects and config (YAML / JSON): Secret data (k8s-secret-data),
 * credential env vars / name-value parameters with a literal value (env-literal-credential),
 * credential config keys with a literal value (config-literal-credential).
 */
import { isCredentialName, isReferenceValue } from './names';
import { redact } from './rules';
import { embeddedDocument, isObject, type Path, type Walk } from './walk';

/** Names of Secrets an object refers to (volume secretName, secretKeyRef/secretRef names). */
function referencedSecretNames(root: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'secretName' && typeof x === 'string') names.add(x);
        if ((k === 'secretKeyRef' || k === 'secretRef' || k === 'secret') && isObject(x) && typeof x.name === 'string') names.add(x.name);
        visit(x);
      }
    }
  };
  visit(root);
  return names;
}

/**
 * Walks the YAML/JSON documents embedded in a string value (a ConfigMap file, JCasC, Helm values),
 * reporting at the line of the value; false when it holds none or the nesting is too deep.
 */
export function walkEmbedded(value: string, w: Walk, path: Path): boolean {
  if (w.depth > 3) return false;
  const docs = embeddedDocument(value);
  if (!docs) return false;
  const line = w.lineOf(path);
  for (const d of docs) walkDocument(d, { ...w, lineOf: () => line, depth: w.depth + 1 });
  return true;
}

/** Kubernetes Secret data, credential env vars, credential config keys — in one object tree. */
export function walkDocument(root: unknown, w: Walk): void {
  if (isObject(root) && root.kind === 'CustomResourceDefinition') return; // schemas, not values
  const secretNames = referencedSecretNames(root);

  const visit = (v: unknown, path: Path): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, [...path, i]));
      return;
    }
    if (!isObject(v)) return;

    if (v.kind === 'Secret' && (v.apiVersion === undefined || v.apiVersion === 'v1')) {
      const name = isObject(v.metadata) && typeof v.metadata.name === 'string' ? v.metadata.name : '?';
      for (const field of ['data', 'stringData'] as const) {
        const data = v[field];
        if (!isObject(data)) continue;
        for (const [key, value] of Object.entries(data)) {
          const text = typeof value === 'string' ? value : JSON.stringify(value);
          if (value === null || value === undefined || text === '') continue;
          w.out.push({
            file: w.file,
            line: w.lineOf([...path, field, key]),
            rule: 'k8s-secret-data',
            excerpt: `Secret ${name} ${field}.${key}: ${redact(text)}`,
          });
        }
      }
    }

    // env var / name-value parameter: { name: DB_PASSWORD, value: literal }
    if (typeof v.name === 'string' && (typeof v.value === 'string' || typeof v.value === 'number')) {
      const value = String(v.value);
      if (isCredentialName(v.name) && !isReferenceValue(value) && !secretNames.has(value)) {
        w.out.push({
          file: w.file,
          line: w.lineOf([...path, 'value']),
          rule: 'env-literal-credential',
          excerpt: `${v.name}=${redact(value)}`,
        });
      }
    }

    const isSecret = v.kind === 'Secret';
    for (const [key, x] of Object.entries(v)) {
      if (isSecret && (key === 'data' || key === 'stringData')) continue;
      const p = [...path, key];
      if (typeof x === 'string') {
        if (walkEmbedded(x, w, p)) continue;
        if (key !== 'value' && isCredentialName(key) && !isReferenceValue(x)) {
          w.out.push({ file: w.file, line: w.lineOf(p), rule: 'config-literal-credential', excerpt: `${key}: ${redact(x)}` });
        }
      } else visit(x, p);
    }
  };
  visit(root, []);
}
