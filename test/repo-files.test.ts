/**
 * Scripts and documents kept as real files, checked with the tools made for them: shellcheck
 * (Debian's `shellcheck`) on every shell script, every YAML file parsed, every Groovy file (the
 * Jenkinsfile, the Jenkins chart's Job DSL and init script) parsed by Groovy 2.4 (Debian's
 * `groovy`, the version Jenkins embeds). `.ci/run` installs both tools.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../config/paths';
import { sha256 } from '../synth/chart-lock';
import { CheckMemo, memoKey, toolIdentity } from '../tools/check-memo';

/**
 * Tracked and new (not ignored) files, relative to the repository root, but not dist/ (generated,
 * and checked object by object at synth) nor the planted mistakes of test/fixtures/broken/.
 */
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f !== '' && !f.startsWith('dist/') && !f.startsWith('test/fixtures/broken/'));
const shellScripts = files.filter((f) => f.endsWith('.sh'));
/** Helm templates (`templates/`) are Go templates that render to YAML, not YAML themselves. */
const yamlFiles = files.filter((f) => /\.ya?ml$/.test(f) && !f.split('/').includes('templates'));
const groovyFiles = files.filter((f) => f.endsWith('.groovy') || f.endsWith('/Jenkinsfile'));

/** Runs a tool, failing with what to install when it is missing. */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', env });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (apt-get install ${cmd}; .ci/run does)`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Where a command on PATH is, for its identity in a memo key. */
function which(cmd: string): string {
  const path = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
  if (path === '') throw new Error(`${cmd}: not found (apt-get install ${cmd}; .ci/run does)`);
  return path;
}

const memo = new CheckMemo({ check: 'repo-files', keep: 8 });

/**
 * {@link run} behind the check memo (tools/check-memo.ts): the same tools on the same files give
 * the same answer, so a warm run reads it back; `accept` (the test's assertions) runs on it either way.
 */
async function checked(tools: readonly string[], cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, accept: (r: { status: number | null; output: string }) => void): Promise<void> {
  const inputs = args.filter((a) => !a.startsWith('-')).map((a) => `${a} ${sha256(readFileSync(join(repoRoot, a)))}`);
  const key = memoKey([...tools.map((t) => toolIdentity(which(t))), cmd, ...args, ...inputs]);
  const isResult = (v: unknown) => (typeof (v as { output?: unknown } | null)?.output === 'string' ? undefined : 'not a tool result');
  await memo.reuse(key, { run: () => run(cmd, args, env), accept, check: isResult });
}

/** Debian's groovy finds Java through JAVA_HOME; derive it from the java on PATH when unset. */
function groovyEnv(): NodeJS.ProcessEnv {
  if (process.env.JAVA_HOME) return process.env;
  const java = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
  return java ? { ...process.env, JAVA_HOME: dirname(dirname(realpathSync(java))) } : process.env;
}

describe('scripts and documents', () => {
  it('finds the files it checks', () => {
    expect(shellScripts).toEqual(expect.arrayContaining(['charts/sonarqube/setup.sh', 'charts/argocd-image-updater/ecr-login.sh', 'django-todo/scripts/test.sh']));
    expect(groovyFiles).toEqual(expect.arrayContaining(['django-todo/Jenkinsfile', 'charts/jenkins/job-dsl.groovy', 'charts/jenkins/trigger-build.groovy']));
    expect(yamlFiles).toEqual(expect.arrayContaining(['charts/jenkins/casc-sonarqube.yaml', 'charts/jenkins/casc-credentials.yaml', 'cdk8s.yaml']));
  });

  it('shellcheck finds nothing in any shell script', async () => {
    await checked(['shellcheck'], 'shellcheck', ['--format=gcc', ...shellScripts], process.env, (r) => expect(r).toEqual({ status: 0, output: '' }));
  });

  it('every YAML file parses', () => {
    const errors = yamlFiles.flatMap((f) => parseAllDocuments(readFileSync(join(repoRoot, f), 'utf8')).flatMap((d) => d.errors.map((e) => `${f}: ${e.message}`)));
    expect(errors).toEqual([]);
  });

  it('every Groovy file parses', async () => {
    await checked(['groovy', 'java'], 'groovy', ['test/groovy-parse.groovy', ...groovyFiles], groovyEnv(), (r) => expect(r).toEqual({ status: 0, output: '' }));
  });

  it('the checks fail on a broken file', async () => {
    const broken = join('test', 'fixtures', 'broken');
    await checked(['shellcheck'], 'shellcheck', [join(broken, 'unquoted.sh')], process.env, (r) => expect(r.output).toMatch(/SC2086/));
    expect(parseAllDocuments(readFileSync(join(repoRoot, broken, 'unclosed.yaml'), 'utf8')).flatMap((d) => d.errors)).not.toEqual([]);
    await checked(['groovy', 'java'], 'groovy', ['test/groovy-parse.groovy', join(broken, 'unclosed.groovy')], groovyEnv(), (r) => expect([r.status, r.output]).toEqual([1, expect.stringMatching(/unclosed\.groovy: .*unexpected/)]));
  });
});
