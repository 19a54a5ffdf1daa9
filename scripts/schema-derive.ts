/**
 * How scripts/import-schemas.ts derives one validation schema from an OpenAPI or CRD schema: the
 * kept keywords, the strictness it adds (`additionalProperties: false` where the API server rejects
 * or prunes unknown fields), the enums Kubernetes documents but does not declare, and what it drops
 * (formats the validator does not know, patterns JavaScript cannot compile), counted in `notes`.
 */
import { K8S_SCHEMA_ID } from '../synth/schema-load';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: Json };

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** CRD schemas reference ObjectMeta in the core schema file, by its id. */
const OBJECT_META_REF = `${K8S_SCHEMA_ID}#/definitions/${OBJECT_META}`;

/** Formats that schema-validate.ts registers with ajv; every other format is dropped. */
const SAFE_FORMATS = new Set(['int32', 'int64', 'byte', 'date-time']);

/** Kubernetes' resource.Quantity regular expression (k8s.io/apimachinery/pkg/api/resource). */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/**
 * Enumerations the 1.28 API server enforces for core kinds. They are declared with `+enum` in
 * k8s.io/api v0.28 (the API server publishes them in its OpenAPI v3) or checked by its validation
 * code, but the OpenAPI v2 `_definitions.json` used here only mentions them in descriptions.
 * Keyed by definition, then property; an `[]` suffix puts the enum on the array's items.
 */
