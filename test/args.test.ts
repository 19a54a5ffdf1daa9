import { describe, expect, it } from 'vitest';
import { nameList, parseFlags } from '../scripts/args';

const usage = 'npm run synth -- [--env dev,prod] [--dist DIR]';
const options = { env: { type: 'string' }, dist: { type: 'string' }, verbose: { type: 'boolean' } } as const;
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseFlags(usage, options, argv, env);
const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    parse(argv, env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('parseFlags', () => {
  it('takes --flag value and --flag=value', () => {
    expect(parse(['--env', 'dev'])).toEqual({ env: 'dev' });
    expect(parse(['--env=dev', '--dist=/tmp/d', '--verbose'])).toEqual({ env: 'dev', dist: '/tmp/d', verbose: true });
    expect(parse([])).toEqual({});
  });

  it('refuses an unknown flag, naming the closest known one (and not its value again)', () => {
    expect(refusal(['--evn', 'dev'])).toBe(`unknown flag --evn; did you mean "--env"?\nusage: ${usage}`);
    expect(refusal(['--colour'])).toBe(`unknown flag --colour (flags: --dist, --env, --verbose)\nusage: ${usage}`);
  });

  it('refuses a missing value, a flag given twice, a value for a switch and a stray argument', () => {
    expect(refusal(['--env'])).toBe(`--env needs a value\nusage: ${usage}`);
    expect(refusal(['--env='])).toBe(`--env needs a value\nusage: ${usage}`);
    expect(refusal(['--env', '--dist', 'x'])).toBe(`--env needs a value (found the flag --dist)\nusage: ${usage}`);
    expect(refusal(['--env', 'dev', '--env', 'prod'])).toBe(`--env is given twice\nusage: ${usage}`);
    expect(refusal(['--verbose=yes'])).toBe(`--verbose takes no value\nusage: ${usage}`);
    expect(refusal(['dev'])).toBe(`unexpected argument "dev"\nusage: ${usage}`);
    expect(refusal(['--', 'dev'])).toBe(`unexpected argument "dev"\nusage: ${usage}`);
  });

  it('says so when npm took a flag typed before --', () => {
    // npm run synth --env dev: npm sets npm_config_env=true and passes "dev" on alone.
    expect(refusal(['dev'], { npm_lifecycle_event: 'synth', npm_config_env: 'true' })).toBe(`npm took --env as its own option; flags go after --: npm run synth -- --env dev\nusage: ${usage}`);
    // npm run synth --env=dev: npm sets npm_config_env=dev and passes nothing.
    expect(refusal([], { npm_lifecycle_event: 'synth', npm_config_env: 'dev' })).toBe(`npm took --env as its own option; flags go after --: npm run synth -- --env dev\nusage: ${usage}`);
  });
});

describe('nameList', () => {
  it('takes distinct known names and refuses the rest, each named', () => {
    expect(nameList('env', 'dev,prod', ['dev', 'prod'], usage)).toEqual(['dev', 'prod']);
    expect(() => nameList('env', 'dev,dev', ['dev', 'prod'], usage)).toThrow(`--env: "dev" is named twice\nusage: ${usage}`);
    expect(() => nameList('env', 'dve,,staging', ['dev', 'prod'], usage)).toThrow(
      `--env: unknown name "dve"; did you mean "dev"?\n--env: empty name in "dve,,staging"\n--env: unknown name "staging" (known: dev, prod)\nusage: ${usage}`,
    );
  });
});
