/**
 * What one object says about network traffic: the ports its pods listen on, a Service's selector
 * and port mapping, and what a ServiceMonitor scrapes. The traffic graph check (synth/traffic.ts)
 * resolves a use of a Service into the container port a NetworkPolicy has to open.
 */
import { podTemplate, type KubeObject } from './kube-object';
import type { LabelSelector } from './needs';

export interface ServicePort {
  readonly port: number;
  readonly name?: string;
  /** A number, or the name of a container port. */
  readonly targetPort: number | string;
}

export interface TrafficFacts {
  /** Ports the containers of a pod template listen on. */
  readonly containerPorts?: readonly { readonly name?: string; readonly port: number }[];
  /** A Service: the pods it selects and its ports. */
  readonly service?: { readonly selector: Readonly<Record<string, string>>; readonly ports: readonly ServicePort[] };
  /** An Ingress's explicit health-check port (`alb.ingress.kubernetes.io/healthcheck-port`). */
  readonly healthCheckPort?: number;
  /** A ServiceMonitor: the namespaces it looks in (undefined: its own), its Service selector and endpoint ports. */
  readonly monitor?: { readonly namespaces?: readonly string[]; readonly selector: LabelSelector; readonly ports: readonly (string | number)[] };
}

type Obj = Record<string, unknown>;
const list = (x: unknown): Obj[] => (Array.isArray(x) ? (x as Obj[]) : []);

export function trafficFacts(o: KubeObject): TrafficFacts | undefined {
  const template = podTemplate(o);
  if (template) {
    const ports = [...list(template.spec.initContainers), ...list(template.spec.containers)].flatMap((c) =>
      list(c.ports).map((p) => ({ ...(typeof p.name === 'string' ? { name: p.name } : {}), port: Number(p.containerPort) })),
    );
    return { containerPorts: ports };
  }
  const spec = (o.spec ?? {}) as Obj;
  if (o.kind === 'Service' && o.apiVersion === 'v1') {
    const ports = list(spec.ports).map((p) => ({
      port: Number(p.port),
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
      targetPort: (p.targetPort as number | string | undefined) ?? Number(p.port),
    }));
    return { service: { selector: (spec.selector as Record<string, string> | undefined) ?? {}, ports } };
  }
  if (o.kind === 'Ingress' && o.apiVersion === 'networking.k8s.io/v1') {
    const port = o.metadata.annotations?.['alb.ingress.kubernetes.io/healthcheck-port'];
    return port !== undefined && /^\d+$/.test(port) ? { healthCheckPort: Number(port) } : undefined;
  }
  if (o.kind === 'ServiceMonitor' && o.apiVersion.startsWith('monitoring.coreos.com/')) {
    const ns = (spec.namespaceSelector ?? {}) as { matchNames?: string[]; any?: boolean };
    const ports = list(spec.endpoints).map((e) => (e.port as string | undefined) ?? (e.targetPort as string | number | undefined)).filter((p): p is string | number => p !== undefined);
    return { monitor: { ...(ns.any ? { namespaces: ['*'] } : ns.matchNames ? { namespaces: ns.matchNames } : {}), selector: (spec.selector ?? {}), ports } };
  }
  return undefined;
}
