/**
 * The infra ↔ charts contract: for every SSM parameter and IRSA ServiceAccount the contract
 * declares, infra creates exactly one parameter / role with the contract's name, type and source,
 * and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { EKS_ADDONS } from '../../config/cluster-baseline';
import { allParameters, allServiceAccounts, roleName, ssmParameterName } from '../../config/contract';
import { environmentNames, loadEnvironment } from '../../config/environments';
import { registrationParameter } from '../../config/fleet';
import { stackKindsOf } from '../../infra/common';
import { configValue, inputVariables } from '../../infra/stacks/access';
import { resources, rolesOf, stack } from './helpers';

const envs = environmentNames.map((name) => loadEnvironment(name));

describe.each(envs)('contract ($name)', (env) => {
  const access = () => stack(`${env.name}-access`);
  const params = () => Object.values(resources(access(), 'aws_ssm_parameter'));

  it('creates every declared SSM parameter, and only those', () => {
    const expected = allParameters().map(({ app, key }) => ssmParameterName(env.clusterName, app, key as never)).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(params().map((p) => p.name).sort()).toEqual(expected);
    for (const name of expected) expect(name.startsWith(`/${env.clusterName}/`)).toBe(true);
  });

  it('no other stack writes SSM parameters, but a spoke\'s cluster stack its registration on the hub', () => {
    const hub = env.hub === undefined ? undefined : loadEnvironment(env.hub);
    for (const kind of stackKindsOf(env).filter((k) => k !== 'access')) {
      const names = Object.values(resources(stack(`${env.name}-${kind}`), 'aws_ssm_parameter')).map((p) => p.name as string).sort();
      const expected = kind === 'cluster' && hub ? [registrationParameter(hub, env, 'ca'), registrationParameter(hub, env, 'endpoint')] : [];
      expect(names, kind).toEqual(expected);
    }
  });

  it('gives each parameter the declared type and a value from its declared source', () => {
    const byName = new Map(params().map((p) => [p.name as string, p]));
    for (const { app, key, spec } of allParameters()) {
      const p = byName.get(ssmParameterName(env.clusterName, app, key as never))!;
      expect(p.type, `${app}/${key}`).toBe(spec.secure ? 'SecureString' : 'String');
      const source = spec.source;
      switch (source.kind) {
        case 'random':
          expect(p.value).toMatch(new RegExp(`-secrets\\.outputs\\.cross-stack-output-random_password${app}-${key}result\\}$`));
          break;
        case 'infra':
          // The VPC comes from the cluster stack, the databases from the data stack.
          if (source.output === 'vpc-id') expect(p.value).toMatch(/-cluster\.outputs\.cross-stack-output-aws_vpcvpcid\}$/);
          else expect(p.value).toContain('-data.outputs.cross-stack-output-aws_db_instance');
          break;
        case 'input':
          expect(p.value).toBe(`\${var.${source.variable}}`);
          break;
        case 'config':
          expect(p.value).toBe(configValue(env, source.field));
          break;
        case 'literal':
          expect(p.value).toBe(source.value);
          break;
      }
    }
  });

  it('generates every random value with the declared length and special characters', () => {
    const passwords = resources(stack(`${env.name}-secrets`), 'random_password');
    const randoms = allParameters().filter((p) => p.spec.source.kind === 'random');
    expect(Object.keys(passwords).sort()).toEqual(randoms.map((p) => `${p.app}-${p.key}`).sort());
    for (const { app, key, spec } of randoms) {
      if (spec.source.kind !== 'random') continue;
      const pw = passwords[`${app}-${key}`]!;
      expect(pw.length).toBe(spec.source.length);
      expect(pw.special).toBe(spec.source.special !== undefined);
      expect(pw.override_special).toBe(spec.source.special);
    }
  });

  it('declares each operator input as a sensitive variable without default', () => {
    const variables = access().variable as Record<string, any>;
    expect(Object.keys(variables).sort()).toEqual(inputVariables());
    for (const v of Object.values(variables)) {
      expect(v).toMatchObject({ type: 'string', sensitive: true, nullable: false });
      expect(v.default).toBeUndefined();
    }
  });

  it('creates one IRSA role per declared ServiceAccount, and no other workload role', () => {
    const expected = allServiceAccounts().map((sa) => roleName(env.clusterName, sa.app, sa.name as never)).sort();
    const roles = rolesOf(access());
    expect(roles.map((r) => r.roleName).sort()).toEqual(expected);
    for (const sa of allServiceAccounts()) {
      const role = roles.find((r) => r.roleName === roleName(env.clusterName, sa.app, sa.name as never))!;
      const sub = role.trust.statement[0].condition.find((c: any) => c.variable.endsWith(':sub'));
      expect(sub.values).toEqual([`system:serviceaccount:${sa.namespace}:${sa.name}`]);
      const granted = Object.keys(role.policies).sort();
      // Roles with nothing to grant here: Route53 with Cloudflare DNS, and identities for other clusters.
      const declared = sa.access.filter((a) => a !== 'eks-identity' && (a !== 'route53-records' || env.dns.kind === 'route53'));
      expect(granted, sa.name).toEqual([...declared].sort());
    }
  });

  it('creates no IAM roles outside the contract except the cluster, nodes and add-on (VPC CNI, EBS CSI) roles', () => {
    const cluster = rolesOfAnyTrust(`${env.name}-cluster`);
    const addonRoles = EKS_ADDONS.flatMap((a) => (a.irsa ? [`${env.clusterName}-${a.irsa.role}`] : []));
    expect(addonRoles).toEqual([`${env.clusterName}-vpc-cni`, `${env.clusterName}-ebs-csi`]);
    expect(cluster.sort()).toEqual([`${env.clusterName}-cluster`, `${env.clusterName}-nodes`, ...addonRoles].sort());
    for (const kind of stackKindsOf(env).filter((k) => k !== 'access' && k !== 'cluster')) {
      expect(rolesOfAnyTrust(`${env.name}-${kind}`), kind).toHaveLength(0);
    }
  });
});

function rolesOfAnyTrust(id: string): string[] {
  return Object.values(resources(stack(id), 'aws_iam_role')).map((r) => r.name as string);
}
