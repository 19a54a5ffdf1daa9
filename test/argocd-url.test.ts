/**
 * Argo CD's own URL follows the contract: with another host label for the server, the chart's
 * `global.domain` (from which it derives argocd-cm `url` and the notifications `argocdUrl`) and the
 * Ingress move together. (vitest isolates each test file's modules, so the change stays here.)
 */
import { App } from 'cdk8s';
import { afterEach, describe, expect, it } from 'vitest';
import { Argocd } from '../charts/argocd';
import { UpstreamChart } from '../charts/lib/upstream-chart';
import { contract } from '../config/contract';
import { loadEnvironment } from '../config/environments';

const hosts = contract.argocd.hosts as { server: string };
const declared = hosts.server;
afterEach(() => {
  hosts.server = declared;
});

describe('Argo CD URL', () => {
  it('comes from the contract host, not a fixed name', () => {
    hosts.server = 'deploy';
    const env = loadEnvironment('dev');
    const chart = new Argocd(new App(), env);
    const values = UpstreamChart.of(chart)!.request.values as { global: { domain: string } };
    expect(values.global.domain).toBe(`deploy.${env.domain}`);
    const ingress = chart.toJson().find((o: { kind: string }) => o.kind === 'Ingress') as { spec: { rules: { host: string }[] } };
    expect(ingress.spec.rules[0]!.host).toBe(`deploy.${env.domain}`);
  });
});
