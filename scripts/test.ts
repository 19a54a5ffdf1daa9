/**
 * npm test: every check of the repository, run side by side: the typecheck, ESLint, vitest and the
 * django-todo suite. They share nothing but the CPU, and each waits on something else part of its
 * time (the Django suite on PostgreSQL, gunicorn and Chromium; vitest on helm, kubectl, terraform
 * and git), so together they finish well before one after the other.
 *
 * Each job's output is held and printed whole when it ends, under a header with its time; the
 * last lines are one summary line per job. Exit 1 when any job fails (all of them run to the end
 * first, so one run shows every failure). Ctrl-C or a kill stops every job, and each job's own
 * clean-up (the Django suite's throwaway PostgreSQL) still runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '../config/paths';
import { testScratchDir } from '../test/scratch';
import { cliArgs } from './args';

interface Job {
  readonly name: string;
  readonly command: readonly string[];
}

/** The jobs: npm scripts of package.json and the Django suite. */
const JOBS: readonly Job[] = [
  { name: 'typecheck', command: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'] },
  { name: 'vitest', command: ['npx', 'vitest', 'run'] },
  { name: 'django-todo', command: ['bash', 'django-todo/scripts/test.sh'] },
];

interface Outcome {
  readonly job: Job;
  readonly code: number;
  readonly seconds: number;
}

const running = new Set<ChildProcess>();
const scratch = testScratchDir();
/** What every job gets besides npm test's environment: colour when on a terminal, the tests' scratch folder. */
const jobEnv = { FORCE_COLOR: process.stdout.isTTY ? '1' : '0', ...(scratch === undefined ? {} : { TMPDIR: scratch }) };

function run(job: Job): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    // Its own process group, so a stop reaches everything the job started.
    const child = spawn(job.command[0]!, job.command.slice(1), { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...jobEnv } });
    running.add(child);
    const output: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => output.push(b));
    child.stderr.on('data', (b: Buffer) => output.push(b));
    const finish = (code: number) => {
      running.delete(child);
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`\n== ${job.name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s\n`);
      process.stdout.write(Buffer.concat(output));
      resolve({ job, code, seconds });
    };
    child.on('error', (e) => {
      output.push(Buffer.from(`${job.command.join(' ')}: ${e.message}\n`));
      finish(127);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}

function stopAll(signal: NodeJS.Signals): void {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

async function main(): Promise<number> {
  cliArgs('test', 'npm test', {}, () => undefined);
  const started = performance.now();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stopAll(signal);
      process.exitCode = 130;
    });
  }
  const outcomes = await Promise.all(JOBS.map(run));
  console.log('');
  for (const o of outcomes) console.log(`${o.code === 0 ? 'ok  ' : 'FAIL'} ${o.job.name.padEnd(12)} ${o.seconds.toFixed(1).padStart(6)} s`);
  const failed = outcomes.filter((o) => o.code !== 0);
  console.log(`npm test: ${failed.length === 0 ? 'all passed' : `${failed.length} of ${outcomes.length} failed (${failed.map((o) => o.job.name).join(', ')})`} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(process.exitCode ?? code),
  (e: Error) => {
    console.error(`test: ${e.message}`);
    process.exit(1);
  },
);
