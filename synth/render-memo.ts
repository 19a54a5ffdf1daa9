/**
 * Work that the releases of one render run share. Helm prints many identical documents for
 * different releases (a chart's CRDs in every environment; everything, when two environments give
 * a chart the same values), so each distinct document is parsed once, and each distinct object
 * validated and printed once. Parsing, the largest part, runs in worker threads (one per core
 * beside this one) while this thread validates and prints. Lives for one run: close() ends it.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseAllDocuments, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { repoRoot } from '../config/paths';
import { sha256 } from './chart-lock';
import { toYaml } from './objects';
import type { CrdMemo } from './crd-memo';
import type { SchemaProblem } from './schema-problems';
import { validateObject } from './schema-validate';

/**
 * Where a document of helm's output starts: a line that is `---` (alone or before a space). YAML
 * forbids such a line inside any scalar, so every piece parses as it would in the whole output.
 */
export const DOCUMENT_START = /^(?=---(?:[ \t\r]|$))/m;

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { version: '1.1' };
const parse = (text: string) => parseAllDocuments(text, OPTIONS);

/**
 * What parses and prints here: the yaml and cdk8s packages (toYaml is cdk8s's printer) and the
 * parse options. A vendored CRD memo (crd-memo.ts) made by another is not used.
 */
export const YAML_IDENTITY = (() => {
  const version = (name: string) => (createRequire(join(repoRoot, 'package.json'))(`${name}/package.json`) as { version: string }).version;
  return `yaml@${version('yaml')} cdk8s@${version('cdk8s')} ${JSON.stringify(OPTIONS)}`;
})();

/** The documents of one piece as plain values, or undefined when it has a YAML error. */
export function parsePiece(piece: string): unknown[] | undefined {
  const docs = parse(piece);
  return docs.some((d) => d.errors.length > 0) ? undefined : docs.map((d) => d.toJS() as unknown);
}

/** The key under which an object's YAML is remembered: the hash of its JSON, Dates and the like told apart. */
export function printKey(obj: object): string {
  return sha256(JSON.stringify(obj, typed));
}

/** The parser threads' program (a file of its own, run by path; the render cache keys on it: synth/pipeline.ts). */
export const PARSER_WORKER = join(repoRoot, 'synth', 'yaml-parser-worker.cjs');

/**
 * One parser thread per core beside this thread's: measured on 2 cores, a second parser thread
 * costs more CPU (each warms up its own compiled parser) than it saves in waiting.
 */
const PARSERS = Math.max(1, availableParallelism() - 1);

interface Parser {
  readonly worker: Worker;
  /** Answers awaited, in the order the lists were posted. */
  readonly waiting: ((docs: (unknown[] | null)[]) => void)[];
}

export class RenderMemo {
  private readonly parsed = new Map<string, unknown[]>();
  private readonly parsing = new Map<string, Promise<void>>();
  private readonly printed = new Map<string, { readonly yaml: string; readonly problems: readonly SchemaProblem[] }>();
  private readonly parsers: Parser[] = [];
  private readonly split = new Map<string, readonly string[]>();
  /** Vendored documents and prints of static CRDs (crd-memo.ts), by piece hash and print key. */
  private readonly vendoredDocuments = new Map<string, readonly unknown[]>();
  private readonly vendoredPrints = new Map<string, string>();
  /** How many pieces and prints came from vendored memos (for tests and the log). */
  readonly vendoredHits = { documents: 0, printed: 0 };

  /** Adds a chart's vendored CRD memo: its pieces are not parsed, its CRDs not printed again. */
  seed(memo: CrdMemo): void {
    memo.documents.forEach((docs, key) => this.vendoredDocuments.set(key, docs));
    memo.printed.forEach((yaml, key) => this.vendoredPrints.set(key, yaml));
  }

  /** A piece's documents from a vendored memo, now known as parsed; whether it was there. */
  private fromVendored(piece: string): boolean {
    if (this.vendoredDocuments.size === 0) return false;
    const docs = this.vendoredDocuments.get(sha256(piece));
    if (docs === undefined) return false;
    this.parsed.set(piece, docs as unknown[]);
    this.vendoredHits.documents++;
    return true;
  }

