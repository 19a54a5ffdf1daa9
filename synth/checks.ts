/**
 * Checks across the objects of one environment that no single object's schema can express.
 * Hard errors: one owner per object, Ingress backends that exist. Policy findings (waivable, see
 * synth/policy/): Ingress hosts under the domain and unique, and pod references (Secrets,
 * ConfigMaps, ServiceAccounts) that the same app provides.
 */
import type { RuntimeObject } from '../charts/lib/addon-chart';
import type { EnvironmentConfig } from '../config/types';
import { objectId, type ObjectFacts } from './objects';
import type { LocatedFinding } from './policy/report';
import { Problems } from './problems';
import { CRD_SYNC_WAVE } from './shared-crds';

interface AppObjects {
  readonly app: string;
  readonly namespace: string;
  readonly objects: readonly ObjectFacts[];
  readonly runtimeObjects: readonly RuntimeObject[];
}

/**
 * `Kind/namespace/name` of what an app provides: its rendered Secrets, ConfigMaps and
 * ServiceAccounts, the Secrets its ExternalSecrets create (target name = ExternalSecret name),
 * and the objects it declares as created at run time.
 */
function providedNames(app: AppObjects, ownSecretsFromExternalSecrets: ReadonlySet<string>): Set<string> {
  const provided = new Set<string>();
  for (const o of app.objects) {
    if (o.kind === 'Secret' || o.kind === 'ConfigMap' || o.kind === 'ServiceAccount') provided.add(`${o.kind}/${o.namespace ?? ''}/${o.name}`);
  }
  ownSecretsFromExternalSecrets.forEach((s) => provided.add(s));
  for (const o of app.runtimeObjects) provided.add(`${o.kind}/${app.namespace}/${o.name}`);
  return provided;
}

/** Throws on hard errors; returns the policy findings. */
export function checkEnvironment(env: EnvironmentConfig, apps: readonly AppObjects[]): LocatedFinding[] {
  const problems = new Problems();
  const findings: LocatedFinding[] = [];
  const owners = new Map<string, string>();
  const hosts = new Map<string, string>();

  for (const app of apps) {
    const where = `${env.name}/${app.app}`;
    const finding = (check: LocatedFinding['check'], object: ObjectFacts, message: string) => findings.push({ app: app.app, object, check, message });
    for (const o of app.objects) {
      const id = objectId(o);
      if (o.kind !== 'CustomResourceDefinition' && o.sync.phase === 'Sync' && o.sync.wave <= CRD_SYNC_WAVE) {
        problems.add(`${where}: ${o.kind} "${o.name}": sync wave ${o.sync.wave} is at or before the CRDs' wave ${CRD_SYNC_WAVE}, which comes first in every app (synth/shared-crds.ts)`);
      }
      const other = owners.get(id);
      if (other && other !== app.app) problems.add(`${where}: ${o.kind} "${o.name}" is also rendered by ${other} (two owners)`);
      owners.set(id, app.app);
      for (const host of o.ingress?.hosts ?? []) {
        if (host !== env.domain && !host.endsWith(`.${env.domain}`)) finding('ingress-host', o, `host "${host}" is not under the environment's domain ${env.domain}`);
        const seen = hosts.get(host);
        if (seen) finding('ingress-host', o, `host "${host}" is already served by ${seen}`);
        hosts.set(host, `${app.app}/${o.name}`);
      }
    }

    const services = new Map<string, readonly (number | string)[]>(app.objects.filter((o) => o.kind === 'Service').map((o) => [`${o.namespace}/${o.name}`, o.servicePorts ?? []]));
    for (const o of app.runtimeObjects) if (o.kind === 'Service') services.set(`${app.namespace}/${o.name}`, o.ports);
    for (const o of app.objects.filter((x) => x.ingress)) {
      for (const backend of o.ingress!.backends) {
        const [service, port] = backend.split(':') as [string, string];
        const ports = services.get(`${o.namespace}/${service}`);
        if (!ports) problems.add(`${where}: Ingress "${o.name}": backend Service "${service}" is not part of this app`);
        else if (!ports.map(String).includes(port)) problems.add(`${where}: Ingress "${o.name}": Service "${service}" has no port ${port} (has ${ports.join(', ')})`);
      }
    }

    const fromExternalSecrets = new Set(app.objects.filter((o) => o.kind === 'ExternalSecret').map((o) => `Secret/${o.namespace ?? ''}/${o.name}`));
    const provided = providedNames(app, fromExternalSecrets);
    for (const o of app.objects) {
      for (const ref of o.podRefs ?? []) {
        const [kind, name] = ref.split('/') as [string, string];
        if (!provided.has(`${kind}/${o.namespace ?? ''}/${name}`)) finding('pod-refs', o, `references ${kind} "${name}", which this app does not provide`);
      }
    }
  }
  problems.throwIfAny();
  return findings;
}
