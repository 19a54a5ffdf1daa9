/**
 * docs/seed-parity.md is the single record of what replaced each hand-written object of the seed
 * (rows 1–51), each patch of a chart object (P1–P9) and each Kubernetes object its Terraform
 * created (TF1–TF5). These tests hold the document to that: every row once, a valid outcome, a
 * reason for every removal, and every object a row names actually rendered — in memory, for every
 * environment, by the app the row names (dist/ equals this render; the drift test proves that).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appNames, type AppName } from '../config/contract';
import { environmentNames, loadEnvironment } from '../config/environments';
import type { SynthResult } from '../synth/pipeline';
import { renderPlatform } from './rendered';
import {
  countProblems,
  EXPECTED_ROW_IDS,
  OUTCOMES,
  parseParityDoc,
  renderedProblems,
  rowIdProblems,
  rowProblems,
  type RenderedEnvironment,
} from './seed-parity-table';
import { repoRoot } from '../config/paths';

const DOC = join(repoRoot, 'docs', 'seed-parity.md');
const table = parseParityDoc(readFileSync(DOC, 'utf8'));
const known = { apps: appNames as readonly string[], envs: environmentNames as readonly string[] };

/** The facts check needs from one environment of the render. */
function renderedEnvironment(result: SynthResult, env: string): RenderedEnvironment {
  const config = loadEnvironment(env);
  return {
    env,
    enabled: (app) => (appNames as readonly string[]).includes(app) && config.apps[app as AppName].enabled,
    apps: new Map(result.apps.filter((a) => a.env === env).map((a) => [a.app, a.objects])),
  };
}

/** The old repository's environments, each with its own Argo CD (newer ones, like the spoke staging, have no seed). */
const SEED_ENVIRONMENTS = ['dev', 'prod'] as const;

describe('docs/seed-parity.md', () => {
  it('has every seed row 1–51, every patch P1–P9 and every Terraform object TF1–TF5, each exactly once', () => {
    expect(rowIdProblems(table)).toEqual([]);
    expect(table.rows).toHaveLength(EXPECTED_ROW_IDS.length);
  });

  it('gives every row a valid outcome, a reason for each removal and a well-formed replacement', () => {
    expect(rowProblems(table, known)).toEqual([]);
    for (const r of table.rows) expect(OUTCOMES, `row ${r.id}`).toContain(r.outcome);
  });

  it('states counts that match its rows', () => {
    expect(countProblems(table)).toEqual([]);
  });

  describe('against the rendered platform', () => {
    let result: SynthResult;
    beforeAll(async () => {
      result = await renderPlatform();
    });

    it('renders the seed\'s environments', () => {
      expect([...result.environments].sort()).toEqual([...SEED_ENVIRONMENTS]);
    });

    it.each(SEED_ENVIRONMENTS)('%s renders every object the table names, in the app it names', (env) => {
      expect(renderedProblems(table, renderedEnvironment(result, env))).toEqual([]);
    });

    it('checks every kept, renamed and chart-value row (none of them lists no object)', () => {
      const kept = table.rows.filter((r) => r.outcome !== 'removed');
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.filter((r) => r.replacedBy.length === 0 || r.app === undefined).map((r) => r.id)).toEqual([]);
    });
  });
});

