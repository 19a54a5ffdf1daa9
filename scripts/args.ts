/**
 * Flags of every entry point, parsed with node:util parseArgs, strictly: an unknown flag, a missing
 * value, a flag given twice or a stray argument is an error that names it and prints the usage line
 * (exit 2). `--env=dev` and `--env dev` both work; `--help` prints the usage.
 */
import { parseArgs } from 'node:util';
import { didYouMean } from '../config/did-you-mean';

type Options = Record<string, { readonly type: 'string' | 'boolean' }>;
type Values<O extends Options> = { -readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

export class UsageError extends Error {
  constructor(problems: readonly string[], usage: string) {
    super(`${problems.join('\n')}\nusage: ${usage}`);
    this.name = 'UsageError';
  }
}

/**
 * Parses `argv` against `options`. `env` is where npm leaves flags typed before `--`
 * (`npm run synth --env dev` runs the script with `dev` alone and sets npm_config_env).
 */
export function parseFlags<O extends Options>(usage: string, options: O, argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Values<O> {
  const problems: string[] = [];
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const positionals = tokens.filter((t) => t.kind === 'positional').map((t) => t.value);
  const script = env.npm_lifecycle_event;
  for (const name of Object.keys(options)) {
    const taken = script === undefined ? undefined : env[`npm_config_${name.replace(/-/g, '_')}`];
    if (taken === undefined) continue;
    // `--env dev` before `--`: npm keeps --env (as "true") and passes dev on alone.
    const value = taken !== 'true' ? ` ${taken}` : options[name]!.type === 'string' && positionals.length > 0 ? ` ${positionals.shift()}` : '';
    problems.push(`npm took --${name} as its own option; flags go after --: npm run ${script} -- --${name}${value}`);
  }
  const known = Object.keys(options).map((n) => `--${n}`);
  const seen = new Set<string>();
  let afterUnknown = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      // The value of an unknown flag (`--evn dev`) is not a second mistake.
      if (!afterUnknown && positionals.includes(token.value)) problems.push(`unexpected argument "${token.value}"`);
      afterUnknown = false;
      continue;
    }
    const spec = options[token.name];
    afterUnknown = spec === undefined && !token.inlineValue;
    if (spec === undefined) problems.push(`unknown flag ${token.rawName}${didYouMean(`--${token.name}`, known).replace(' (known:', ' (flags:')}`);
    else if (seen.has(token.name)) problems.push(`--${token.name} is given twice`);
    else if (spec.type === 'boolean' && token.value !== undefined) problems.push(`--${token.name} takes no value`);
    else if (spec.type === 'string' && (token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('-')))) {
      problems.push(`--${token.name} needs a value${token.value?.startsWith('-') ? ` (found the flag ${token.value})` : ''}`);
      break;
    }
    seen.add(token.name);
  }
  if (problems.length > 0) throw new UsageError(problems, usage);
  return parseArgs({ args: [...argv], options, strict: true }).values;
}

/** A comma-separated list of distinct names, each one of `known` (`--env dev,prod`). */
export function nameList(flag: string, value: string, known: readonly string[], usage: string): string[] {
  const names = value.split(',').map((n) => n.trim());
  const problems: string[] = [];
  names.forEach((n, i) => {
    if (n === '') problems.push(`--${flag}: empty name in "${value}"`);
    else if (!known.includes(n)) problems.push(`--${flag}: unknown name "${n}"${didYouMean(n, known)}`);
    else if (names.indexOf(n) !== i) problems.push(`--${flag}: "${n}" is named twice`);
  });
  if (problems.length > 0) throw new UsageError(problems, usage);
  return names;
}

/**
 * For an entry point: parses its flags with {@link parseFlags} (adding `--help`) and turns them into
 * what the script needs with `build` (which may throw a UsageError too, e.g. from {@link nameList}).
 * `--help` prints the usage and exits 0; a usage error prints its problems and exits 2.
 */
export function cliArgs<O extends Options, R>(name: string, usage: string, options: O, build: (values: Values<O>) => R): R {
  try {
    const values = parseFlags(usage, { ...options, help: { type: 'boolean' } });
    if (values.help) {
      console.log(`usage: ${usage}`);
      process.exit(0);
    }
    return build(values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${name}: ${e.message}`);
    process.exit(2);
  }
}