const CORE_ENUMS: Record<string, Record<string, string[]>> = {
  'io.k8s.api.core.v1.Container': {
    imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
    terminationMessagePolicy: ['File', 'FallbackToLogsOnError'],
  },
  'io.k8s.api.core.v1.EphemeralContainer': {
    imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
    terminationMessagePolicy: ['File', 'FallbackToLogsOnError'],
  },
  'io.k8s.api.core.v1.PodSpec': {
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    dnsPolicy: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
    preemptionPolicy: ['Never', 'PreemptLowerPriority'],
  },
  'io.k8s.api.core.v1.PodSecurityContext': { fsGroupChangePolicy: ['OnRootMismatch', 'Always'] },
  'io.k8s.api.core.v1.PodOS': { name: ['linux', 'windows'] },
  'io.k8s.api.core.v1.SeccompProfile': { type: ['Localhost', 'RuntimeDefault', 'Unconfined'] },
  'io.k8s.api.core.v1.ContainerPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.core.v1.ServicePort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.core.v1.ServiceSpec': {
    type: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
    sessionAffinity: ['ClientIP', 'None'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    ipFamilyPolicy: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
    'ipFamilies[]': ['IPv4', 'IPv6'],
  },
  'io.k8s.api.core.v1.HTTPGetAction': { scheme: ['HTTP', 'HTTPS'] },
  'io.k8s.api.core.v1.Toleration': { operator: ['Equal', 'Exists'] },
  'io.k8s.api.core.v1.TopologySpreadConstraint': { whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'] },
  'io.k8s.api.core.v1.NodeSelectorRequirement': { operator: ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'] },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { operator: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
  'io.k8s.api.core.v1.VolumeMount': { mountPropagation: ['Bidirectional', 'HostToContainer', 'None'] },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': {
    'accessModes[]': ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'],
    volumeMode: ['Block', 'Filesystem'],
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'io.k8s.api.apps.v1.StatefulSetSpec': { podManagementPolicy: ['OrderedReady', 'Parallel'] },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': { type: ['OnDelete', 'RollingUpdate'] },
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy': { type: ['OnDelete', 'RollingUpdate'] },
  'io.k8s.api.batch.v1.CronJobSpec': { concurrencyPolicy: ['Allow', 'Forbid', 'Replace'] },
  'io.k8s.api.batch.v1.JobSpec': { completionMode: ['Indexed', 'NonIndexed'] },
  'io.k8s.api.networking.v1.HTTPIngressPath': { pathType: ['Exact', 'ImplementationSpecific', 'Prefix'] },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { 'policyTypes[]': ['Egress', 'Ingress'] },
  'io.k8s.api.networking.v1.NetworkPolicyPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['AlwaysAllow', 'IfHealthyBudget'] },
  'io.k8s.api.autoscaling.v2.MetricSpec': { type: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] },
  'io.k8s.api.autoscaling.v2.MetricTarget': { type: ['AverageValue', 'Utilization', 'Value'] },
  'io.k8s.api.autoscaling.v2.HPAScalingPolicy': { type: ['Percent', 'Pods'] },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { selectPolicy: ['Disabled', 'Max', 'Min'] },
};

export function applyCoreEnums(definitions: Record<string, Schema>): void {
  for (const [def, props] of Object.entries(CORE_ENUMS)) {
    const schema = definitions[def];
    const properties = schema?.properties as Record<string, Schema> | undefined;
    for (const [key, values] of Object.entries(props)) {
      const name = key.replace(/\[\]$/, '');
      let target = properties?.[name];
      if (key.endsWith('[]')) target = target?.items as Schema | undefined;
      if (!target || target.type !== 'string') throw new Error(`CORE_ENUMS: ${def}.${key} is not a string field`);
      target.enum = values;
    }
  }
}

const COPIED_KEYS = [
  'type', 'required', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems',
  'maxItems', 'minProperties', 'maxProperties', 'multipleOf', '$ref',
] as const;

interface Ctx {
  /** CRD schema (objects without properties are pruned entirely by the API server). */
  readonly crd: boolean;
  /** Inside allOf/anyOf/oneOf/not: value validation only, never add strictness there. */
  readonly inCombinator: boolean;
  /** Unknown fields kept because an enclosing array sets x-kubernetes-preserve-unknown-fields. */
  readonly preserved: boolean;
}

export const notes = {
  droppedPatterns: new Map<string, number>(),
  droppedFormats: new Map<string, number>(),
};

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsRegexOk(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

export function derive(src: Record<string, unknown>, ctx: Ctx): Schema {
  const out: Schema = {};
  for (const key of COPIED_KEYS) {
    if (src[key] !== undefined) out[key] = src[key] as Json;
  }
  if (src.nullable === true && src.type !== undefined) out.nullable = true;
  for (const ext of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource']) {
    if (src[ext] === true) out[ext] = true;
  }
  // OpenAPI 3.0 boolean exclusive bounds -> JSON Schema draft-07 numeric form.
  if (src.exclusiveMinimum === true && typeof src.minimum === 'number') {
    out.exclusiveMinimum = src.minimum;
    delete out.minimum;
  }
  if (src.exclusiveMaximum === true && typeof src.maximum === 'number') {
    out.exclusiveMaximum = src.maximum;
    delete out.maximum;
  }
  if (typeof src.pattern === 'string') {
    if (jsRegexOk(src.pattern)) out.pattern = src.pattern;
    else bump(notes.droppedPatterns, src.pattern);
  }
  if (typeof src.format === 'string') {
    if (SAFE_FORMATS.has(src.format)) out.format = src.format;
    else bump(notes.droppedFormats, src.format);
  }

  const preserve = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObject(src.properties)) {
    const props: Schema = {};
    for (const [name, child] of Object.entries(src.properties)) {
      if (isObject(child)) props[name] = derive(child, { ...ctx, preserved: false });
    }
    out.properties = props;
  }
  if (isObject(src.items)) {
    // The API server's pruning walks arrays of a preserved node in "skip" mode.
    out.items = derive(src.items, { ...ctx, preserved: preserve || ctx.preserved });
  }
  if (typeof src.additionalProperties === 'boolean') out.additionalProperties = src.additionalProperties;
  else if (isObject(src.additionalProperties)) out.additionalProperties = derive(src.additionalProperties, { ...ctx, preserved: false });
  for (const comb of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = src[comb];
    if (Array.isArray(list)) out[comb] = list.filter(isObject).map((s) => derive(s, { ...ctx, inCombinator: true, preserved: false }));
  }
  if (isObject(src.not)) out.not = derive(src.not, { ...ctx, inCombinator: true, preserved: false });

  if (out['x-kubernetes-int-or-string'] === true && out.anyOf === undefined && out.oneOf === undefined) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out['x-kubernetes-embedded-resource'] === true && !ctx.inCombinator) addObjectRootFields(out);

  const open = preserve || ctx.preserved;
  if (!ctx.inCombinator && !open && out.additionalProperties === undefined) {
    if (out.properties !== undefined) out.additionalProperties = false;
    else if (ctx.crd && out.type === 'object') out.additionalProperties = false;
  }
  return out;
}

/** apiVersion, kind and metadata (as ObjectMeta) are always allowed on a resource root. */
export function addObjectRootFields(schema: Schema): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true && schema.properties === undefined) return;
  const props = isObject(schema.properties) ? schema.properties : {};
  props.apiVersion ??= { type: 'string' };
  props.kind ??= { type: 'string' };
  const meta = props.metadata;
  if (isObject(meta) && isObject(meta.properties)) {
    // Keep the CRD's extra metadata constraints, but value-only (inside allOf).
    const extra: Schema = { properties: meta.properties };
    if (meta.required !== undefined) extra.required = meta.required;
    props.metadata = { allOf: [{ $ref: OBJECT_META_REF }, extra] };
  } else {
    props.metadata = { $ref: OBJECT_META_REF };
  }
  schema.properties = props;
}
