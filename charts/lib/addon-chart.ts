import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { contract, type AppName } from '../../config/contract';
import { BUILTIN_NAMESPACES } from '../../config/cluster-baseline';
import type { PodSecurityLevel } from '../../config/pod-security';
import type { EnvironmentConfig, NodePoolName } from '../../config/types';
import type { FleetContext } from '../../config/fleet';
import { checkWaivers, type PolicyWaiver } from './policy-waiver';

const ADDON_CHART = Symbol.for('gitops.AddonChart');

/** Props for {@link AddonChart}. */
export interface AddonChartProps {
  /** The validated environment this chart renders for. */
  readonly env: EnvironmentConfig;
  /** The app (one folder in dist/<env>/, one Argo CD Application). */
  readonly app: AppName;
  /**
   * Argo CD sync options beyond the defaults (`CreateNamespace=true`), e.g. `ServerSideApply=true`
   * for apps whose CRDs exceed the client-side apply annotation limit.
   * @default []
   */
  readonly syncOptions?: readonly string[];
  /**
   * Fields Argo CD must not diff because a controller or hook owns them at run time.
   * @default []
   */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /**
   * Objects something in the cluster creates at run time (a hook Job, an operator) that this app's
   * pods or Ingresses reference although no rendered object provides them.
   * @default []
   */
  readonly runtimeObjects?: readonly RuntimeObject[];
  /**
   * What this app's pods need at run time that no field of theirs names: a Secret a program reads
   * through the API, a Service it calls. The convergence model places the provider before them.
   * @default []
   */
  readonly runtimeNeeds?: readonly RuntimeNeed[];
  /**
   * Services of other apps that this app's pods call but do not need to converge (a webhook they
   * post to, a system they manage): the traffic graph must allow them (config/traffic.ts).
   * @default []
   */
  readonly calls?: readonly ServiceCall[];
  /**
   * Images this app pushes at run time (a build pipeline), so an app that runs them can depend on it.
   * @default []
   */
  readonly publishes?: readonly PublishedImage[];
  /**
   * How Argo CD reads the manifests folder. `kustomize` adds a generated `kustomization.yaml`
   * listing every manifest, so the Image Updater can pin image tags through its
   * `.argocd-source-<app>.yaml` override (`kustomize.images`) without editing rendered files.
   * @default 'directory'
   */
  readonly sourceType?: 'directory' | 'kustomize';
  /**
   * Argo CD Image Updater settings rendered as annotations on this app's Application by the
   * generated ApplicationSet (see synth/applicationset.ts). @default none (not updated)
   */
  readonly imageUpdater?: ImageUpdaterParams;
  /**
   * The Pod Security Standard the app's namespace enforces, weaker than "restricted" only with the
   * reason an upstream workload needs it. Apps sharing a namespace must agree.
   * @default restricted
   */
  readonly podSecurity?: { readonly level: 'baseline' | 'privileged'; readonly reason: string };
  /**
   * Accepted findings of synth's policy checks on this app's objects, each with its reason.
   * @default [] (every finding fails synth)
   */
  readonly policyWaivers?: readonly PolicyWaiver[];
}

/** Annotations the ApplicationSet sets itself (write-back to the environment's branch). */
const GENERATED_IU_ANNOTATIONS = ['image-list', 'write-back-method', 'git-branch', 'write-back-target'];

/** Checks what the Image Updater (and the generator's Go templates) would only reject at run time. */
function checkImageUpdater(where: string, iu: ImageUpdaterParams): ImageUpdaterParams {
  if (!/^[a-z0-9][-a-z0-9_]*=[^,=\s]+(,[a-z0-9][-a-z0-9_]*=[^,=\s]+)*$/.test(iu.imageList)) {
    throw new Error(`${where}: imageUpdater.imageList must be "<alias>=<image>[,…]", got ${JSON.stringify(iu.imageList)}`);
  }
  if (iu.writeBackTarget === '') throw new Error(`${where}: imageUpdater.writeBackTarget must not be empty`);
  for (const k of Object.keys(iu.annotations)) {
    if (!/^[a-z0-9][-a-z0-9_.]*$/.test(k) || GENERATED_IU_ANNOTATIONS.includes(k)) {
      throw new Error(`${where}: imageUpdater.annotations key "${k}" is invalid or set by the generator`);
    }
  }
  return iu;
}

/** What the Image Updater tracks for an app. */
export interface ImageUpdaterParams {
  /** `<alias>=<image>[,…]`, e.g. `django=123456789012.dkr.ecr.us-east-1.amazonaws.com/django-todo`. */
  readonly imageList: string;
  /** Per-image annotations without the `argocd-image-updater.argoproj.io/` prefix. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Where the updater writes; @default its `.argocd-source-<app>.yaml` next to the manifests */
  readonly writeBackTarget?: string;
}

/** One object of an app by kind and name (in the app's namespace unless it is cluster-scoped). */
export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
}

/** An object created in the cluster at run time, with who creates it. */
export type RuntimeObject = (
  | { readonly kind: 'Secret' | 'ConfigMap'; readonly name: string }
  /** A Service (e.g. one an operator creates for its custom resource), with its port numbers and names. */
  | { readonly kind: 'Service'; readonly name: string; readonly ports: readonly (number | string)[] }
) & {
  /** Who creates it, in words. */
  readonly createdBy: string;
  /** The rendered object that creates it (a hook Job, a custom resource), which places it in the sync. */
  readonly source: ObjectRef;
};

