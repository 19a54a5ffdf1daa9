/**
 * Who may reach which host. A host listed in `PUBLIC_HOSTS` is served to everyone on the public
 * load balancer; every other host is an admin UI, on its own load balancer that accepts only the
 * environment's `adminAllowedCidrs`. Both load balancers offer TLS 1.2 and 1.3 only and redirect
 * HTTP to HTTPS. The rules live in the IngressClassParams of the two IngressClasses (the Load
 * Balancer Controller lets no Ingress annotation override what its class's parameters set), and
 * the public class admits Ingresses only from the namespaces of the apps listed here.
 */
import type { AppName, HostName } from './contract';

/** IngressClass of admin UIs (its load balancer accepts `adminAllowedCidrs` only). */
export const ADMIN_INGRESS_CLASS = 'alb';
/** IngressClass of public hosts. */
export const PUBLIC_INGRESS_CLASS = 'alb-public';

/** TLS 1.3 and 1.2 only (the controller's default, ELBSecurityPolicy-2016-08, still offers TLS 1.0). */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** Hosts served to everyone, by app (every other host is an admin UI). */
export const PUBLIC_HOSTS: { readonly [A in AppName]?: readonly HostName<A>[] } = {
  django: ['web'],
};

export function isPublicHost<A extends AppName>(app: A, host: HostName<A>): boolean {
  return ((PUBLIC_HOSTS[app] ?? []) as readonly string[]).includes(host);
}

/** Apps that serve a public host (their namespaces may use the public IngressClass). */
export function publicApps(): AppName[] {
  return (Object.keys(PUBLIC_HOSTS) as AppName[]).filter((a) => (PUBLIC_HOSTS[a]?.length ?? 0) > 0).sort();
}

/** The load balancer group (one ALB) of a class in a cluster. */
export function loadBalancerGroup(clusterName: string, ingressClass: string): string {
  return ingressClass === PUBLIC_INGRESS_CLASS ? `${clusterName}-public` : `${clusterName}-admin`;
}
