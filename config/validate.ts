/**
 * Load-time checks of an environment config: what the types cannot express. Every problem names
 * the environment and the field; all problems are reported at once.
 */
import { chartNames } from './chart-versions';
import { allServiceAccounts, checkContract, roleName } from './contract';
import { BOOTSTRAP_IMAGE_TAG, images } from './images';
import { parseImageRef } from './image-ref';
import type { EnvironmentConfig, NodePool, Resources } from './types';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;
const SEMVER = /^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/;
const DURATION = /^\d+(ms|s|m|h|d|w|y)$/;

export class EnvironmentError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly { field: string; message: string }[],
  ) {
    super(problems.map((p) => `environment "${environment}": field "${p.field}": ${p.message}`).join('\n'));
    this.name = 'EnvironmentError';
  }
}

export function validateEnvironment(env: EnvironmentConfig): void {
  const problems: { field: string; message: string }[] = [];
  const check = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push({ field, message });
  };

  check(/^\d{12}$/.test(env.aws.accountId), 'aws.accountId', `must be 12 digits, got "${env.aws.accountId}"`);
  check(/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(env.aws.region), 'aws.region', `not an AWS region: "${env.aws.region}"`);
  check(DNS_LABEL.test(env.clusterName) && env.clusterName.length <= 40, 'clusterName', `must be a DNS label of at most 40 characters, got "${env.clusterName}"`);
  check(/^1\.\d{2}$/.test(env.kubernetesVersion), 'kubernetesVersion', `must look like 1.29, got "${env.kubernetesVersion}"`);
  check(DOMAIN.test(env.domain), 'domain', `not a lowercase DNS name: "${env.domain}"`);
  if (env.dns.kind === 'route53') check(/^Z[0-9A-Z]{8,31}$/.test(env.dns.hostedZoneId), 'dns.hostedZoneId', `not a Route53 zone id: "${env.dns.hostedZoneId}"`);
  else check(/^[0-9a-f]{32}$/.test(env.dns.zoneId), 'dns.zoneId', `not a Cloudflare zone id: "${env.dns.zoneId}"`);
  if (env.certificateArn !== undefined) {
    const prefix = `arn:aws:acm:${env.aws.region}:${env.aws.accountId}:certificate/`;
    check(env.certificateArn.startsWith(prefix), 'certificateArn', `must start with ${prefix}`);
  }
  check(/^https:\/\/[^\s]+\.git$/.test(env.git.repoUrl), 'git.repoUrl', `must be an https URL ending in .git, got "${env.git.repoUrl}"`);
  check(/^[A-Za-z0-9._/-]+$/.test(env.git.revision) && env.git.revision !== 'HEAD', 'git.revision', `must be a branch name (not HEAD), got "${env.git.revision}"`);
  env.apiAllowedCidrs.forEach((cidr, i) => check(isCidr(cidr), `apiAllowedCidrs[${i}]`, `not an IPv4 CIDR: "${cidr}"`));
  check(env.apiAllowedCidrs.length > 0, 'apiAllowedCidrs', 'at least one CIDR is required (the API endpoint is never open to all)');
  check(!env.apiAllowedCidrs.includes('0.0.0.0/0'), 'apiAllowedCidrs', '0.0.0.0/0 would open the API endpoint to everyone');
  env.clusterAdmins.forEach((arn, i) => check(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(arn), `clusterAdmins[${i}]`, `not an IAM role or user ARN: "${arn}"`));

  for (const [name, pool] of Object.entries(env.nodePools)) checkPool(`nodePools.${name}`, pool, check);
  const selectors = Object.values(env.nodePools).map((p) => JSON.stringify(p.labels));
  check(new Set(selectors).size === selectors.length, 'nodePools', 'two pools have the same labels, so workloads cannot choose between them');

  for (const chart of chartNames) {
    const version = env.charts[chart];
    check(typeof version === 'string' && SEMVER.test(version), `charts.${chart}`, `must be a pinned semver version, got "${version}"`);
  }

  const apps = env.apps;
  const dj = apps.django;
  check(DNS_LABEL.test(dj.repository), 'apps.django.repository', `not a valid repository name: "${dj.repository}"`);
  check(dj.defaultTag === BOOTSTRAP_IMAGE_TAG || /^[0-9a-f]{40}$/.test(dj.defaultTag), 'apps.django.defaultTag', `must be "${BOOTSTRAP_IMAGE_TAG}" or a 40-hex git SHA the pipeline pushed, got "${dj.defaultTag}"`);
  check(Number.isInteger(dj.replicas) && dj.replicas >= 1, 'apps.django.replicas', `must be an integer >= 1, got ${dj.replicas}`);
  if (dj.autoscaling) {
    const a = dj.autoscaling;
    check(a.minReplicas >= 1 && a.minReplicas <= a.maxReplicas, 'apps.django.autoscaling', `needs 1 <= minReplicas <= maxReplicas, got ${a.minReplicas}..${a.maxReplicas}`);
    check(a.targetCpuPercent > 0 && a.targetCpuPercent <= 100, 'apps.django.autoscaling.targetCpuPercent', `must be 1..100, got ${a.targetCpuPercent}`);
  }
  check(!(env.name === 'prod' && dj.debug), 'apps.django.debug', 'must be false in prod');
  checkResources('apps.django.resources', dj.resources, check);
  checkResources('apps.django.nginxResources', dj.nginxResources, check);
  checkResources('apps.sonarqube.resources', apps.sonarqube.resources, check);
  checkResources('apps.jenkins.controllerResources', apps.jenkins.controllerResources, check);
  checkResources('apps.jenkins.agentResources', apps.jenkins.agentResources, check);
  checkResources('apps.eck-stack.elasticsearchResources', apps['eck-stack'].elasticsearchResources, check);
  checkResources('apps.eck-stack.kibanaResources', apps['eck-stack'].kibanaResources, check);
  check(apps['eck-stack'].elasticsearchNodes >= 1, 'apps.eck-stack.elasticsearchNodes', 'must be >= 1');
  check(DURATION.test(apps.prometheus.retention), 'apps.prometheus.retention', `not a Prometheus duration: "${apps.prometheus.retention}"`);
  check(apps.prometheus.storageGi >= 0, 'apps.prometheus.storageGi', 'must be >= 0');

  for (const sa of allServiceAccounts()) {
    const role = roleName(env.clusterName, sa.app, sa.name as never);
    check(role.length <= 64, `clusterName`, `IAM role name "${role}" is longer than 64 characters`);
  }
  for (const [name, ref] of Object.entries(images)) {
    try {
      parseImageRef(ref);
    } catch (e) {
      problems.push({ field: `images.${name}`, message: (e as Error).message });
    }
  }
  try {
    checkContract();
  } catch (e) {
    problems.push({ field: 'contract', message: (e as Error).message });
  }
  if (problems.length > 0) throw new EnvironmentError(env.name, problems);
}

