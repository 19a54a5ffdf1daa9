/**
 * The two scripts that talk to SonarQube, run against a Web API double (test/fake-sonarqube.ts):
 * SonarQube's setup Job (charts/sonarqube/setup.sh) and the pipeline's token step
 * (django-todo/scripts/sonar-token.sh). What they leave behind is what the pipeline relies on: a
 * project, and a user that may analyse and browse it and nothing else.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRepoFile } from '../charts/lib/file-config-map';
import { SONARQUBE_SETUP_SCRIPT } from '../charts/sonarqube';
import { repoRoot } from '../config/paths';
import { sonarqubeAnalysis } from '../config/sonarqube-analysis';
import { FakeSonarqube } from './fake-sonarqube';

const run = promisify(execFile);
const SETUP = readRepoFile(SONARQUBE_SETUP_SCRIPT, 'test');
const TOKEN_SCRIPT = join(repoRoot, 'django-todo', 'scripts', 'sonar-token.sh');
/** What infra would put in SSM: random, as the contract's `secret()` parameters are. */
const generated = () => randomBytes(14).toString('base64url');
const ADMIN_PASSWORD = generated();
const ANALYSIS_PASSWORD = generated();
const ROTATED = generated();
const { user: USER, projectKey: PROJECT } = sonarqubeAnalysis;

let sq: FakeSonarqube;
let url: string;
beforeEach(async () => {
  sq = new FakeSonarqube();
  url = await sq.start();
});
afterEach(() => sq.stop());

