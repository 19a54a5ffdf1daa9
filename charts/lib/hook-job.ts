import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { parseImageRef } from '../../config/image-ref';
import type { NodePoolName, Resources } from '../../config/types';
import { AddonChart } from './addon-chart';
import { containerResources } from './resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';

/** When Argo CD runs the hook. */
export type HookPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';

/**
 * Annotations that make an object an Argo CD hook, replaced (not accumulated) on each sync.
 * Also for the RBAC objects a hook Job needs, which must exist before it runs.
 */
export function hookAnnotations(phase: HookPhase, syncWave?: number): Record<string, string> {
  return {
    'argocd.argoproj.io/hook': phase,
    'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    ...(syncWave !== undefined ? { 'argocd.argoproj.io/sync-wave': String(syncWave) } : {}),
  };
}

/** Props for {@link HookJob}. */
export interface HookJobProps {
  /** Job name (also the container name). */
  readonly name: string;
  /** Pinned image reference (a tag other than latest, or a digest). */
  readonly image: string;
  /** Entrypoint and arguments. */
  readonly command: readonly string[];
  /** Environment variables, typically from Secrets the app's ExternalSecrets produce. @default none */
  readonly env?: readonly k8s.EnvVar[];
  /** @default 'PostSync' */
  readonly hook?: HookPhase;
  /** Sync wave inside the phase. @default none */
  readonly syncWave?: number;
  /** ServiceAccount the pod runs as; its API token is mounted only when one is given. @default none (no token) */
  readonly serviceAccountName?: string;
  /** Node pool to run on. @default 'cicd' */
  readonly nodePool?: NodePoolName;
  /** UID (and GID) the container runs as. @default 65532 */
  readonly runAsUser?: number;
  /** Retries before the hook (and so the sync) fails. @default 2 */
  readonly backoffLimit?: number;
  /** Hard time limit in seconds. @default 600 */
  readonly activeDeadlineSeconds?: number;
  /** @default requests 10m CPU / 32Mi memory, limits 100m CPU / 64Mi memory */
  readonly resources?: Resources;
}

/**
 * An Argo CD hook Job: pinned image, Pod Security "restricted", a writable /tmp only, and
 * `BeforeHookCreation` deletion so the last run stays inspectable until the next sync replaces it.
 * Its script must be idempotent: Argo CD runs it on every sync.
 */
export class HookJob extends Construct {
  constructor(scope: Construct, id: string, props: HookJobProps) {
    super(scope, id);
    const chart = AddonChart.of(this);
    const where = `${chart.where}: Job "${props.name}"`;
    try {
      parseImageRef(props.image);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
    }
    if (props.command.length === 0) throw new Error(`${where}: command is empty`);
    const r = props.resources ?? { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } };
    const annotations = hookAnnotations(props.hook ?? 'PostSync', props.syncWave);

    new k8s.KubeJob(this, 'Resource', {
      metadata: { name: props.name, annotations },
      spec: {
        backoffLimit: props.backoffLimit ?? 2,
        activeDeadlineSeconds: props.activeDeadlineSeconds ?? 600,
        template: {
          spec: {
            restartPolicy: 'Never',
            ...(props.serviceAccountName !== undefined ? { serviceAccountName: props.serviceAccountName } : {}),
            automountServiceAccountToken: props.serviceAccountName !== undefined,
            nodeSelector: chart.nodeSelector(props.nodePool ?? 'cicd'),
            securityContext: restrictedPodSecurityContext(props.runAsUser),
            containers: [
              {
                name: props.name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: [...props.command],
                ...(props.env ? { env: [...props.env] } : {}),
                securityContext: restrictedContainerSecurityContext(),
                resources: containerResources(r),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    });
  }
}
