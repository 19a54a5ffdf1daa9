/**
 * The infra ↔ charts contract: per app, its namespace, the SSM parameters it reads, its IRSA
 * ServiceAccounts with their IAM roles and what AWS access each needs, and its public hosts.
 *
 * charts/ and infra/ both import this module and nothing else of each other: infra creates exactly
 * the parameters and roles declared here, charts can only reference what is declared here (the
 * types below make a misspelt key, role or host a compile error).
 *
 * Naming: SSM parameters live at `/<cluster>/<app>/<key>`; IAM roles are `<cluster>-<sa>` (ServiceAccount
 * names are unique across the contract). Each app that reads SSM has a ServiceAccount `<app>-ssm-reader`
 * used only by its SecretStore, so no workload pod carries SSM credentials.
 */
import type { z } from 'zod';
import { contractSchema } from './contract-schema';
import type * as schema from './contract-schema';
import { didYouMean } from './did-you-mean';
import { ConfigError, type FieldProblem, parseWith } from './schema-kit';

export type ParamSource = z.infer<typeof schema.paramSource>;
export type ConfigField = z.infer<typeof schema.configField>;
export type InfraOutput = z.infer<typeof schema.infraOutput>;
export type ParamSpec = z.infer<typeof schema.paramSpec>;
export type AwsAccess = z.infer<typeof schema.awsAccess>;
export type ServiceAccountSpec = z.infer<typeof schema.serviceAccountSpec>;
/** One app's entry (documented field by field in contract-schema.ts). */
export type AppContract = z.infer<typeof schema.appContract>;

const secret = (length = 28, special?: string): ParamSpec => ({
  secure: true,
  source: special === undefined ? { kind: 'random', length } : { kind: 'random', length, special },
});
const input = (variable: string): ParamSpec => ({ secure: true, source: { kind: 'input', variable } });
const fromInfra = (output: InfraOutput, secure = false): ParamSpec => ({ secure, source: { kind: 'infra', output } });
const literal = (value: string): ParamSpec => ({ secure: false, source: { kind: 'literal', value } });

const SSM_READ: ServiceAccountSpec = { access: ['ssm-read'] };

/** RDS passwords may not contain `/`, `"`, `@` or spaces. */
const RDS_SPECIAL = '!#$%&()*+,-.:;<=>?[]^_{|}~';