/** A run-time need no field shows (see {@link AddonChartProps.runtimeNeeds}). */
export interface RuntimeNeed {
  /** The object (usually a workload) that needs it. */
  readonly by: ObjectRef;
  /** What it needs, in the app's namespace unless `namespace` is given; for a Service, the port it calls. */
  readonly needs: { readonly kind: string; readonly name: string; readonly namespace?: string; readonly port?: number };
  /** Why, in the upstream program's terms. */
  readonly reason: string;
  /** What happens while it is missing, and how the consumer recovers once it exists. */
  readonly whileMissing: string;
}

/** A call to another app's Service (see {@link AddonChartProps.calls}). */
export interface ServiceCall {
  readonly service: { readonly name: string; readonly namespace: string; readonly port: number };
  readonly why: string;
}

/** Images an app pushes at run time (see {@link AddonChartProps.publishes}). */
export interface PublishedImage {
  /** The object that pushes them (e.g. the Jenkins controller whose agents build). */
  readonly by: ObjectRef;
  /** Image name without tag, e.g. `<registry>/django-todo`. */
  readonly image: string;
  /** Fixed tags it pushes, e.g. the bootstrap tag. @default none */
  readonly tags?: readonly string[];
  /** Pattern (RegExp source, anchored) of the generated tags it pushes, e.g. a commit SHA. @default none */
  readonly tagPattern?: string;
  /** When, in words, e.g. "the first build of build-django". */
  readonly when: string;
}

/** A namespace's enforced Pod Security level and, when weaker than restricted, why. */
export interface NamespacePodSecurity {
  readonly namespace: string;
  readonly level: PodSecurityLevel;
  readonly reason?: string;
}

/** One Argo CD `ignoreDifferences` entry. */
export interface IgnoreDifference {
  readonly group?: string;
  readonly kind: string;
  readonly name?: string;
  readonly jqPathExpressions: readonly string[];
}

/** What every addon class exposes statically, so the sync graph is known without building charts. */
export interface AddonClass {
  /** The app this addon renders. */
  readonly app: AppName;
  /** Apps that must be synced (and healthy) before this one. */
  readonly dependsOn: readonly AppName[];
  /** `fleet`: the spokes the environment manages (config/fleet.ts), for the charts that need them. */
  new (scope: Construct, env: EnvironmentConfig, fleet?: FleetContext): AddonChart;
}

/**
 * One app of one environment: a cdk8s Chart whose namespace, name and sync options come from the
 * contract and the environment. Addon charts extend it and compose lib constructs.
 */
export class AddonChart extends Chart {
  protected readonly [ADDON_CHART] = true;
  readonly env: EnvironmentConfig;
  readonly app: AppName;
  /** The app's namespace, from the contract. */
  override readonly namespace: string;
  readonly syncOptions: readonly string[];
  readonly ignoreDifferences: readonly IgnoreDifference[];
  readonly runtimeObjects: readonly RuntimeObject[];
  readonly runtimeNeeds: readonly RuntimeNeed[];
  readonly publishes: readonly PublishedImage[];
  readonly calls: readonly ServiceCall[];
  readonly sourceType: 'directory' | 'kustomize';
  readonly imageUpdater?: ImageUpdaterParams;
  readonly policyWaivers: readonly PolicyWaiver[];
  /** The namespace's Pod Security level and, when weaker than restricted, why. */
  readonly podSecurity: { readonly level: PodSecurityLevel; readonly reason?: string };
  /** Every namespace the app labels for Pod Security: its own (unless built in) and those it renders. */
  readonly podSecurityNamespaces: NamespacePodSecurity[] = [];

  constructor(scope: Construct, props: AddonChartProps) {
    const namespace = contract[props.app].namespace;
    super(scope, props.app, { namespace, disableResourceNameHashes: true });
    this.env = props.env;
    this.app = props.app;
    this.namespace = namespace;
    this.syncOptions = ['CreateNamespace=true', ...(props.syncOptions ?? [])];
    this.ignoreDifferences = props.ignoreDifferences ?? [];
    this.runtimeObjects = props.runtimeObjects ?? [];
    this.runtimeNeeds = props.runtimeNeeds ?? [];
    this.publishes = props.publishes ?? [];
    this.calls = props.calls ?? [];
    this.sourceType = props.sourceType ?? 'directory';
    this.policyWaivers = checkWaivers(`${props.env.name}/${props.app}`, props.policyWaivers ?? []);
    if (props.podSecurity && props.podSecurity.reason.trim().length < 20) {
      throw new Error(`${props.env.name}/${props.app}: podSecurity ${props.podSecurity.level} needs a reason that explains it (at least 20 characters)`);
    }
    this.podSecurity = props.podSecurity ?? { level: 'restricted' };
    if (!BUILTIN_NAMESPACES.includes(namespace)) this.podSecurityNamespaces.push({ namespace, ...this.podSecurity });
    if (props.imageUpdater) this.imageUpdater = checkImageUpdater(`${props.env.name}/${props.app}`, props.imageUpdater);
  }

  /** `<env>/<app>`, the prefix of every error about this chart. */
  get where(): string {
    return `${this.env.name}/${this.app}`;
  }

  /** Node selector of one of the environment's pools. */
  nodeSelector(pool: NodePoolName): Record<string, string> {
    return { ...this.env.nodePools[pool].labels };
  }

  static isAddonChart(x: unknown): x is AddonChart {
    return x !== null && typeof x === 'object' && ADDON_CHART in x;
  }

  /** Finds the AddonChart a construct belongs to; throws when there is none. */
  static of(construct: Construct): AddonChart {
    let node: Construct | undefined = construct;
    while (node) {
      if (AddonChart.isAddonChart(node)) return node;
      node = node.node.scope;
    }
    throw new Error(`${construct.node.path}: construct is not inside an AddonChart`);
  }
}
