import { ConfigError } from '../config/schema-kit';

/** Where a problem is (`dev/jenkins`, `dev`, `contract`), taken from the prefix every problem starts with. */
function placeOf(problem: string): { place: string; rest: string } {
  const m = /^environment "([^"]+)": ([\s\S]*)$/.exec(problem) ?? /^([a-z0-9][a-z0-9-]*(?:\/[a-z0-9][a-z0-9-]*)?): ([\s\S]*)$/.exec(problem);
  return m ? { place: m[1]!, rest: m[2]! } : { place: '', rest: problem };
}

/**
 * Every problem once, grouped by environment and app in order of first appearance:
 * `dev/jenkins:` then `  - Deployment "x": ...` (multi-line problems stay indented).
 */
export function formatProblems(problems: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const problem of new Set(problems)) {
    const { place, rest } = placeOf(problem);
    groups.set(place, [...(groups.get(place) ?? []), rest]);
  }
  const item = (p: string, indent: string) => `${indent}- ${p.replace(/\n/g, `\n${indent}  `)}`;
  return [...groups]
    .map(([place, list]) => (place === '' ? list.map((p) => item(p, '  ')) : [`  ${place}:`, ...list.map((p) => item(p, '    '))]).join('\n'))
    .join('\n');
}

/** A synth failure with every problem found, each prefixed with where it is (`<env>/<app>: ...`). */
export class SynthError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const unique = [...new Set(problems)];
    super(unique.length === 1 ? unique[0] : `${unique.length} problems:\n${formatProblems(unique)}`);
    this.problems = unique;
    this.name = 'SynthError';
  }
}

/** Collects problems and throws them together. */
export class Problems {
  private readonly list: string[] = [];

  add(problem: string): void {
    this.list.push(problem);
  }

  get size(): number {
    return this.list.length;
  }

  /** Runs `fn`, turning a thrown error (or SynthError, or a config error's lines) into collected problems. */
  capture<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof SynthError) e.problems.forEach((p) => this.add(p));
      else if (e instanceof ConfigError) e.lines.forEach((p) => this.add(p));
      else this.add((e as Error).message);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new SynthError(this.list);
  }
}
