/**
 * Checks config at load time. An environment is parsed with its schema (schema.ts: unknown keys,
 * types, formats, ranges), then checked for the rules between its fields. The contract and the
 * image list, shared by every environment, are checked once by {@link checkSharedConfig}. Every
 * problem is reported at once, each naming the environment (or document) and the field path.
 */
import { z } from 'zod';
import { allServiceAccounts, contractProblems, roleName } from './contract';
import { images } from './images';
import { parseImageRef } from './image-ref';
import { environmentConfig } from './schema';
import { ConfigError, type FieldProblem, mapOf, parsedBy, parseWith } from './schema-kit';
import type { EnvironmentConfig } from './types';

/** Problems of one environment's config. */
export class EnvironmentError extends ConfigError {
  constructor(
    readonly environment: string,
    problems: readonly FieldProblem[],
  ) {
    super(`environment "${environment}"`, problems);
    this.name = 'EnvironmentError';
  }
}

/** Parses one environment's raw config; returns it typed, or throws every problem. */
export function validateEnvironment(raw: unknown, name: string): EnvironmentConfig {
  const parsed = parseWith(environmentConfig, raw);
  if (parsed.value === undefined) throw new EnvironmentError(name, parsed.problems);
  const problems = crossFieldProblems(parsed.value);
  if (parsed.value.name !== name) problems.unshift({ field: 'name', message: `must be "${name}", the environment's key (its dist/ folder)` });
  if (problems.length > 0) throw new EnvironmentError(name, problems);
  return parsed.value;
}

/** The rules between fields, on a config that passed its schema. */
function crossFieldProblems(env: EnvironmentConfig): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push({ field, message });
  };
  if (env.certificateArn !== undefined) {
    const prefix = `arn:aws:acm:${env.aws.region}:${env.aws.accountId}:certificate/`;
    check(env.certificateArn.startsWith(prefix), 'certificateArn', `must start with ${prefix}`);
  }
  check(!env.apiAllowedCidrs.includes('0.0.0.0/0'), 'apiAllowedCidrs', '0.0.0.0/0 would open the API endpoint to everyone');
  check(!env.adminAllowedCidrs.includes('0.0.0.0/0'), 'adminAllowedCidrs', '0.0.0.0/0 would open the admin UIs to everyone');
  for (const [name, pool] of Object.entries(env.nodePools)) {
    const field = `nodePools.${name}`;
    check(pool.maxSize >= pool.minSize, `${field}.maxSize`, `must be >= minSize (${pool.minSize}), got ${pool.maxSize}`);
    check(pool.desiredSize >= pool.minSize && pool.desiredSize <= pool.maxSize, `${field}.desiredSize`, `must be within ${pool.minSize}..${pool.maxSize}, got ${pool.desiredSize}`);
    check(Object.keys(pool.labels).length > 0, `${field}.labels`, 'a pool needs at least one label to be selectable');
  }
  const selectors = Object.values(env.nodePools).map((p) => JSON.stringify(p.labels));
  check(new Set(selectors).size === selectors.length, 'nodePools', 'two pools have the same labels, so workloads cannot choose between them');
  const a = env.apps.django.autoscaling;
  if (a) check(a.minReplicas <= a.maxReplicas, 'apps.django.autoscaling', `needs minReplicas <= maxReplicas, got ${a.minReplicas}..${a.maxReplicas}`);
  check(!(env.name === 'prod' && env.apps.django.debug), 'apps.django.debug', 'must be false in prod');
  for (const sa of allServiceAccounts()) {
    const role = roleName(env.clusterName, sa.app, sa.name as never);
    check(role.length <= 64, 'clusterName', `IAM role name "${role}" is longer than 64 characters`);
  }
  return problems;
}

/** Container images our own objects use: every reference parses and is pinned. */
const imageList = mapOf(z.string(), parsedBy(parseImageRef));

/**
 * Checks what every environment shares: the contract and the image list. Returns one message per
 * problem (`contract: field "argocd.hosts.server": ...`).
 */
export function checkSharedConfig(): string[] {
  const problems = [new ConfigError('contract', contractProblems()), new ConfigError('images', parseWith(imageList, images).problems)];
  return problems.flatMap((e) => e.lines);
}
