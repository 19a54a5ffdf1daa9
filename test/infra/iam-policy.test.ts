/**
 * No IAM statement grants `*` actions (or whole-service `svc:*`) anywhere, and `*` resources appear
 * only for the actions AWS cannot scope to a resource, enumerated here:
 * - `ecr:GetAuthorizationToken` (registry login),
 * - `route53:ListHostedZones` (zone discovery by ExternalDNS),
 * - the statements of the published AWS Load Balancer Controller v2.8 policy (Describe/List calls,
 *   creates of not-yet-existing resources, and mutations guarded by `elbv2.k8s.aws/cluster` tag
 *   conditions), compared statement by statement with infra/iam/lbc-policy.ts.
 * Managed-policy attachments (AmazonEKSClusterPolicy, worker-node policies, AmazonEBSCSIDriverPolicy)
 * are AWS's documents and are listed, not inspected.
 */
import { hubIdentityArns } from '../../config/fleet';
import { describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../../config/environments';
import { loadBalancerControllerStatements } from '../../infra/iam/lbc-policy';
import { dataSources, resources, synthAll } from './helpers';

const STAR_RESOURCE_ACTIONS = new Set(['ecr:GetAuthorizationToken', 'route53:ListHostedZones']);
const LBC_SIDS = new Set(loadBalancerControllerStatements.map((s) => s.sid));

const ALLOWED_MANAGED_POLICIES = new Set([
  'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
  'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
]);

function allStatements(): { stack: string; doc: string; st: any }[] {
  const { stacks } = synthAll();
  return Object.entries(stacks).flatMap(([id, json]) =>
    Object.entries(dataSources(json, 'aws_iam_policy_document')).flatMap(([doc, d]) =>
      (d.statement as any[]).map((st) => ({ stack: id, doc, st })),
    ),
  );
}

describe('IAM policies', () => {
  it('are all typed policy documents (no hand-written JSON policies)', () => {
    for (const [id, json] of Object.entries(synthAll().stacks)) {
      for (const type of ['aws_iam_role_policy', 'aws_iam_policy']) {
        for (const p of Object.values(resources(json, type))) {
          expect(p.policy, id).toMatch(/^\$\{data\.aws_iam_policy_document\.[^.]+\.json\}$/);
        }
      }
      for (const r of Object.values(resources(json, 'aws_iam_role'))) {
        expect(r.assume_role_policy, id).toMatch(/^\$\{data\.aws_iam_policy_document\.[^.]+\.json\}$/);
        expect(r.inline_policy).toBeUndefined();
        expect(r.managed_policy_arns).toBeUndefined();
      }
    }
  });

  it('never allow wildcard actions', () => {
    const statements = allStatements();
    expect(statements.length).toBeGreaterThan(50);
    for (const { stack, doc, st } of statements) {
      expect(st.effect, `${stack}/${doc}`).toBe('Allow');
      expect(st.not_actions).toBeUndefined();
      expect(st.not_resources).toBeUndefined();
      for (const action of st.actions as string[]) {
        expect(action, `${stack}/${doc}`).not.toBe('*');
        expect(action, `${stack}/${doc}`).not.toMatch(/:\*$/);
        expect(action, `${stack}/${doc}`).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      }
    }
  });

  it('use `*` resources only for the enumerated exceptions', () => {
    for (const { stack, doc, st } of allStatements()) {
      if (st.principals) continue; // trust policies have no resources
      const resources = st.resources as string[];
      expect(resources.length, `${stack}/${doc}`).toBeGreaterThan(0);
      if (!resources.includes('*')) continue;
      const where = `${stack}/${doc}/${st.sid}`;
      if (LBC_SIDS.has(st.sid) && doc.startsWith('irsa-aws-load-balancer-controller')) {
        const published = loadBalancerControllerStatements.find((s) => s.sid === st.sid)!;
        expect(st.actions, where).toEqual(published.actions);
        expect(st.resources, where).toEqual(published.resources);
        continue;
      }
      expect(resources, where).toEqual(['*']);
      for (const action of st.actions as string[]) expect(STAR_RESOURCE_ACTIONS.has(action), `${where}: ${action}`).toBe(true);
    }
  });

  it('attach only the expected AWS managed policies', () => {
    for (const json of Object.values(synthAll().stacks)) {
      for (const a of Object.values(resources(json, 'aws_iam_role_policy_attachment'))) {
        expect(ALLOWED_MANAGED_POLICIES.has(a.policy_arn), a.policy_arn).toBe(true);
      }
    }
  });

  it.each(environmentNames)('%s: EKS access entries exist for the configured admins (and a spoke\'s hub) only, none for workload roles', (name) => {
    const env = loadEnvironment(name);
    for (const [id, json] of Object.entries(synthAll().stacks)) {
      if (!id.startsWith(`${name}-`)) continue;
      const principals = Object.values(resources(json, 'aws_eks_access_entry')).map((e) => e.principal_arn as string);
      if (id === `${name}-cluster`) {
        // A spoke also lets its hub's Argo CD in (config/fleet.ts).
        const hub = env.hub === undefined ? [] : hubIdentityArns(loadEnvironment(env.hub));
        expect(principals.sort()).toEqual([...env.clusterAdmins, ...hub].sort());
        for (const p of principals) expect(p).not.toMatch(new RegExp(`:role/${env.clusterName}-`));
      } else {
        expect(principals, id).toHaveLength(0);
      }
    }
  });
});
