/**
 * npm run policy [-- --env dev,prod]
 *
 * Renders in memory (dist/ untouched) and prints the policy report as one table: every finding of
 * every check, with the reason of its waiver; then the connections into app namespaces the objects
 * imply, each with the flow of the traffic graph that lets it through the NetworkPolicies; then the
 * Pod Security level each namespace enforces. A finding without a waiver fails synth, so this
 * exits 1 and prints synth's error instead.
 */
import { POLICY_CHECKS } from '../charts/lib/policy-waiver';
import { environmentNames } from '../config/environments';
import { synthesize } from '../synth/pipeline';
import { formatPolicyTable } from '../synth/policy/report';
import { cliArgs, nameList } from './args';

const usage = 'npm run policy -- [--env dev,prod]';
const environments = cliArgs('policy', usage, { env: { type: 'string' } }, (flags) => (flags.env === undefined ? undefined : nameList('env', flags.env, environmentNames, usage)));

synthesize({ ...(environments ? { environments } : {}), log: (line) => console.error(line) })
  .then((result) => {
    const objects = result.apps.reduce((n, a) => n + a.objects.length, 0);
    console.log(`policy: ${Object.keys(POLICY_CHECKS).length} checks on ${objects} objects of ${result.environments.join(', ')}: ${result.policy.length} findings, all waived`);
    if (result.policy.length > 0) console.log(formatPolicyTable(result.policy));
    const peer = (p: (typeof result.traffic)[number]['from']) => ('app' in p ? p.app : p.network);
    const flows = [...new Set(result.traffic.map((u) => `  ${u.env}: ${peer(u.from)} → ${u.to}:${u.port}  (${u.flow?.why})`))];
    console.log(`\nNetworkPolicy coverage: ${result.traffic.length} connections into app namespaces, each allowed by a flow of config/traffic.ts:\n${flows.join('\n')}`);
    console.log('\nPod Security enforced per namespace (each also warns and audits at restricted):');
    for (const n of result.podSecurity) console.log(`  ${n.env}/${n.namespace}: ${n.level}${n.reason ? ` (${n.app}: ${n.reason})` : ''}`);
  })
  .catch((e: Error) => {
    console.error(`policy failed: ${e.message}`);
    process.exit(1);
  });