export const contract = {
  'cluster-config': { namespace: 'kube-system', params: {}, readsFrom: [], serviceAccounts: {}, hosts: {} },
  'external-secrets': { namespace: 'external-secrets', params: {}, readsFrom: [], serviceAccounts: {}, hosts: {} },
  'aws-load-balancer-controller': {
    namespace: 'aws-load-balancer-controller',
    // Pods get no instance metadata (hop limit 1), where the controller would look the VPC up.
    params: { vpc_id: fromInfra('vpc-id') },
    readsFrom: [],
    serviceAccounts: {
      'aws-load-balancer-controller': { access: ['load-balancer-controller'] },
      'aws-load-balancer-controller-ssm-reader': SSM_READ,
    },
    hosts: {},
  },
  'external-dns': {
    namespace: 'external-dns',
    params: { cloudflare_api_token: input('cloudflare_api_token') },
    readsFrom: [],
    serviceAccounts: { 'external-dns-ssm-reader': SSM_READ, 'external-dns': { access: ['route53-records'] } },
    hosts: {},
  },
  argocd: {
    namespace: 'argocd',
    params: {
      admin_password_bcrypt: input('argocd_admin_password_bcrypt'),
      /** Signs argocd-server session tokens (`server.secretkey` of `argocd-secret`). */
      server_secret_key: secret(48),
      /** The repository Argo CD clones; not secret, written by infra from the environment config. */
      repo_url: { secure: false, source: { kind: 'config', field: 'git.repoUrl' } },
      // Read-only git credentials; write access is the Image Updater's alone.
      repo_username: input('git_read_username'),
      repo_password: input('git_read_token'),
    },
    readsFrom: [],
    serviceAccounts: {
      'argocd-ssm-reader': SSM_READ,
      // What a hub's Argo CD presents to its spokes' API servers (config/fleet.ts): the two
      // components that talk to clusters. Roles without AWS permissions.
      'argocd-application-controller': { access: ['eks-identity'] },
      'argocd-server': { access: ['eks-identity'] },
    },
    hosts: { server: 'argocd' },
  },
  'argocd-image-updater': {
    namespace: 'argocd',
    // The only git credentials that may push (write-back of image tags).
    params: { git_username: input('git_write_username'), git_token: input('git_write_token') },
    readsFrom: [],
    serviceAccounts: { 'argocd-image-updater': { access: ['ecr-read'] }, 'argocd-image-updater-ssm-reader': SSM_READ },
    hosts: {},
  },

  sonarqube: {
    namespace: 'sonarqube',
    params: {
      jdbc_url: fromInfra('sonarqube-jdbc-url'),
      jdbc_username: fromInfra('sonarqube-db-user'),
      jdbc_password: secret(28, RDS_SPECIAL),
      admin_password: secret(),
      /** The pipeline's analysis user (config/sonarqube-analysis.ts); read by Jenkins' agents. */
      analysis_password: secret(),
      monitoring_passcode: secret(),
    },
    readsFrom: [],
    serviceAccounts: { 'sonarqube-ssm-reader': SSM_READ },
    hosts: { ui: 'sonarqube' },
  },
  jenkins: {
    namespace: 'jenkins',
    params: {
      admin_username: literal('admin'),
      admin_password: secret(),
      github_username: input('git_read_username'),
      github_token: input('git_read_token'),
    },
    readsFrom: ['sonarqube/analysis_password'],
    serviceAccounts: { 'jenkins-ssm-reader': SSM_READ, jenkins: { access: ['ecr-push'] } },
    hosts: { ui: 'jenkins' },
  },
  django: {
    namespace: 'django',
    params: {
      db_host: fromInfra('django-db-host'),
      db_port: fromInfra('django-db-port'),
      db_name: fromInfra('django-db-name'),
      /** The RDS master user and its password: the schema's owner, read only by the migrate Job. */
      db_username: fromInfra('django-db-user'),
      db_password: secret(28, RDS_SPECIAL),
      /** Password of the app's own role, which the migrate Job creates (charts/django.ts). */
      app_db_password: secret(32),
      secret_key: secret(50),
    },
    readsFrom: [],
    serviceAccounts: { 'django-ssm-reader': SSM_READ },
    hosts: { web: 'django' },
  },
  'eck-operator': { namespace: 'elastic-system', params: {}, readsFrom: [], serviceAccounts: {}, hosts: {} },
  'eck-stack': {
    namespace: 'eck-stack',
    params: {
      elastic_username: literal('elastic'),
      elastic_password: secret(28, '!$%&()+-?_~'),
      // The `roles` key of the file-realm basic-auth Secret (comma-separated Elasticsearch roles).
      elastic_roles: literal('superuser'),
      /** The password of Fluent Bit's own Elasticsearch user (config/elasticsearch-clients.ts). */
      fluent_bit_password: secret(32),
    },
    readsFrom: [],
    serviceAccounts: { 'eck-stack-ssm-reader': SSM_READ },
    hosts: { kibana: 'kibana' },
  },
  prometheus: {
    namespace: 'prometheus',
    params: { grafana_admin_username: literal('admin'), grafana_admin_password: secret() },
    readsFrom: [],
    serviceAccounts: { 'prometheus-ssm-reader': SSM_READ },
    hosts: { grafana: 'grafana' },
  },
  fluent: {
    namespace: 'fluent',
    params: {},
    readsFrom: ['eck-stack/fluent_bit_password'],
    serviceAccounts: { 'fluent-ssm-reader': SSM_READ },
    hosts: {},
  },
} as const satisfies Record<string, AppContract>;

export type Contract = typeof contract;
/** Every app this repository knows. */
export type AppName = keyof Contract;
export const appNames = Object.keys(contract).sort() as AppName[];

/** A parameter key owned by app `A`. */
export type OwnParamKey<A extends AppName> = keyof Contract[A]['params'] & string;
/** A parameter app `A` may read: one of its own keys or an `app/key` it declares in `readsFrom`. */
export type ParamKey<A extends AppName> = OwnParamKey<A> | Contract[A]['readsFrom'][number];
/** An IRSA ServiceAccount name declared by app `A`. */
export type ServiceAccountName<A extends AppName> = keyof Contract[A]['serviceAccounts'] & string;
/** A host declared by app `A`. */
export type HostName<A extends AppName> = keyof Contract[A]['hosts'] & string;

/** The identity of the cluster the names are derived for. */
export interface ClusterIdentity {
  readonly clusterName: string;
  readonly accountId: string;
}

/** Resolves a parameter reference of `app` to its owner and key. */
export function paramOwner<A extends AppName>(app: A, key: ParamKey<A>): { app: AppName; key: string } {
  const ref = String(key);
  const slash = ref.indexOf('/');
  if (slash < 0) {
    if (!(ref in contract[app].params)) throw new Error(`${app}: unknown SSM key "${ref}" (known: ${Object.keys(contract[app].params).join(', ') || 'none'})`);
    return { app, key: ref };
  }
  if (!(contract[app].readsFrom as readonly string[]).includes(ref)) {
    throw new Error(`${app}: SSM parameter "${ref}" is not in its readsFrom list`);
  }
  const owner = ref.slice(0, slash) as AppName;
  const ownerKey = ref.slice(slash + 1);
  if (!(owner in contract) || !(ownerKey in contract[owner].params)) throw new Error(`${app}: readsFrom "${ref}" names no declared parameter`);
  return { app: owner, key: ownerKey };
}

