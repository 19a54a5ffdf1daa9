import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../config/paths';
import { tempDir } from './helpers';
import { kubectl, kustomize } from './kustomize';

const sha = '0123456789abcdef0123456789abcdef01234567';

type Doc = { kind: string; spec?: any };
const docs = (yaml: string): Doc[] => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);
const djangoImage = (objects: Doc[]): string => objects.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers.find((c: { name: string }) => c.name === 'django').image;

/** The images of every pod (Deployment, Job) that start with `name`. */
function podImages(objects: Doc[], name: string): string[] {
  return objects
    .flatMap((o) => {
      const pod = o.kind === 'Job' || o.kind === 'Deployment' ? o.spec.template.spec : undefined;
      return pod ? [...pod.containers, ...(pod.initContainers ?? [])].map((c: { image: string }) => c.image) : [];
    })
    .filter((i: string) => i.startsWith(name));
}

/**
 * What Argo CD's repo-server does with a kustomize source and an `.argocd-source-<app>.yaml`
 * override: `kustomize edit set image` for each override image (which writes `images:` into the
 * kustomization), then `kustomize build`.
 */
function overrideImages(dir: string): void {
  const override = parse(readFileSync(join(dir, '.argocd-source-django.yaml'), 'utf8')) as { kustomize: { images: string[] } };
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  k.images = override.kustomize.images.map((ref) => {
    const at = ref.lastIndexOf(':');
    return { name: ref.slice(0, at), newTag: ref.slice(at + 1) };
  });
  writeFileSync(join(dir, 'kustomization.yaml'), stringify(k));
}

describe.skipIf(!existsSync(kubectl))('django app folder as a Kustomize source', () => {
  for (const env of ['dev', 'prod']) {
    it(`${env}: builds with kubectl kustomize and honours the Image Updater override`, async () => {
      const src = join(repoRoot, 'dist', env, 'django', 'manifests');
      const expectBootstrap = (out: string) => expect(djangoImage(docs(out))).toMatch(/\.dkr\.ecr\.us-east-1\.amazonaws\.com\/django-todo:bootstrap$/);
      const image = djangoImage(docs(await kustomize(src, expectBootstrap)));

      const dir = tempDir();
      cpSync(src, dir, { recursive: true });
      const name = image.slice(0, image.lastIndexOf(':'));
      writeFileSync(join(dir, '.argocd-source-django.yaml'), stringify({ kustomize: { images: [`${name}:${sha}`] } }));
      overrideImages(dir);
      await kustomize(dir, (out) => {
        const images = podImages(docs(out), name);
        expect(images.length).toBeGreaterThanOrEqual(3);
        for (const i of images) expect(i).toBe(`${name}:${sha}`);
      });
    });
  }
});
