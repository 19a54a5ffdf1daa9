import { describe, expect, it } from 'vitest';
import { diffTrees, formatDiff } from '../tools/diff';

const deploy = (replicas: number, image = 'nginx:1.27.0') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: demo\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: demo\n';

describe('object-level diff', () => {
  it('reports added, removed and changed objects with the changed fields', () => {
    const before = new Map([
      ['dev/web/manifests/deployment-web.yaml', deploy(1)],
      ['dev/web/manifests/service-web.yaml', service],
      ['dev/web/manifests/.argocd-source-web.yaml', 'kustomize: {}\n'],
    ]);
    const after = new Map([
      ['dev/web/manifests/deployment-web.yaml', deploy(2, 'nginx:1.27.1')],
      ['dev/web/manifests/configmap-web.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: demo\n'],
    ]);
    const diffs = diffTrees(before, after);
    expect(diffs).toEqual([
      {
        app: 'dev/web',
        added: ['ConfigMap demo/web'],
        removed: ['Service demo/web'],
        changed: [{ object: 'Deployment demo/web', fields: [
          { path: 'spec.replicas', before: 1, after: 2 },
          { path: 'spec.template.spec.containers', before: [{ name: 'web', image: 'nginx:1.27.0' }], after: [{ name: 'web', image: 'nginx:1.27.1' }] },
        ] }],
      },
    ]);
    expect(formatDiff(diffs)).toContain('  ~ Deployment demo/web\n      spec.replicas: 1 -> 2');
  });

  it('reports no changes for identical trees, whatever the bytes of bot files', () => {
    const t = new Map([['dev/web/manifests/deployment-web.yaml', deploy(1)]]);
    expect(formatDiff(diffTrees(t, new Map(t)))).toBe('no changes');
  });
});