/** Exit code, stdout and stderr of a script; never throws on a non-zero exit. */
async function outcome(file: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(file, args, { env: { PATH: process.env.PATH!, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** The setup Job's script, with the environment charts/sonarqube.ts gives it. */
const setup = (overrides: Record<string, string> = {}) =>
  outcome('sh', ['-c', SETUP], {
    SONARQUBE_URL: url,
    ADMIN_PASSWORD,
    ANALYSIS_USER: USER,
    ANALYSIS_PASSWORD,
    PROJECT_KEY: PROJECT,
    PROJECT_NAME: sonarqubeAnalysis.projectName,
    ...overrides,
  });

const token = (action: string, overrides: Record<string, string> = {}) =>
  outcome('bash', [TOKEN_SCRIPT, action], {
    SQ_URL: url,
    SQ_TOKEN_NAME: 'jenkins-ci',
    SONAR_ANALYSIS_USER: USER,
    SONAR_ANALYSIS_PASSWORD: ANALYSIS_PASSWORD,
    SONAR_POLL_SECONDS: '0.2',
    ...overrides,
  });

const permissions = () => [...(sq.projects.get(PROJECT)?.permissions.get(USER) ?? [])].sort();
const writes = () => sq.calls.filter((c) => c.startsWith('POST'));

describe('SonarQube setup Job', () => {
  it('on a new SonarQube: sets the admin password, creates a private project and a user that may only analyse and browse it', async () => {
    const r = await setup();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sq.users.get('admin')!.password).toBe(ADMIN_PASSWORD);
    expect(sq.projects.get(PROJECT)).toMatchObject({ name: sonarqubeAnalysis.projectName, visibility: 'private' });
    expect(sq.users.get(USER)).toMatchObject({ password: ANALYSIS_PASSWORD, active: true, admin: false });
    expect(permissions()).toEqual(['scan', 'user']);
    // No other project got a grant.
    expect([...sq.projects.keys()]).toEqual([PROJECT]);
  });

  it('changes nothing on a second run', async () => {
    expect((await setup()).code).toBe(0);
    sq.calls.length = 0;
    const again = await setup();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('admin password already set');
    expect(again.stdout).toContain(`user ${USER} exists with the SSM password`);
    // Only the permission grants (no-ops when held) are written again.
    expect(writes()).toEqual(['POST /api/permissions/add_user', 'POST /api/permissions/add_user']);
    expect(permissions()).toEqual(['scan', 'user']);
  });

  it('resets the analysis password when SSM holds a new one, and reactivates a deactivated user', async () => {
    expect((await setup()).code).toBe(0);
    expect((await setup({ ANALYSIS_PASSWORD: ROTATED })).code).toBe(0);
    expect(sq.users.get(USER)!.password).toBe(ROTATED);
    sq.users.get(USER)!.active = false;
    expect((await setup()).code).toBe(0);
    expect(sq.users.get(USER)).toMatchObject({ active: true, password: ANALYSIS_PASSWORD, admin: false });
  });

  it('keeps a project the old pipeline created (public): the grant of scan is enough there', async () => {
    sq.users.get('admin')!.password = ADMIN_PASSWORD;
    sq.projects.set(PROJECT, { name: 'old', visibility: 'public', permissions: new Map() });
    const r = await setup();
    expect(r.code).toBe(0);
    expect(sq.projects.get(PROJECT)!.visibility).toBe('public');
    // Browse is implicit on a public project, so only scan is stored.
    expect(permissions()).toEqual(['scan']);
  });

  it('deletes the Jenkins webhook earlier versions created and keeps the others', async () => {
    sq.webhooks.push(
      { key: 'AXk1', name: 'slack', url: 'https://hooks.example.com/x' },
      { key: 'AXk2', name: 'jenkins', url: 'http://jenkins.jenkins.svc.cluster.local:8080/sonarqube-webhook/' },
    );
    const r = await setup();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('stale Jenkins webhook AXk2 deleted');
    expect(sq.webhooks.map((w) => w.name)).toEqual(['slack']);
  });

  it('stops with a message when the admin password is neither the SSM value nor the initial one', async () => {
    sq.users.get('admin')!.password = 'changed-by-hand';
    const r = await setup();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('admin password is neither the SSM value nor the initial one');
    expect(sq.projects.size).toBe(0);
  });

  it('fails when SonarQube refuses a call, instead of reporting success (S1)', async () => {
    sq.users.get('admin')!.admin = false; // e.g. the admin's Administer System permission was removed
    const r = await setup();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/403/);
  });

  it('never puts a password into a URL', async () => {
    await setup();
    await setup({ ANALYSIS_PASSWORD: ROTATED });
    for (const target of sq.targets) for (const secret of [ADMIN_PASSWORD, ANALYSIS_PASSWORD, ROTATED, 'admin']) {
      expect(decodeURIComponent(target)).not.toContain(`=${secret}`);
    }
  });
});

describe('pipeline token (sonar-token.sh)', () => {
  it('mints a token as the analysis user, which can then only do what that user may', async () => {
    await setup();
    const r = await token('mint');
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as { login: string; token: string };
    expect(answer.login).toBe(USER);
    expect(sq.users.get(USER)!.tokens.get('jenkins-ci')).toBe(answer.token);
    expect(sq.users.get('admin')!.tokens.size).toBe(0);
  });

  it('waits until SonarQube accepts the user, so a build that starts before the setup Job still analyses', async () => {
    const later = setTimeout(() => void setup(), 500);
    const r = await token('mint', { SONAR_WAIT_SECONDS: '30' });
    clearTimeout(later);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`waiting for SonarQube to accept user ${USER}`);
    expect(JSON.parse(r.stdout).login).toBe(USER);
  });

  it('gives up after SONAR_WAIT_SECONDS with a message that names the setup Job', async () => {
    const r = await token('mint', { SONAR_WAIT_SECONDS: '1' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`did not accept user ${USER} within 1s`);
    expect(r.stderr).toContain('sonarqube-setup');
  });

  it('replaces a token a killed build left behind, and revokes it after the analysis', async () => {
    await setup();
    sq.users.get(USER)!.tokens.set('jenkins-ci', 'squ_left-behind');
    const r = await token('mint');
    expect(r.code).toBe(0);
    expect(sq.users.get(USER)!.tokens.get('jenkins-ci')).not.toBe('squ_left-behind');
    expect((await token('revoke')).code).toBe(0);
    expect(sq.users.get(USER)!.tokens.size).toBe(0);
  });

  it('refuses an unknown action', async () => {
    const r = await token('rotate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: sonar-token.sh mint|revoke');
  });
});
