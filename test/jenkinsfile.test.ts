/**
 * The pipeline (django-todo/Jenkinsfile) read stage by stage, since no Jenkins runs here: what each
 * stage runs, and the shell it hands over run against fakes (scanner, aws) and real git repos.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_IMAGE_TAG, images } from '../config/images';
import { tempDir } from './helpers';
import { block, shellScripts, stages, type Stage } from './jenkinsfile';
import { repoRoot } from '../config/paths';

const APP = join(repoRoot, 'django-todo');
const read = (file: string) => readFileSync(join(APP, file), 'utf8');
const JENKINSFILE = read('Jenkinsfile');
const all = stages(JENKINSFILE);
const stage = (name: string): Stage => {
  const s = all.find((x) => x.name === name);
  if (!s) throw new Error(`no stage "${name}" (stages: ${all.map((x) => x.name).join(', ')})`);
  return s;
};
const when = (name: string) => block(stage(name).body, 'when')?.replace(/\s+/g, ' ').trim();

/** Runs a script with bash; a folder of fake commands comes first on PATH. */
function bash(script: string, env: Record<string, string>, fakes: Record<string, string> = {}, cwd?: string) {
  const bin = tempDir('fake-bin-');
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const base = { HOME: process.env.HOME ?? '/tmp', PATH: `${bin}:${process.env.PATH}` };
  return spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd, encoding: 'utf8', env: { ...base, ...env } });
}