  /**
   * Parses the pieces of helm's output not parsed yet in the parser threads (none started: nothing
   * to do), shared out by size so that they finish together; documents() then finds them.
   */
  async prefetch(output: string): Promise<void> {
    if (this.parsers.length === 0) return;
    const fresh = [...new Set(this.pieces(output))].filter((p) => !this.parsed.has(p) && !this.parsing.has(p) && !this.fromVendored(p));
    const shares = this.parsers.map((parser) => ({ parser, pieces: [] as string[], size: 0 }));
    for (const piece of fresh.sort((a, b) => b.length - a.length)) {
      const least = shares.reduce((a, b) => (b.size < a.size ? b : a));
      least.pieces.push(piece);
      least.size += piece.length;
    }
    for (const { parser, pieces } of shares.filter((s) => s.pieces.length > 0)) {
      const answer = new Promise<(unknown[] | null)[]>((resolve) => parser.waiting.push(resolve));
      parser.worker.postMessage(pieces);
      const done = answer.then((docs) => pieces.forEach((p, i) => Array.isArray(docs[i]) && this.parsed.set(p, docs[i])));
      pieces.forEach((p) => this.parsing.set(p, done));
    }
    await Promise.all(this.pieces(output).flatMap((p) => this.parsing.get(p) ?? []));
  }

  /** The pieces of one helm output, split once (the outputs of this run are kept until it ends). */
  private pieces(output: string): readonly string[] {
    let pieces = this.split.get(output);
    if (pieces === undefined) this.split.set(output, (pieces = output.split(DOCUMENT_START)));
    return pieces;
  }

  /** Starts the parser threads now, so that they are ready when the first output arrives. */
  startParsers(): void {
    while (this.parsers.length < PARSERS) this.startParser();
  }

  /** Ends the parser threads. */
  async close(): Promise<void> {
    await Promise.all(this.parsers.splice(0).map((p) => p.worker.terminate()));
  }

  /**
   * The documents of helm's output as plain values, each a fresh copy (callers change them). Throws
   * the first YAML error as the whole output's parse reports it.
   */
  documents(output: string): unknown[] {
    const values: unknown[] = [];
    for (const piece of this.pieces(output)) {
      let known = this.parsed.get(piece) ?? (this.fromVendored(piece) ? this.parsed.get(piece) : undefined);
      if (known === undefined) {
        const docs = parsePiece(piece);
        if (docs === undefined) return whole(output);
        this.parsed.set(piece, (known = docs));
      }
      values.push(...structuredClone(known));
    }
    return values;
  }

  /** An object's YAML and its schema problems (the object must not change afterwards). */
  print(obj: object): { readonly yaml: string; readonly problems: readonly SchemaProblem[] } {
    const key = printKey(obj);
    let known = this.printed.get(key);
    if (known === undefined) {
      const vendored = this.vendoredPrints.get(key);
      if (vendored !== undefined) this.vendoredHits.printed++;
      this.printed.set(key, (known = { yaml: vendored ?? toYaml(obj), problems: validateObject(obj) }));
    }
    return known;
  }

  private startParser(): void {
    const worker = new Worker(PARSER_WORKER, { execArgv: [], workerData: { options: OPTIONS } });
    const parser: Parser = { worker, waiting: [] };
    worker.on('message', (docs: (unknown[] | null)[]) => parser.waiting.shift()?.(docs));
    // A parser that fails or stops answers nothing more: what it was given is parsed here instead.
    const stop = () => {
      if (this.parsers.includes(parser)) this.parsers.splice(this.parsers.indexOf(parser), 1);
      parser.waiting.splice(0).forEach((resolve) => resolve([]));
    };
    worker.on('error', stop);
    worker.on('exit', stop);
    this.parsers.push(parser);
  }
}

/** The whole output parsed at once: its first YAML error thrown as is, or its documents. */
function whole(output: string): unknown[] {
  const docs = parse(output);
  const error = docs.find((d) => d.errors.length > 0)?.errors[0];
  if (error !== undefined) throw new Error(error.message);
  return docs.map((d) => d.toJS() as unknown);
}

/** Keeps values that JSON would confuse apart (a YAML 1.1 timestamp parses to a Date, not its ISO string). */
function typed(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  const proto = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (Object.getPrototypeOf(raw) as object | null) : Object.prototype;
  return proto === Object.prototype || proto === null ? value : [proto.constructor.name, value];
}
