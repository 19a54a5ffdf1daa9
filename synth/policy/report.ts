/**
 * Turns policy findings into one report: each finding is either waived (by a typed waiver the
 * finding's app declares, see charts/lib/policy-waiver.ts) or a failure. Waivers that match no
 * finding are problems too, so the list of exceptions never outlives its reason.
 */
import type { PolicyWaiver } from '../../charts/lib/policy-waiver';
import type { PodSecurityLevel } from '../../config/pod-security';
import type { ObjectFacts } from '../objects';
import type { PolicyFinding } from './object-policy';

/** A finding located in one app of one environment. */
export interface LocatedFinding extends PolicyFinding {
  readonly app: string;
  readonly object: ObjectFacts;
}

/** One line of the policy report. */
export interface PolicyRow {
  readonly env: string;
  readonly app: string;
  readonly check: PolicyFinding['check'];
  /** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
  readonly object: string;
  readonly message: string;
  /** The waiver's reason when the finding is accepted. */
  readonly waived?: string;
}

/** What one app contributes to the report. */
export interface AppPolicyInput {
  readonly app: string;
  readonly namespace: string;
  readonly objects: readonly ObjectFacts[];
  readonly waivers: readonly PolicyWaiver[];
}

/**
 * Whether a finding applies: "restricted" applies to our own workloads everywhere and to upstream
 * ones in namespaces that enforce it (a namespace without a level counts as restricted).
 */
function applies(f: LocatedFinding, levels: ReadonlyMap<string, PodSecurityLevel>): boolean {
  if (f.check !== 'pod-security-restricted' || f.object.origin === 'own') return true;
  return (levels.get(f.object.namespace ?? '') ?? 'restricted') === 'restricted';
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export const objectLabel = (o: { kind: string; name: string; namespace?: string }) => `${o.kind} ${o.namespace !== undefined ? `${o.namespace}/` : ''}${o.name}`;

/** Identifies a waiver across environments (each environment builds its own chart objects). */
export const waiverKey = (app: string, w: PolicyWaiver) => `${app}: ${w.check} on ${objectLabel(w)}`;

function waiverMatches(w: PolicyWaiver, app: AppPolicyInput, o: ObjectFacts): boolean {
  return w.kind === o.kind && w.name === o.name && (o.namespace === undefined || (w.namespace ?? app.namespace) === o.namespace);
}

/**
 * The report of one environment. `extra` are the findings of checks across objects (Ingress
 * hosts, pod references); `levels` the Pod Security level each namespace enforces. `problems` lists waivers that are unused although their object is there;
 * `renderedWaivers` the keys of waivers whose object this environment renders.
 */
export function policyReport(
  env: string,
  apps: readonly AppPolicyInput[],
  extra: readonly LocatedFinding[],
  levels: ReadonlyMap<string, PodSecurityLevel>,
): { rows: PolicyRow[]; problems: string[]; renderedWaivers: string[] } {
  const findings: LocatedFinding[] = [
    ...apps.flatMap((a) => a.objects.flatMap((object) => (object.findings ?? []).map((f) => ({ ...f, app: a.app, object })))),
    ...extra,
  ].filter((f) => applies(f, levels));
  const used = new Set<PolicyWaiver>();
  const rows = findings.map((f): PolicyRow => {
    const app = apps.find((a) => a.app === f.app);
    const waiver = app?.waivers.find((w) => w.check === f.check && waiverMatches(w, app, f.object));
    if (waiver) used.add(waiver);
    return { env, app: f.app, check: f.check, object: objectLabel(f.object), message: f.message, ...(waiver ? { waived: waiver.reason } : {}) };
  });
  const problems: string[] = [];
  const renderedWaivers: string[] = [];
  for (const app of apps) {
    for (const w of app.waivers) {
      const object = app.objects.find((o) => waiverMatches(w, app, o));
      if (!object) continue;
      renderedWaivers.push(waiverKey(app.app, w));
      if (!used.has(w)) problems.push(`${env}/${app.app}: policy waiver "${w.check}" for ${objectLabel(object)} matches no finding; remove it`);
    }
  }
  rows.sort((a, b) => `${a.app}\0${a.check}\0${a.object}\0${a.message}`.localeCompare(`${b.app}\0${b.check}\0${b.object}\0${b.message}`));
  return { rows, problems, renderedWaivers };
}

/** The report as one plain-text table: environment/app, check, object, message (and waiver reason). */
export function formatPolicyTable(rows: readonly PolicyRow[]): string {
  const header = ['app', 'check', 'object', 'finding'];
  const cells = rows.map((r) => [`${r.env}/${r.app}`, r.check, r.object, r.waived ? `${r.message} (waived: ${r.waived})` : r.message]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