describe('Jenkinsfile', () => {
  it('runs its stages in this order, tests and scan before the push', () => {
    expect(all.map((s) => s.name)).toEqual(['Setup', 'Checkout', 'Newest image in ECR', 'Detect app changes', 'Test', 'SonarQube analysis', 'Build and push image']);
    // Test, scan and push run together or not at all.
    expect(new Set([when('Test'), when('SonarQube analysis'), when('Build and push image')]).size).toBe(1);
    expect(when('Build and push image')).toContain("env.BUILD_NEEDED == 'true'");
  });

  it('never turns a failed step into a passed one', () => {
    for (const swallow of ['catchError', 'warnError', 'returnStatus', 'unstable(', 'propagate']) expect(JENKINSFILE).not.toContain(swallow);
    // The only `|| true` is the token revocation after the scan, which must not hide its result.
    const swallowed = JENKINSFILE.split('\n').filter((l) => l.includes('|| true'));
    expect(swallowed).toHaveLength(1);
    expect(swallowed[0]).toContain('scripts/sonar-token.sh" revoke');
  });

  describe('quality gate (item 1)', () => {
    const [scan] = shellScripts(stage('SonarQube analysis').body).filter((s) => s.includes('sonar-scanner'));

    it('the scanner waits for the quality gate and sends the coverage report', () => {
      expect(scan).toMatch(/-Dsonar\.qualitygate\.wait=true\b/);
      expect(scan).toMatch(/-Dsonar\.python\.coverage\.reportPaths="\$COVERAGE_REPORT"/);
      expect(scan).toContain('-Dsonar.projectBaseDir="$WORKSPACE/$APP_PATH"');
      // The Test stage writes the report there (scripts/check.sh writes to COVERAGE_XML).
      expect(stage('Test').body).toContain('COVERAGE_XML=${env.WORKSPACE}/${env.APP_PATH}/${env.COVERAGE_REPORT}');
      expect(read('scripts/check.sh')).toMatch(/coverage xml -q -o "\$coverage_xml"/);
      expect(read('scripts/check.sh')).toContain('coverage_xml="${COVERAGE_XML:-');
    });

    it('analyses with a token the analysis user mints for this build, revoked whatever the scan did', () => {
      const body = stage('SonarQube analysis').body;
      const mint = body.indexOf('scripts/sonar-token.sh" mint');
      const scanAt = body.indexOf('sonar-scanner"');
      const revoke = body.indexOf('scripts/sonar-token.sh" revoke');
      expect(mint).toBeGreaterThan(0);
      expect(scanAt).toBeGreaterThan(mint);
      expect(body.slice(body.indexOf('} finally {'))).toContain('scripts/sonar-token.sh" revoke');
      expect(revoke).toBeGreaterThan(scanAt);
      // What that script does against SonarQube: test/sonarqube-scripts.test.ts.
      expect(JENKINSFILE).not.toMatch(/admin:|SONARQUBE_PASSWORD/);
    });

    it('a failed gate fails the scan step, so the push stage never runs', () => {
      const workspace = tempDir('ws-');
      mkdirSync(join(workspace, 'django-todo'));
      const scannerHome = tempDir('scanner-');
      mkdirSync(join(scannerHome, 'bin'));
      const argsFile = join(workspace, 'args');
      // A scanner that behaves as SonarScanner does with sonar.qualitygate.wait: exit 1 when the gate fails.
      writeFileSync(
        join(scannerHome, 'bin', 'sonar-scanner'),
        `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${argsFile}"\nfor a in "$@"; do [ "$a" = -Dsonar.qualitygate.wait=true ] && [ "$GATE" = ERROR ] && { echo "QUALITY GATE STATUS: FAILED"; exit 1; }; done\nexit 0\n`,
      );
      chmodSync(join(scannerHome, 'bin', 'sonar-scanner'), 0o755);
      const env = { WORKSPACE: workspace, APP_PATH: 'django-todo', SCANNER_HOME: scannerHome, SQ_URL: 'http://sq', SONAR_PROJECT_KEY: 'k', GIT_COMMIT: 'a'.repeat(40), COVERAGE_REPORT: 'coverage.xml' };
      const failed = bash(`set -e\n${scan}`, { ...env, GATE: 'ERROR' });
      expect(failed.status).not.toBe(0);
      const passed = bash(`set -e\n${scan}`, { ...env, GATE: 'OK' });
      expect(passed.status).toBe(0);
      expect(readFileSync(argsFile, 'utf8').split('\n')).toEqual(expect.arrayContaining(['-Dsonar.qualitygate.wait=true', '-Dsonar.python.coverage.reportPaths=coverage.xml']));
    });
  });

  describe('the Test stage runs what scripts/test.sh runs (item 2)', () => {
    it('both run scripts/check.sh, which holds every check', () => {
      const test = stage('Test').body;
      expect(test).toContain("container('python')");
      expect(shellScripts(test).join('\n')).toContain('bash "$APP_PATH/scripts/ci-test.sh"');
      expect(read('scripts/ci-test.sh')).toMatch(/bash "\$APP_DIR\/scripts\/check\.sh"\s*$/);
      expect(read('scripts/test.sh')).toContain('bash "$APP_DIR/scripts/check.sh"');
      const check = read('scripts/check.sh');
      for (const step of ['ruff check .', 'ruff format --check .', 'makemigrations --check --dry-run', 'migrate --noinput', 'coverage run manage.py test', 'collectstatic --noinput', 'node tests-browser/run.mjs']) {
        expect(check).toContain(step);
      }
    });

    it('the CI container installs Python packages in hash-checking mode', () => {
      expect(read('scripts/ci-test.sh')).toContain('--require-hashes');
    });
  });

  describe('pinned base image and hash-locked dependencies (item 3)', () => {
    const digestRule = /env\.PYTHON_IMAGE ==~ \/(.+)\/\)\)/.exec(JENKINSFILE)?.[1];

    it('requires PYTHON_IMAGE pinned by digest and passes it to kaniko', () => {
      expect(digestRule).toBeDefined();
      const fullMatch = new RegExp(`^(?:${digestRule})$`);
      expect(images.python).toMatch(fullMatch);
      expect('docker.io/library/python:3.11.10-slim-bookworm').not.toMatch(fullMatch);
      expect(shellScripts(stage('Build and push image').body)[0]).toContain('--build-arg "PYTHON_IMAGE=$PYTHON_IMAGE"');
      const dockerfile = read('Dockerfile');
      expect(dockerfile).toMatch(/^ARG PYTHON_IMAGE$/m);
      expect(dockerfile.match(/^FROM .*/gm)).toEqual(['FROM ${PYTHON_IMAGE} AS build', 'FROM ${PYTHON_IMAGE}']);
    });

    it('builds the RDS CA bundle of the pipeline\'s region into the image, where DB_SSLROOTCERT points', () => {
      expect(shellScripts(stage('Build and push image').body)[0]).toContain('--build-arg "RDS_REGION=$AWS_REGION"');
      const dockerfile = read('Dockerfile');
      expect(dockerfile).toMatch(/^ARG RDS_REGION$/m);
      expect(dockerfile).toContain('RUN python fetch_rds_ca.py "${RDS_REGION}" /build/rds-ca-bundle.pem');
      // The runtime stage sets DB_SSLROOTCERT (todo_site/env.py) and copies the bundle to that path.
      expect(dockerfile).toMatch(/^\s+DB_SSLROOTCERT=\/\S+\.pem$/m);
      expect(dockerfile).toContain('COPY --from=build /build/rds-ca-bundle.pem ${DB_SSLROOTCERT}');
      // scripts/ stays out of the build context, except the one the build stage runs.
      const ignored = read('.dockerignore').split('\n');
      expect(ignored).toEqual(expect.arrayContaining(['scripts/', '!scripts/fetch_rds_ca.py']));
      expect(ignored.indexOf('!scripts/fetch_rds_ca.py')).toBeGreaterThan(ignored.indexOf('scripts/'));
    });

    it('installs Python packages only when their hashes match', () => {
      const dockerfile = read('Dockerfile');
      expect(dockerfile).toContain('pip wheel --require-hashes');
      expect(dockerfile).toContain('pip install --require-hashes --no-index');
      for (const file of ['requirements.txt', 'requirements-dev.txt']) {
        const lines = read(file).replace(/\s*\\\n\s*/g, ' ').split('\n').filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('-r'));
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(line).toMatch(/^\S+==\S+( ; [^-]+)? --hash=sha256:[0-9a-f]{64}$/);
      }
    });

    it('keeps the scanner and test output out of the image build context', () => {
      const ignored = read('.dockerignore').split('\n');
      for (const entry of ['.scannerwork/', 'coverage.xml', '.coverage']) expect(ignored).toContain(entry);
    });
  });

  describe('rebuild semantics of an existing tag (item 4)', () => {
    const existing = `bash ${join(APP, 'scripts', 'ecr-image.sh')} "$GIT_COMMIT"`;
    const digest = `sha256:${'d'.repeat(64)}`;
    const awsFake = (mode: string) => ({
      aws: mode === 'found' ? `echo ${digest}` : mode === 'missing' ? 'echo "An error occurred (ImageNotFoundException)" >&2; exit 254' : 'echo "AccessDenied" >&2; exit 255',
    });
    const ecrEnv = { AWS_REGION: 'us-east-1', ECR_REPO_NAME: 'django-todo', GIT_COMMIT: 'c'.repeat(40) };

    it("asks ECR for the commit's own tag: found, not found, or an error that stops the build", () => {
      expect(stage('Newest image in ECR').body).toContain('scripts/ecr-image.sh" "$GIT_COMMIT"');
      expect(bash(existing, ecrEnv, awsFake('found')).stdout.trim()).toBe(digest);
      const missing = bash(existing, ecrEnv, awsFake('missing'));
      expect([missing.status, missing.stdout.trim()]).toEqual([0, '']);
      expect(bash(existing, ecrEnv, awsFake('denied')).status).toBe(1);
      expect(bash(existing, ecrEnv, { aws: 'echo "{}"' }).status).toBe(1);
      expect(shellScripts(stage('Detect app changes').body).join('') + stage('Detect app changes').body).toContain('scripts/build-decision.sh');
    });

    it('pushes the bootstrap tag with the first image only (config/images.ts BOOTSTRAP_IMAGE_TAG)', () => {
      expect(stage('Newest image in ECR').body).toContain('scripts/ecr-image.sh" "$BOOTSTRAP_TAG"');
      const [push] = shellScripts(stage('Build and push image').body);
      const destinations = (bootstrapImage: string) =>
        bash(push!.replace('/kaniko/executor', 'printf "%s\\n"'), { ECR_REPO: 'r.example/django-todo', GIT_COMMIT: 'c'.repeat(40), BOOTSTRAP_TAG: BOOTSTRAP_IMAGE_TAG, BOOTSTRAP_IMAGE: bootstrapImage, WORKSPACE: '/w', APP_PATH: 'a' })
          .stdout.split('\n').filter((_l, i, all) => all[i - 1] === '--destination');
      expect(destinations('')).toEqual([`r.example/django-todo:${'c'.repeat(40)}`, `r.example/django-todo:${BOOTSTRAP_IMAGE_TAG}`]);
      expect(destinations(digest)).toEqual([`r.example/django-todo:${'c'.repeat(40)}`]);
    });

    it('builds each commit once, and only when the app changed', () => {
      const repo = tempDir('repo-');
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();
      git('init', '-q');
      const commit = (file: string, text: string) => {
        mkdirSync(join(repo, file, '..'), { recursive: true });
        writeFileSync(join(repo, file), text);
        git('add', '-A');
        git('commit', '-qm', file);
        return git('rev-parse', 'HEAD');
      };
      const a = commit('django-todo/app.py', '1');
      const b = commit('django-todo/app.py', '2');
      const c = commit('README.md', 'docs only');
      const decide = (env: Record<string, string>) => {
        const r = bash(`bash ${join(APP, 'scripts', 'build-decision.sh')}`, { APP_PATH: 'django-todo', COMMIT_IMAGE: '', LATEST_ECR_COMMIT: '', ...env }, {}, repo);
        expect(r.stderr).toBe('');
        return r.stdout.trim().split(':')[0];
      };
      expect(decide({ GIT_COMMIT: a })).toBe('build'); // first image
      expect(decide({ GIT_COMMIT: b, LATEST_ECR_COMMIT: a })).toBe('build'); // app changed
      expect(decide({ GIT_COMMIT: c, LATEST_ECR_COMMIT: b })).toBe('skip'); // docs only
      expect(decide({ GIT_COMMIT: b, LATEST_ECR_COMMIT: 'f'.repeat(40) })).toBe('build'); // unknown newest
      // main reset to an older commit that was built: skipped before tests, scan and push.
      expect(decide({ GIT_COMMIT: a, LATEST_ECR_COMMIT: b, COMMIT_IMAGE: digest })).toBe('skip');
      // reset to an older commit never built (e.g. its image expired): its app differs, build it.
      expect(decide({ GIT_COMMIT: a, LATEST_ECR_COMMIT: b })).toBe('build');
    });
  });

  it('polls git: Jenkins is admin-only, so GitHub\'s push webhook cannot reach it', () => {
    const triggers = block(read('Jenkinsfile'), 'triggers');
    expect(triggers).toContain("pollSCM('H/2 * * * *')");
    expect(triggers).not.toContain('githubPush');
  });

  it('checks out with the credential JCasC creates (item 5)', () => {
    const checkout = stage('Checkout').body;
    expect(checkout).toContain('userRemoteConfigs: [[url: env.REPO_URL, credentialsId: env.GIT_CREDENTIALS_ID]]');
    expect(/for \(name in \[([^\]]+)\]\)/.exec(stage('Setup').body)?.[1]).toContain("'GIT_CREDENTIALS_ID'");
  });
});
