/** Per-stack assertions on the synthesized Terraform JSON of both environments. */
import { describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../../config/environments';
import { EKS_ADDONS } from '../../config/cluster-baseline';
import { hubIdentityArns, spokesOf } from '../../config/fleet';
import { stackKindsOf } from '../../infra/common';
import { CLUSTER_ADMIN_POLICY } from '../../infra/stacks/cluster';
import { ECR_KEEP_IMAGES } from '../../infra/stacks/data';
import { only, resources, rolesOf, stack, synthAll } from './helpers';

const envs = environmentNames.map((name) => loadEnvironment(name));

describe('infra app', () => {
  it('has the six stacks per environment, five for a spoke (no bootstrap)', () => {
    const ids = Object.keys(synthAll().stacks);
    expect(ids).toEqual(envs.flatMap((env) => stackKindsOf(env).map((kind) => `${env.name}-${kind}`)).sort());
    expect(envs.filter((e) => e.hub !== undefined).map((e) => ids.includes(`${e.name}-bootstrap`))).toEqual(envs.filter((e) => e.hub !== undefined).map(() => false));
  });
});

describe.each(envs)('$name', (env) => {
  const cluster = () => stack(`${env.name}-cluster`);
  const data = () => stack(`${env.name}-data`);
  const cert = () => stack(`${env.name}-certificate`);
  const access = () => stack(`${env.name}-access`);

  it('uses the S3 backend of the environment, with locking and encryption', () => {
    for (const kind of stackKindsOf(env)) {
      const s3 = stack(`${env.name}-${kind}`).terraform.backend.s3;
      expect(s3).toEqual({
        bucket: `${env.clusterName}-tfstate-${env.aws.accountId}`,
        key: `${env.clusterName}/${kind}.tfstate`,
        region: env.aws.region,
        encrypt: true,
        use_lockfile: true,
      });
    }
  });

  it('pins the AWS provider to the account and region', () => {
    const aws = cluster().provider.aws[0];
    expect(aws.region).toBe(env.aws.region);
    expect(aws.allowed_account_ids).toEqual([env.aws.accountId]);
  });

  describe('cluster', () => {
    it('spreads public, private, intra and database subnets over 3 AZs with the LBC tags', () => {
      const subnets = Object.values(resources(cluster(), 'aws_subnet'));
      expect(subnets).toHaveLength(12);
      const byTier = (tier: string) => subnets.filter((s) => String(s.tags.Name).startsWith(`${env.clusterName}-${tier}-`));
      for (const tier of ['public', 'private', 'intra', 'database']) expect(byTier(tier)).toHaveLength(3);
      for (const s of byTier('public')) expect(s.tags['kubernetes.io/role/elb']).toBe('1');
      for (const s of byTier('private')) expect(s.tags['kubernetes.io/role/internal-elb']).toBe('1');
      expect(new Set(subnets.map((s) => s.availability_zone)).size).toBe(3);
      expect(Object.keys(resources(cluster(), 'aws_nat_gateway'))).toHaveLength(1);
    });

    it('runs the configured Kubernetes version with the API restricted to the allowed CIDRs', () => {
      const eks = only(cluster(), 'aws_eks_cluster');
      expect(eks.name).toBe(env.clusterName);
      expect(eks.version).toBe(env.kubernetesVersion);
      expect(eks.vpc_config.public_access_cidrs).toEqual(env.apiAllowedCidrs);
      expect(eks.vpc_config.public_access_cidrs).not.toContain('0.0.0.0/0');
      expect(eks.vpc_config.endpoint_private_access).toBe(true);
      expect(eks.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
    });

    it('gives cluster-admin access entries to the configured admins only, and on a spoke to its hub\'s Argo CD', () => {
      const admins = [...env.clusterAdmins, ...(env.hub === undefined ? [] : hubIdentityArns(loadEnvironment(env.hub)))];
      const entries = Object.values(resources(cluster(), 'aws_eks_access_entry'));
      expect(entries.map((e) => e.principal_arn).sort()).toEqual(admins.sort());
      const assoc = Object.values(resources(cluster(), 'aws_eks_access_policy_association'));
      expect(assoc).toHaveLength(admins.length);
      for (const a of assoc) {
        expect(a.policy_arn).toBe(CLUSTER_ADMIN_POLICY);
        expect(a.access_scope).toEqual({ type: 'cluster' });
      }
    });

    it('creates one node group per pool with the config labels, sizes and an encrypted gp3 root volume', () => {
      const groups = Object.values(resources(cluster(), 'aws_eks_node_group'));
      const templates = resources(cluster(), 'aws_launch_template');
      expect(groups).toHaveLength(2);
      for (const [pool, spec] of Object.entries(env.nodePools)) {
        const group = groups.find((g) => g.node_group_name === `${env.clusterName}-${pool}`);
        expect(group, pool).toBeDefined();
        expect(group!.labels).toEqual(spec.labels);
        expect(group!.instance_types).toEqual(spec.instanceTypes);
        expect(group!.capacity_type).toBe(spec.capacityType);
        expect(group!.scaling_config).toEqual({ min_size: spec.minSize, max_size: spec.maxSize, desired_size: spec.desiredSize });
        expect(group!.disk_size).toBeUndefined();
        const lt = Object.values(templates).find((t) => t.name === `${env.clusterName}-${pool}`)!;
        expect(lt.block_device_mappings).toEqual([
          {
            device_name: '/dev/xvda',
            ebs: { volume_size: spec.diskSizeGiB, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' },
          },
        ]);
        expect(group!.ami_type).toMatch(/^AL2023_/); // root device of the EKS AL2023 AMIs is /dev/xvda
        expect(lt.metadata_options.http_tokens).toBe('required');
      }
      expect(groups.map((g) => g.labels.role).sort()).toEqual(['apps', 'ci-cd']);
    });

    it('installs the managed add-ons, EBS CSI with its own IRSA role', () => {
      const addons = Object.values(resources(cluster(), 'aws_eks_addon'));
      // Exactly the baseline the convergence model starts from; metrics-server serves metrics.k8s.io.
      expect(addons.map((a) => a.addon_name).sort()).toEqual(EKS_ADDONS.map((a) => a.name).sort());
      expect(addons.map((a) => a.addon_name)).toContain('metrics-server');
      const groups = Object.values(resources(cluster(), 'aws_eks_node_group'));
      const groupIds = Object.keys(resources(cluster(), 'aws_eks_node_group')).map((id) => `aws_eks_node_group.${id}`);
      expect(groupIds).toHaveLength(2);
      for (const a of addons) {
        const before = EKS_ADDONS.find((x) => x.name === a.addon_name)!.beforeNodes === true;
        // Node groups wait for the add-ons they need to join; the rest wait for nodes to run on.
        if (before) for (const g of groups) expect(g.depends_on, a.addon_name).toContain(`aws_eks_addon.addon-${a.addon_name}`);
        else expect(a.depends_on, a.addon_name).toEqual(expect.arrayContaining(groupIds));
      }
      const coredns = addons.find((a) => a.addon_name === 'coredns')!;
      expect(JSON.parse(coredns.configuration_values)).toEqual({ nodeSelector: env.nodePools.cicd.labels });
      const ebs = addons.find((a) => a.addon_name === 'aws-ebs-csi-driver')!;
      expect(ebs.service_account_role_arn).toMatch(/^\$\{aws_iam_role\.ebs-csi-irsa_role_[A-Z0-9]+\.arn\}$/);
      const role = rolesOf(cluster()).find((r) => r.roleName === `${env.clusterName}-ebs-csi`)!;
      const cond = role.trust.statement[0].condition;
      expect(cond.find((c: any) => c.variable.endsWith(':sub')).values).toEqual(['system:serviceaccount:kube-system:ebs-csi-controller-sa']);
      expect(cond.find((c: any) => c.variable.endsWith(':aud')).values).toEqual(['sts.amazonaws.com']);
      const oidc = only(cluster(), 'aws_iam_openid_connect_provider');
      expect(oidc.client_id_list).toEqual(['sts.amazonaws.com']);
    });
  });

  describe('data', () => {
    it('runs two encrypted PostgreSQL instances in the database subnets with the parameter group attached', () => {
      const dbs = Object.values(resources(data(), 'aws_db_instance'));
      expect(dbs.map((d) => d.identifier).sort()).toEqual([`${env.clusterName}-django`, `${env.clusterName}-sonarqube`]);
      const pgName = Object.keys(resources(data(), 'aws_db_parameter_group'));
      expect(pgName).toHaveLength(1);
      const pg = only(data(), 'aws_db_parameter_group');
      expect(pg.family).toBe('postgres16');
      expect(pg.parameter.map((p: any) => p.name)).toEqual(expect.arrayContaining(['autovacuum', 'client_encoding']));
      for (const db of dbs) {
        expect(db.engine).toBe('postgres');
        expect(db.storage_encrypted).toBe(true);
        expect(db.publicly_accessible).toBe(false);
        expect(db.parameter_group_name).toBe(`\${aws_db_parameter_group.${pgName[0]}.name}`);
        expect(db.db_subnet_group_name).toMatch(/^\$\{aws_db_subnet_group\./);
        expect(db.allocated_storage).toBeGreaterThanOrEqual(20); // RDS PostgreSQL minimum
        expect(db.password).toMatch(/terraform_remote_state\.cross-stack-reference-input-.*-secrets\.outputs\./);
      }
    });

    it('opens the database security group on 5432 to the node security group only', () => {
      const sg = only(data(), 'aws_security_group');
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
      const rules = Object.values(resources(data(), 'aws_vpc_security_group_ingress_rule'));
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({ ip_protocol: 'tcp', from_port: 5432, to_port: 5432 });
      expect(rules[0]!.referenced_security_group_id).toMatch(/cross-stack-reference-input-.*-cluster/);
      expect(rules[0]!.cidr_ipv4).toBeUndefined();
      expect(Object.keys(resources(data(), 'aws_vpc_security_group_egress_rule'))).toHaveLength(0);
    });

    it('has an immutable, scanned ECR repository whose lifecycle rule matches SHA tags', () => {
      const repo = only(data(), 'aws_ecr_repository');
      expect(repo.name).toBe(env.apps.django.repository);
      expect(repo.image_tag_mutability).toBe('IMMUTABLE');
      expect(repo.image_scanning_configuration).toEqual({ scan_on_push: true });
      const policy = JSON.parse(only(data(), 'aws_ecr_lifecycle_policy').policy);
      const keep = policy.rules.find((r: any) => r.selection.countType === 'imageCountMoreThan');
      expect(keep.selection).toEqual({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: ECR_KEEP_IMAGES });
      expect(keep.rulePriority).toBe(Math.max(...policy.rules.map((r: any) => r.rulePriority)));
      // A 40-hex SHA tag is selected: no rule filters by tag prefix/pattern.
      for (const r of policy.rules) {
        expect(r.selection.tagPrefixList).toBeUndefined();
        expect(r.selection.tagPatternList).toBeUndefined();
      }
    });
  });

  describe('certificate', () => {
    it('requests *.<domain> validated through the configured DNS provider', () => {
      const c = only(cert(), 'aws_acm_certificate');
      expect(c.domain_name).toBe(`*.${env.domain}`);
      expect(c.validation_method).toBe('DNS');
      expect(Object.keys(resources(cert(), 'aws_acm_certificate_validation'))).toHaveLength(1);
      if (env.dns.kind === 'route53') {
        expect(only(cert(), 'aws_route53_record').zone_id).toBe(env.dns.hostedZoneId);
        expect(cert().provider.cloudflare).toBeUndefined();
      } else {
        expect(only(cert(), 'cloudflare_dns_record').zone_id).toBe(env.dns.zoneId);
        expect(cert().variable.cloudflare_api_token).toMatchObject({ sensitive: true, nullable: false });
        expect(cert().variable.cloudflare_api_token.default).toBeUndefined();
      }
    });
  });

  describe('access', () => {
    it('encrypts SecureStrings with its own rotated KMS key', () => {
      const key = only(access(), 'aws_kms_key');
      expect(key.enable_key_rotation).toBe(true);
      const name = Object.keys(resources(access(), 'aws_kms_key'))[0];
      for (const p of Object.values(resources(access(), 'aws_ssm_parameter'))) {
        if (p.type === 'SecureString') expect(p.key_id).toBe(`\${aws_kms_key.${name}.arn}`);
        else expect(p.key_id).toBeUndefined();
      }
    });

    it('trusts each IRSA role only through the OIDC provider with :sub and :aud', () => {
      for (const role of rolesOf(access())) {
        expect(role.trust.statement).toHaveLength(1);
        const st = role.trust.statement[0];
        expect(st.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
        expect(st.principals).toHaveLength(1);
        expect(st.principals[0].type).toBe('Federated');
        expect(JSON.stringify(role.trust)).not.toContain('eks.amazonaws.com');
        const sub = st.condition.find((c: any) => c.variable.endsWith(':sub'));
        const aud = st.condition.find((c: any) => c.variable.endsWith(':aud'));
        expect(sub.test).toBe('StringEquals');
        expect(sub.values).toHaveLength(1);
        expect(sub.values[0]).toMatch(/^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$/);
        expect(aud).toMatchObject({ test: 'StringEquals', values: ['sts.amazonaws.com'] });
      }
    });

    it('scopes SSM reads to the app prefix plus its readsFrom parameters, and KMS to the SSM key via SSM', () => {
      const arn = (name: string) => `arn:aws:ssm:${env.aws.region}:${env.aws.accountId}:parameter${name}`;
      const jenkins = rolesOf(access()).find((r) => r.roleName === `${env.clusterName}-jenkins-ssm-reader`)!;
      const st = jenkins.policies['ssm-read']!.statement as any[];
      expect(st.find((s) => s.sid === 'ReadOwnParameters').resources).toEqual([arn(`/${env.clusterName}/jenkins/*`)]);
      expect(st.find((s) => s.sid === 'ListOwnPath').resources).toEqual([
        arn(`/${env.clusterName}/jenkins`),
        arn(`/${env.clusterName}/jenkins/*`),
      ]);
      expect(st.find((s) => s.sid === 'ReadSharedParameters').resources).toEqual([arn(`/${env.clusterName}/sonarqube/analysis_password`)]);
      const kms = st.find((s) => s.sid === 'DecryptThroughSsm');
      expect(kms.actions).toEqual(['kms:Decrypt']);
      expect(kms.resources).toEqual([expect.stringMatching(/^\$\{aws_kms_key\.[^.]+\.arn\}$/)]);
      expect(kms.condition).toEqual([{ test: 'StringEquals', variable: 'kms:ViaService', values: [`ssm.${env.aws.region}.amazonaws.com`] }]);
    });

    it('scopes ECR push (jenkins) to the one repository, read (image updater) to it and its spokes\' repositories', () => {
      const roles = rolesOf(access());
      const repoArn = expect.stringMatching(/cross-stack-reference-input-.*-data\.outputs\.cross-stack-output-aws_ecr_repositoryecrarn/);
      const push = roles.find((r) => r.roleName === `${env.clusterName}-jenkins`)!.policies['ecr-push']!.statement as any[];
      expect(push.find((s) => s.sid === 'EcrPushPull').resources).toEqual([repoArn]);
      expect(push.find((s) => s.sid === 'EcrPushPull').actions).toContain('ecr:PutImage');
      const read = roles.find((r) => r.roleName === `${env.clusterName}-argocd-image-updater`)!.policies['ecr-read']!.statement as any[];
      const spokes = spokesOf(env.name, envs).map((s) => `arn:aws:ecr:${s.aws.region}:${s.aws.accountId}:repository/${s.apps.django.repository}`);
      expect(read.find((s) => s.sid === 'EcrPull').resources).toEqual([repoArn, ...spokes]);
      if (env.name === 'prod') expect(spokes).toEqual(['arn:aws:ecr:us-east-1:222222222222:repository/django-todo-staging']);
      expect(read.flatMap((s) => s.actions)).not.toContain('ecr:PutImage');
    });

    it('grants external-dns Route53 rights on the configured zone only when DNS is Route53', () => {
      const role = rolesOf(access()).find((r) => r.roleName === `${env.clusterName}-external-dns`)!;
      if (env.dns.kind === 'route53') {
        const st = role.policies['route53-records']!.statement as any[];
        expect(st.find((s) => s.sid === 'ChangeZoneRecords').resources).toEqual([`arn:aws:route53:::hostedzone/${env.dns.hostedZoneId}`]);
      } else {
        expect(role.policies).toEqual({});
      }
    });

    it('gives the Load Balancer Controller the published v2.8 policy', () => {
      const role = rolesOf(access()).find((r) => r.roleName === `${env.clusterName}-aws-load-balancer-controller`)!;
      const st = role.policies['load-balancer-controller']!.statement as any[];
      expect(st).toHaveLength(16);
      const actions = st.flatMap((s) => s.actions);
      expect(actions).toEqual(expect.arrayContaining(['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:DescribeTrustStores']));
    });
  });
});
