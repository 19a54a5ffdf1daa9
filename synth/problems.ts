import { ConfigError } from '../config/schema-kit';

/** A synth failure with every problem found, each already prefixed with `<env>/<app>: ...`. */
export class SynthError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
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

  /** Runs `fn`, turning a thrown error (or SynthError) into collected problems. */
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
