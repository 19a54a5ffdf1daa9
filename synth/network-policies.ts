/**
 * The NetworkPolicies of each app namespace, from the traffic graph (config/traffic.ts): all
 * ingress denied except from the namespace's own pods and the flows into it; where the graph lists
 * an app's egress, all egress denied except to the namespace itself and those flows. They go to
 * the folder of the first app (by name) of the namespace, so a namespace several apps share gets
 * them once; kube-system and the other built-in namespaces get none. Traffic from a pod's own node
 * (kubelet probes) is never subject to NetworkPolicy.
 */
import { BUILTIN_NAMESPACES } from '../config/cluster-baseline';
import { appNames, contract, type AppName } from '../config/contract';
import { DNS_SERVICE_IP, tierCidrs } from '../config/network';
import { EGRESS_FLOWS, INGRESS_FLOWS, type Flow, type Peer } from '../config/traffic';
import type { KubeObject } from './kube-object';

const NAME_LABEL = 'kubernetes.io/metadata.name';
type PolicyPeer = Record<string, unknown>;

/** A peer as NetworkPolicy selectors and address blocks. */
function policyPeers(p: Peer): PolicyPeer[] {
  const blocks = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  if ('app' in p) return [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: contract[p.app].namespace } } }];
  switch (p.network) {
    case 'load-balancers':
      return blocks(tierCidrs('public'));
    case 'control-plane':
      return blocks(tierCidrs('intra'));
    case 'databases':
      return blocks(tierCidrs('database'));
    case 'dns':
      // Both CoreDNS's pods (what the connection becomes after the Service's translation) and its ClusterIP.
      return [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, ...blocks([`${DNS_SERVICE_IP}/32`])];
  }
}

const peerName = (p: Peer) => ('app' in p ? p.app : p.network);
const policyPorts = (f: Flow) => f.ports.flatMap((port) => [{ port, protocol: 'TCP' }, ...(f.udp === true ? [{ port, protocol: 'UDP' }] : [])]);

function groupBy(flows: readonly Flow[], key: (f: Flow) => string): [string, Flow[]][] {
  const map = new Map<string, Flow[]>();
  for (const f of flows) map.set(key(f), [...(map.get(key(f)) ?? []), f]);
  return [...map].sort(([a], [b]) => a.localeCompare(b));
}

/** The policies of one namespace, given the enabled apps in it. */
export function namespacePolicies(namespace: string, apps: readonly AppName[]): KubeObject[] {
  const into = INGRESS_FLOWS.filter((f) => 'app' in f.to && apps.includes(f.to.app));
  const out = apps.flatMap((a) => EGRESS_FLOWS[a] ?? []);
  const types = out.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  const same = [{ podSelector: {} }];
  const policy = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { podSelector: {}, ...spec },
  });
  return [
    policy('default-deny', { policyTypes: types }),
    policy('allow-same-namespace', { policyTypes: types, ingress: [{ from: same }], ...(out.length > 0 ? { egress: [{ to: same }] } : {}) }),
    ...groupBy(into, (f) => peerName(f.from)).map(([peer, flows]) => policy(`allow-from-${peer}`, { policyTypes: ['Ingress'], ingress: [{ from: policyPeers(flows[0]!.from), ports: flows.flatMap(policyPorts) }] })),
    ...groupBy(out, (f) => peerName(f.to)).map(([peer, flows]) => policy(`allow-to-${peer}`, { policyTypes: ['Egress'], egress: [{ to: policyPeers(flows[0]!.to), ports: flows.flatMap(policyPorts) }] })),
  ];
}

/** Every namespace's policies, each for the app whose folder holds them. */
export function networkPolicies(enabled: readonly string[]): { app: AppName; objects: KubeObject[] }[] {
  const namespaces = [...new Set(appNames.filter((a) => enabled.includes(a)).map((a) => contract[a].namespace))].filter((n) => !BUILTIN_NAMESPACES.includes(n)).sort();
  return namespaces.map((ns) => {
    const apps = appNames.filter((a) => contract[a].namespace === ns && enabled.includes(a));
    return { app: apps[0]!, objects: namespacePolicies(ns, apps) };
  });
}
