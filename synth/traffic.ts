/**
 * The traffic graph (config/traffic.ts) checked both ways against the rendered platform:
 * - every connection the objects imply into another namespace has a flow: the load balancer to
 *   each Ingress backend and health-check port, the API server to each admission webhook, the
 *   scraper to each ServiceMonitor target, and each app's declared run-time needs and calls of
 *   another app's Service (the convergence model's cross-app needs are among them);
 * - every flow reaches a port something in its target serves (a container port, or the port of a
 *   Service an operator makes), and every port of a flow is used by one of those connections: an
 *   allowance nothing needs is refused, as the NetworkPolicy would otherwise keep it open.
 * Uses are resolved to container ports, which is what a NetworkPolicy matches: a Service's
 * targetPort, by number or by the name of a container port of its app's pods.
 */
import { contract, type AppName } from '../config/contract';
import { INGRESS_FLOWS, type Flow, type Peer } from '../config/traffic';
import { selectorMatches } from './kube-object';
import type { AppOutput } from './app-output';

type AppTraffic = Pick<AppOutput, 'app' | 'namespace' | 'objects' | 'runtimeObjects' | 'runtimeNeeds' | 'calls'>;

/** A connection into a namespace from outside it, resolved to a container port. */
export interface Use {
  readonly from: Peer;
  readonly to: AppName;
  readonly port: number;
  /** What implies it. */
  readonly why: string;
  /** The flow that allows it, when there is one. */
  readonly flow?: Flow;
}

const peerLabel = (p: Peer) => ('app' in p ? p.app : p.network);

export function checkTraffic(env: string, apps: readonly AppTraffic[], flows: readonly Flow[] = INGRESS_FLOWS): { uses: Use[]; problems: string[] } {
  const problems: string[] = [];
  const appOfNamespace = (ns: string) => apps.find((a) => a.namespace === ns);

  /** The container port(s) a Service port leads to in namespace `ns`. */
  const containerPorts = (ns: string, service: string, port: number | string): number[] => {
    const owner = appOfNamespace(ns);
    if (!owner) return [];
    const runtime = owner.runtimeObjects.find((r) => r.kind === 'Service' && r.name === service);
    if (runtime && runtime.kind === 'Service') return typeof port === 'number' ? [port] : runtime.ports.filter((p): p is number => typeof p === 'number');
    const svc = owner.objects.find((o) => o.kind === 'Service' && o.name === service && o.namespace === ns)?.traffic?.service;
    const sp = svc?.ports.find((p) => p.port === port || p.name === port);
    if (!svc || !sp) return [];
    if (typeof sp.targetPort === 'number') return [sp.targetPort];
    return [...new Set(owner.objects.filter((o) => o.namespace === ns && selectorMatches({ matchLabels: svc.selector }, o.sync.podLabels ?? {}))
      .flatMap((o) => (o.traffic?.containerPorts ?? []).filter((c) => c.name === sp.targetPort).map((c) => c.port)))];
  };

  const uses: Use[] = [];
  const use = (from: Peer, toNs: string, service: string, port: number | string, why: string, where: string) => {
    const to = appOfNamespace(toNs);
    if (!to) return; // a namespace no app of ours owns (kube-system, default): no policies there
    const ports = containerPorts(toNs, service, port);
    if (ports.length === 0) problems.push(`${env}/${where}: ${why}: Service "${toNs}/${service}" port ${port} leads to no container port`);
    for (const p of ports) uses.push({ from, to: to.app as AppName, port: p, why: `${where}: ${why}` });
  };
  const scraper = apps.find((a) => a.objects.some((o) => o.kind === 'Prometheus' && o.apiVersion.startsWith('monitoring.coreos.com/')));

  for (const a of apps) {
    for (const o of a.objects) {
      const here = `${a.app}: ${o.kind} "${o.name}"`;
      for (const b of o.ingress?.backends ?? []) {
        const [svc, port] = b.split(':') as [string, string];
        use({ network: 'load-balancers' }, o.namespace ?? a.namespace, svc, /^\d+$/.test(port) ? Number(port) : port, `backend ${b}`, here);
      }
      const hc = o.traffic?.healthCheckPort;
      if (hc !== undefined) uses.push({ from: { network: 'load-balancers' }, to: a.app as AppName, port: hc, why: `${here}: health check` });
      for (const p of o.sync.provides) {
        if (p.provide === 'webhook' && p.service) use({ network: 'control-plane' }, p.service.namespace, p.service.name, p.service.port, `webhook ${p.name}`, here);
      }
      const m = o.traffic?.monitor;
      if (m && scraper) {
        for (const ns of m.namespaces ?? [o.namespace ?? a.namespace]) {
          const target = appOfNamespace(ns);
          if (!target || ns === scraper.namespace) continue;
          const services = target.objects.filter((s) => s.kind === 'Service' && s.namespace === ns && selectorMatches(m.selector, s.sync.labels ?? {}));
          for (const s of services) for (const port of m.ports) use({ app: scraper.app as AppName }, ns, s.name, port, 'scraped by Prometheus', here);
        }
      }
    }
    const calls = [
      ...a.runtimeNeeds.filter((n) => n.needs.kind === 'Service' && n.needs.port !== undefined && (n.needs.namespace ?? a.namespace) !== a.namespace)
        .map((n) => ({ ns: n.needs.namespace!, name: n.needs.name, port: n.needs.port!, why: n.reason })),
      ...a.calls.filter((c) => c.service.namespace !== a.namespace).map((c) => ({ ns: c.service.namespace, name: c.service.name, port: c.service.port, why: c.why })),
    ];
    for (const c of calls) use({ app: a.app as AppName }, c.ns, c.name, c.port, c.why, a.app);
  }

  const rendered = new Set(apps.map((a) => a.app));
  const covered = uses.map((u) => ({
    ...u,
    ...(() => {
      const flow = flows.find((f) => 'app' in f.to && f.to.app === u.to && peerLabel(f.from) === peerLabel(u.from) && f.ports.includes(u.port));
      return flow ? { flow } : {};
    })(),
  }));
  for (const u of covered.filter((x) => !x.flow)) {
    problems.push(`${env}/${u.why}: ${peerLabel(u.from)} → ${u.to} port ${u.port} has no flow in config/traffic.ts, so the NetworkPolicy of ${contract[u.to].namespace} would drop it`);
  }
  for (const f of flows) {
    if (!('app' in f.to) || !rendered.has(f.to.app) || ('app' in f.from && !rendered.has(f.from.app))) continue;
    const target = apps.find((a) => a.app === (f.to as { app: string }).app)!;
    const served = new Set([
      ...apps.filter((a) => a.namespace === target.namespace).flatMap((a) => a.objects.flatMap((o) => (o.traffic?.containerPorts ?? []).map((c) => c.port))),
      ...target.runtimeObjects.flatMap((r) => (r.kind === 'Service' ? r.ports.filter((p): p is number => typeof p === 'number') : [])),
    ]);
    for (const p of f.ports.filter((x) => !served.has(x))) problems.push(`${env}: config/traffic.ts: flow ${peerLabel(f.from)} → ${f.to.app} port ${p} (${f.why}): nothing in ${target.namespace} serves that port`);
    for (const p of f.ports.filter((x) => served.has(x) && !covered.some((u) => u.flow === f && u.port === x))) {
      problems.push(`${env}: config/traffic.ts: flow ${peerLabel(f.from)} → ${f.to.app} port ${p} (${f.why}): no connection uses it; remove it, or declare the call that needs it (AddonChart \`calls\`)`);
    }
  }
  return { uses: covered, problems };
}
