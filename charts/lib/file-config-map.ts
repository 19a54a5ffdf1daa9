import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { repoRoot } from '../../config/paths';
import { readTextInput } from '../../config/repo-files';
import { AddonChart } from './addon-chart';

/** `<prefix>-<first 10 hex of sha256(content)>`: a new name per content change, so pods roll. */
export function contentName(prefix: string, content: string): string {
  return `${prefix}-${createHash('sha256').update(content).digest('hex').slice(0, 10)}`;
}

/** Reads a file of the repository (path relative to its root, or absolute); a missing file names the path. */
export function readRepoFile(path: string, purpose: string): string {
  const full = isAbsolute(path) ? path : join(repoRoot, path);
  if (!existsSync(full)) throw new Error(`${full} does not exist (${purpose})`);
  return readTextInput(full);
}

/** Props for {@link FileConfigMap}. */
export interface FileConfigMapProps {
  /** Name prefix; the ConfigMap is named `<prefix>-<content hash>`. */
  readonly namePrefix: string;
  /** The file, relative to the repository root (e.g. `django-todo/Jenkinsfile`). */
  readonly file: string;
  /** What the file is for, in the error when it is missing. */
  readonly purpose: string;
  /** Data key. @default the file's base name */
  readonly key?: string;
  /** @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A ConfigMap holding one file of the repository, named after its content: workloads that
 * reference it roll when the file changes. The previous ConfigMap stays until they have: it is
 * marked `PruneLast=true`, so Argo CD prunes it only after the rest of the sync is healthy (the
 * rollout done), never while an old pod may still restart and mount it.
 */
export class FileConfigMap extends Construct {
  readonly name: string;
  readonly key: string;
  readonly content: string;

  constructor(scope: Construct, id: string, props: FileConfigMapProps) {
    super(scope, id);
    const chart = AddonChart.of(this);
    try {
      this.content = readRepoFile(props.file, props.purpose);
    } catch (e) {
      throw new Error(`${chart.where}: ConfigMap "${props.namePrefix}": ${(e as Error).message}`, { cause: e });
    }
    this.key = props.key ?? basename(props.file);
    this.name = contentName(props.namePrefix, this.content);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: this.name,
        ...(props.labels ? { labels: { ...props.labels } } : {}),
        annotations: { 'argocd.argoproj.io/sync-options': 'PruneLast=true' },
      },
      data: { [this.key]: this.content },
    });
  }
}
