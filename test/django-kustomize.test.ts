import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../config/paths';
import { tempDir } from './helpers';

const kubectl = '/usr/bin/kubectl';
const sha = '0123456789abcdef0123456789abcdef01234567';

/**
 * What Argo CD's repo-server does with a kustomize source and an `.argocd-source-<app>.yaml`
 * override: `kustomize edit set image` for each override image (which writes `images:` into the
 * kustomization), then `kustomize build`.
 */
function buildWithOverride(dir: string): { kind: string; spec?: unknown }[] {
  const override = parse(readFileSync(join(dir, '.argocd-source-django.yaml'), 'utf8')) as { kustomize: { images: string[] } };
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  k.images = override.kustomize.images.map((ref) => {
    const at = ref.lastIndexOf(':');
    return { name: ref.slice(0, at), newTag: ref.slice(at + 1) };
  });
  writeFileSync(join(dir, 'kustomization.yaml'), stringify(k));
  return parseAllDocuments(execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS());
}

describe.skipIf(!existsSync(kubectl))('django app folder as a Kustomize source', () => {
  for (const env of ['dev', 'prod']) {
    it(`${env}: builds with kubectl kustomize and honours the Image Updater override`, () => {
      const src = join(repoRoot, 'dist', env, 'django', 'manifests');
      const plain = parseAllDocuments(execFileSync(kubectl, ['kustomize', src], { encoding: 'utf8' })).map((d) => d.toJS());
      const deployment = plain.find((o) => o.kind === 'Deployment');
      const image: string = deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === 'django').image;
      expect(image).toMatch(/\.dkr\.ecr\.us-east-1\.amazonaws\.com\/django-todo:bootstrap$/);

      const dir = tempDir();
      cpSync(src, dir, { recursive: true });
      const name = image.slice(0, image.lastIndexOf(':'));
      writeFileSync(join(dir, '.argocd-source-django.yaml'), stringify({ kustomize: { images: [`${name}:${sha}`] } }));
      const built = buildWithOverride(dir);
      const images = built.flatMap((o) => {
        const pod = (o.kind === 'Job' ? (o as any).spec.template.spec : o.kind === 'Deployment' ? (o as any).spec.template.spec : undefined);
        return pod ? [...pod.containers, ...(pod.initContainers ?? [])].map((c: { image: string }) => c.image) : [];
      }).filter((i: string) => i.startsWith(name));
      expect(images.length).toBeGreaterThanOrEqual(3);
      for (const i of images) expect(i).toBe(`${name}:${sha}`);
    });
  }
});