/** SSM parameter name (with leading slash) of a parameter `app` reads. */
export function ssmParameterName<A extends AppName>(cluster: string, app: A, key: ParamKey<A>): string {
  const owner = paramOwner(app, key);
  return `/${cluster}/${owner.app}/${owner.key}`;
}

/** SSM path prefix owned by an app, e.g. `/django-prod/django/`. */
export function ssmPrefix(cluster: string, app: AppName): string {
  return `/${cluster}/${app}/`;
}

/** IAM role name of an app's IRSA ServiceAccount (at most 64 characters, checked at load). */
export function roleName<A extends AppName>(cluster: string, _app: A, serviceAccount: ServiceAccountName<A>): string {
  return `${cluster}-${serviceAccount}`;
}

/** The ServiceAccount an app's SecretStore authenticates with (declared in the contract for every app that reads SSM). */
export type SsmReaderName<A extends AppName> = `${A}-ssm-reader` & ServiceAccountName<A>;

export function ssmReaderName<A extends AppName>(app: A): SsmReaderName<A> {
  const name = `${app}-ssm-reader`;
  if (!(name in contract[app].serviceAccounts)) throw new Error(`contract: ${app} reads SSM but declares no ServiceAccount "${name}"`);
  return name as SsmReaderName<A>;
}

export function roleArn<A extends AppName>(id: ClusterIdentity, app: A, serviceAccount: ServiceAccountName<A>): string {
  return `arn:aws:iam::${id.accountId}:role/${roleName(id.clusterName, app, serviceAccount)}`;
}

/** Public host of an app, e.g. `argocd.example.com`. */
export function hostName<A extends AppName>(domain: string, app: A, host: HostName<A>): string {
  const hosts = contract[app].hosts as Readonly<Record<string, string>>;
  return `${hosts[host]}.${domain}`;
}

/** Every IRSA ServiceAccount in the contract, for infra and for checks. */
export function allServiceAccounts(): { app: AppName; namespace: string; name: string; access: readonly AwsAccess[] }[] {
  return appNames.flatMap((app) =>
    Object.entries(contract[app].serviceAccounts as Readonly<Record<string, ServiceAccountSpec>>).map(([name, spec]) => ({
      app,
      namespace: contract[app].namespace,
      name,
      access: spec.access,
    })),
  );
}

/** Every SSM parameter in the contract, for infra and for checks. */
export function allParameters(): { app: AppName; key: string; spec: ParamSpec }[] {
  return appNames.flatMap((app) =>
    Object.entries(contract[app].params as Readonly<Record<string, ParamSpec>>).map(([key, spec]) => ({ app, key, spec })),
  );
}

/**
 * Checks the contract at run time: its schema (contract-schema.ts: keys, names, enums), then what no
 * schema can say: host labels and ServiceAccount names unique across apps, every `readsFrom` naming
 * a declared parameter, and a reader ServiceAccount for every app that reads SSM.
 */
export function contractProblems(): FieldProblem[] {
  const parsed = parseWith(contractSchema, contract);
  if (parsed.value === undefined) return parsed.problems;
  const c = parsed.value;
  const problems: FieldProblem[] = [];
  const accounts = new Map<string, string>();
  const hosts = new Map<string, string>();
  for (const [app, entry] of Object.entries(c)) {
    for (const name of Object.keys(entry.serviceAccounts)) {
      const other = accounts.get(name);
      if (other) problems.push({ field: `${app}.serviceAccounts.${name}`, message: `ServiceAccount "${name}" is also declared by ${other}` });
      accounts.set(name, app);
    }
    if ((Object.keys(entry.params).length > 0 || entry.readsFrom.length > 0) && !(`${app}-ssm-reader` in entry.serviceAccounts)) {
      problems.push({ field: `${app}.serviceAccounts`, message: `${app} reads SSM but declares no ServiceAccount "${app}-ssm-reader"` });
    }
    for (const [name, label] of Object.entries(entry.hosts)) {
      const other = hosts.get(label);
      if (other) problems.push({ field: `${app}.hosts.${name}`, message: `host "${label}" is also declared by ${other}` });
      hosts.set(label, `${app}/${name}`);
    }
    entry.readsFrom.forEach((ref, i) => {
      const [owner, key] = ref.split('/') as [string, string];
      if (c[owner]?.params[key] === undefined) problems.push({ field: `${app}.readsFrom[${i}]`, message: `"${ref}" names no declared parameter${didYouMean(ref, Object.entries(c).flatMap(([a, e]) => Object.keys(e.params).map((k) => `${a}/${k}`)))}` });
    });
  }
  return problems;
}

/** Throws every problem of {@link contractProblems}. */
export function checkContract(): void {
  const problems = contractProblems();
  if (problems.length > 0) throw new ConfigError('contract', problems);
}