/** A one-row table in the doc's format, for the checks' failure paths. */
function doc(...rows: string[]): string {
  return [
    '## demo',
    '',
    '| # | seed object | outcome | app | replaced by | notes |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

const objects = (...refs: [kind: string, namespace: string | undefined, name: string][]) =>
  refs.map(([kind, namespace, name]) => ({ kind, name, ...(namespace !== undefined ? { namespace } : {}) }));

function environment(env: string, apps: Record<string, ReturnType<typeof objects>>, disabled: string[] = []): RenderedEnvironment {
  return { env, enabled: (app) => !disabled.includes(app), apps: new Map(Object.entries(apps)) };
}

describe('seed-parity checks fail when they should', () => {
  const demoKnown = { apps: ['demo', 'other'], envs: ['dev', 'prod'] };

  it('a row naming an object that is not rendered fails, naming the row, environment and object', () => {
    const t = parseParityDoc(doc('| 7 | `Service demo/web` | same | demo | `Service demo/web`, `ConfigMap demo/missing` | kept |'));
    expect(rowProblems(t, demoKnown)).toEqual([]);
    const problems = renderedProblems(t, environment('dev', { demo: objects(['Service', 'demo', 'web']) }));
    expect(problems).toEqual(['row 7 (demo) in dev: ConfigMap demo/missing is not rendered by app demo']);
  });

  it('an object rendered by another app, or in another namespace, does not count', () => {
    const t = parseParityDoc(doc('| 1 | `Service demo/web` | same | demo | `Service demo/web` | kept |'));
    const env = environment('prod', { demo: objects(['Service', 'elsewhere', 'web']), other: objects(['Service', 'demo', 'web']) });
    expect(renderedProblems(t, env)).toEqual(['row 1 (demo) in prod: Service demo/web is not rendered by app demo']);
  });

  it('cluster-scoped references, name prefixes and environment limits match as documented', () => {
    const t = parseParityDoc(
      doc('| 1 | `ConfigMap demo/cfg-*` | renamed | demo | `ConfigMap demo/new-*`, `StorageClass fast`, `Secret demo/token [prod]` | hashed |'),
    );
    expect(rowProblems(t, demoKnown)).toEqual([]);
    const base = objects(['ConfigMap', 'demo', 'new-0123456789'], ['StorageClass', undefined, 'fast']);
    expect(renderedProblems(t, environment('dev', { demo: base }))).toEqual([]);
    expect(renderedProblems(t, environment('prod', { demo: base }))).toEqual(['row 1 (demo) in prod: Secret demo/token is not rendered by app demo']);
    expect(renderedProblems(t, environment('dev', { demo: [...base, ...objects(['Secret', 'demo', 'token'])] }))).toEqual([
      'row 1 (demo) in dev: Secret demo/token is rendered by app demo, but the table limits it to prod',
    ]);
    // A namespaced reference does not match a cluster-scoped object of the same name.
    expect(renderedProblems(t, environment('dev', { demo: objects(['ConfigMap', 'demo', 'new-1'], ['StorageClass', 'demo', 'fast']) }))).toEqual([
      'row 1 (demo) in dev: StorageClass fast is not rendered by app demo',
    ]);
  });

  it('an app may be missing only where config disables it', () => {
    const t = parseParityDoc(doc('| 1 | `Service demo/web` | same | demo | `Service demo/web` | kept |'));
    expect(renderedProblems(t, environment('dev', {}, ['demo']))).toEqual([]);
    expect(renderedProblems(t, environment('dev', {}))).toEqual(['row 1 (demo) in dev: app demo is enabled in config but was not rendered']);
    expect(renderedProblems(t, environment('dev', { demo: objects(['Service', 'demo', 'web']) }, ['demo']))).toEqual([
      'row 1 (demo) in dev: app demo is disabled in config but was rendered',
    ]);
  });

  it('missing, duplicate and unknown row ids are reported', () => {
    const t = parseParityDoc(
      doc(
        '| 1 | `Job demo/a` | removed | — | — | obsolete |',
        '| 1 | `Job demo/a` | removed | — | — | obsolete |',
        '| 99 | `Job demo/b` | removed | — | — | obsolete |',
      ),
    );
    expect(rowIdProblems(t, ['1', '2'])).toEqual(['row 1: appears 2 times (lines 5, 6)', 'row 2: missing', 'row 99: not a seed row, patch or Terraform object id']);
  });

  it('bad outcomes, removals without a reason and inconsistent rows are reported', () => {
    const t = parseParityDoc(
      doc(
        '| 1 | `Job demo/a` | dropped | — | — | obsolete |',
        '| 2 | `Job demo/b` | removed | — | — | — |',
        '| 3 | `Job demo/c` | removed | demo | `Job demo/d` | superseded |',
        '| 4 | `Job demo/e` | same | demo | `Job demo/f` | kept |',
        '| 5 | `Job demo/g` | renamed | demo | `Job demo/g` | kept |',
        '| 6 | `Job demo/h` | chart value | nowhere | — | value |',
        '| 7 | Job demo/i | renamed | demo | Job demo/j | typo |',
        '| 8 | `Job demo/k` | renamed | demo | `Job demo/l [staging]` | env |',
      ),
    );
    expect(rowProblems(t, demoKnown)).toEqual([
      'row 1 (demo, line 5): outcome "dropped" is not one of same, renamed, chart value, removed',
      'row 2 (demo, line 6): removed without a reason in "notes"',
      'row 3 (demo, line 7): removed, so "app" must be —',
      'row 3 (demo, line 7): removed, so "replaced by" must be —',
      'row 4 (demo, line 8): outcome same, but Job demo/e is not under "replaced by"',
      'row 5 (demo, line 9): outcome renamed, but Job demo/g keeps its name; use same',
      'row 6 (demo, line 10): unknown app "nowhere"',
      'row 6 (demo, line 10): chart value needs at least one object under "replaced by"',
      'row 7 (demo, line 11): the seed object cell must start with a reference like `Kind namespace/name`, got "Job demo/i"',
      'row 7 (demo, line 11): "replaced by" may only hold backticked references separated by commas, found "Job demo/j"',
      'row 7 (demo, line 11): renamed needs at least one object under "replaced by"',
      'row 8 (demo, line 12): `Job demo/l [staging]` names unknown environment "staging"',
    ]);
  });

  it('a parity table with other columns is reported rather than skipped', () => {
    const t = parseParityDoc('| # | seed object | outcome | replaced by |\n|---|---|---|---|\n| 1 | `Job demo/a` | removed | — |\n');
    expect(rowIdProblems(t, ['1'])).toEqual([
      'line 1: parity table columns must be # | seed object | outcome | app | replaced by | notes, got # | seed object | outcome | replaced by',
      'row 1: missing',
    ]);
  });

  it('counts that disagree with the rows are reported', () => {
    const t = parseParityDoc(
      [
        '| outcome | rows 1–51 | patches | Terraform |',
        '|---|---|---|---|',
        '| same | 2 | 0 | 0 |',
        '| renamed | 0 | 0 | 0 |',
        '| chart value | 0 | 0 | 0 |',
        '| removed | 0 | 1 | 0 |',
        '',
        doc('| 1 | `Job demo/a` | same | demo | `Job demo/a` | kept |', '| P1 | `Job demo/b` | removed | — | — | gone |'),
      ].join('\n'),
    );
    expect(countProblems(t)).toEqual(['counts: same says 2 / 0 / 0, the rows have 1 / 0 / 0']);
  });
});
