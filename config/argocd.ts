/**
 * The GitOps layout: where Argo CD lives, the folders of the rendered tree it syncs, what infra's
 * bootstrap gives it before it can run on its own, and the identity the Image Updater writes back
 * with. Charts, synth (the ApplicationSet, dist/) and infra (the bootstrap stack) read these; none
 * of them spells the names again.
 */
import { contract, type AppName, type OwnParamKey } from './contract';
import type { PodSecurityLevel } from './pod-security';

/** The app that runs Argo CD (infra's bootstrap installs its chart once, then it manages itself). */
export const ARGOCD_APP = 'argocd' satisfies AppName;
/** Namespace of Argo CD and of every Application the ApplicationSet generates. */
export const ARGOCD_NAMESPACE = contract.argocd.namespace;
/** Helm release of the argo-cd chart; the chart names its objects `<release>-argocd-<component>`. */
export const ARGOCD_RELEASE = 'argo-cd';
/** The Pod Security level of the Argo CD namespace (the bootstrap creates it with these labels). */
export const ARGOCD_POD_SECURITY = 'restricted' satisfies PodSecurityLevel;
/** The generated ApplicationSet (synth/applicationset.ts). */
export const APPLICATIONSET_NAME = 'platform';

/**
 * The rendered tree, committed and synced by the ApplicationSet: one folder `dist/<env>/<app>/` per
 * environment and app. Only synth/write-dist.ts writes it.
 */
export const DIST_DIR = 'dist';

/** The files of one app folder, relative to it. */
export const appFiles = {
  /** What Argo CD applies (a directory source, or Kustomize with `kustomization.yaml`). */
  manifests: 'manifests',
  /** The app's Application parameters, read by the ApplicationSet's git files generator. */
  appJson: 'app.json',
  /** Written for apps whose `sourceType` is `kustomize`. */
  kustomization: 'manifests/kustomization.yaml',
  /** One rendered object's file. */
  manifest: (file: string): string => `manifests/${file}`,
  /** The values of an upstream chart release. */
  values: (release: string): string => `values/${release}.yaml`,
} as const;

/** A file of an app relative to {@link DIST_DIR}: `<env>/<app>/<file>`. */
export function distPath(env: string, app: string, file: string): string {
  return `${env}/${app}/${file}`;
}

/**
 * The CRDs of the upstream charts, once per chart version for every environment:
 * `dist/crds/<chart>-<version>-<content hash>/`. Each app that installs a chart references its
 * folder from its own kustomization, so the CRDs stay that app's objects (see synth/shared-crds.ts).
 * No environment may take this name.
 */
export const SHARED_CRDS_DIR = 'crds';

/** A shared CRD file relative to {@link DIST_DIR}: `crds/<folder>/<file>`. */
export function sharedCrdPath(folder: string, file: string): string {
  return `${SHARED_CRDS_DIR}/${folder}/${file}`;
}

/** How an app's kustomization (in `dist/<env>/<app>/manifests/`) names a shared CRD folder. */
export function sharedCrdRef(folder: string): string {
  return `../../../${SHARED_CRDS_DIR}/${folder}`;
}

/** The ApplicationSet's manifest in the argocd app folder; infra's bootstrap applies it once. */
export const APPLICATIONSET_FILE = appFiles.manifest(`applicationset-${APPLICATIONSET_NAME}.yaml`);

/** How Argo CD Image Updater commits new image tags to this repository. */
export const IMAGE_UPDATER_GIT = {
  /**
   * The Secret with the git credentials it commits with (keys username and password), in
   * {@link ARGOCD_NAMESPACE}; an Application opts in with `write-back-method: git:secret:<namespace>/<this>`.
   */
  secret: 'argocd-image-updater-git',
  /** Author of write-back commits; the build pipeline skips commits whose author this is (seed §7). */
  user: 'argocd-image-updater',
  email: 'noreply@argoproj.io',
} as const;

/** A Secret of the argocd app whose keys come from the app's SSM parameters. */
export interface ArgocdSecret {
  readonly name: string;
  /** Secret key → the argocd app's contract parameter. */
  readonly keys: Readonly<Record<string, OwnParamKey<'argocd'>>>;
  /** Labels Argo CD selects the Secret by. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * `argocd-secret`: argocd-server exits at start when it is missing (v2.11 `InitializeSettings` →
 * `GetSettings`: "error retrieving argocd-secret"); Argo CD reads it only with this label.
 */
export const ARGOCD_SECRET: ArgocdSecret = {
  name: 'argocd-secret',
  keys: { 'admin.password': 'admin_password_bcrypt', 'server.secretkey': 'server_secret_key' },
  labels: { 'app.kubernetes.io/part-of': 'argocd' },
};

/** Credentials for this repository: the ApplicationSet's git generator cannot list app.json without them. */
export const ARGOCD_REPO_SECRET: ArgocdSecret = {
  name: 'repo-platform',
  keys: { url: 'repo_url', username: 'repo_username', password: 'repo_password' },
  labels: { 'argocd.argoproj.io/secret-type': 'repository' },
};

/**
 * Secrets the bootstrap creates from SSM before Argo CD starts, because Argo CD cannot start (or
 * read this repository) without them and External Secrets is one of the apps it installs. The
 * argocd app's ExternalSecrets of the same names then adopt them (creationPolicy Owner takes a
 * Secret no controller owns) and keep them in step with SSM; the bootstrap never writes them again.
 */
export const BOOTSTRAP_SECRETS: readonly ArgocdSecret[] = [ARGOCD_SECRET, ARGOCD_REPO_SECRET];