function isCidr(cidr: string): boolean {
  const m = CIDR.exec(cidr);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255);
}

function checkPool(field: string, pool: NodePool, check: (ok: boolean, field: string, message: string) => void): void {
  check(Number.isInteger(pool.minSize) && pool.minSize >= 0, `${field}.minSize`, `must be an integer >= 0, got ${pool.minSize}`);
  check(pool.maxSize >= pool.minSize && pool.maxSize >= 1, `${field}.maxSize`, `must be >= minSize (${pool.minSize}) and >= 1, got ${pool.maxSize}`);
  check(pool.desiredSize >= pool.minSize && pool.desiredSize <= pool.maxSize, `${field}.desiredSize`, `must be within ${pool.minSize}..${pool.maxSize}, got ${pool.desiredSize}`);
  check(pool.instanceTypes.length > 0, `${field}.instanceTypes`, 'at least one instance type is required');
  check(pool.diskSizeGiB >= 20, `${field}.diskSizeGiB`, `must be >= 20, got ${pool.diskSizeGiB}`);
  check(Object.keys(pool.labels).length > 0, `${field}.labels`, 'a pool needs at least one label to be selectable');
  for (const [k, v] of Object.entries(pool.labels)) check(LABEL_VALUE.test(v) && v.length <= 63, `${field}.labels.${k}`, `not a valid label value: "${v}"`);
}

function checkResources(field: string, r: Resources, check: (ok: boolean, field: string, message: string) => void): void {
  const quantities: [string, string | undefined][] = [
    ['requests.cpu', r.requests.cpu],
    ['requests.memory', r.requests.memory],
    ['limits.cpu', r.limits.cpu],
    ['limits.memory', r.limits.memory],
  ];
  for (const [name, q] of quantities) {
    if (q !== undefined) check(QUANTITY.test(q), `${field}.${name}`, `not a Kubernetes quantity: "${q}"`);
  }
}
