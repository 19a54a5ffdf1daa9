// @ts-check
/**
 * A YAML parser thread of synth/render-memo.ts. Plain JavaScript in a file of its own, started by
 * path, so that it runs the same under tsx, vitest and the bundled entry (tools/run-bundled.cjs).
 * Answers each list of pieces of helm output, in order, with their documents as plain values (null
 * for a piece with a YAML error: the main thread parses that one itself and reports the error).
 */
'use strict';
const threads = require('node:worker_threads');
const { parseAllDocuments } = require('yaml');

/** @typedef {import('yaml').ParseOptions & import('yaml').DocumentOptions & import('yaml').SchemaOptions} Options */
/** @type {unknown} */
const data = threads.workerData;
const { options } = /** @type {{ options: Options }} */ (data);
const port = threads.parentPort;
if (!port) throw new Error('yaml-parser-worker.cjs runs as a worker thread of synth/render-memo.ts');

/** The documents of one piece as plain values, or null when it has a YAML error. */
function documents(/** @type {string} */ piece) {
  const docs = parseAllDocuments(piece, options);
  if (docs.some((d) => d.errors.length > 0)) return null;
  return docs.map((d) => {
    /** @type {unknown} */
    const value = d.toJS();
    return value;
  });
}

port.on('message', (/** @type {string[]} */ pieces) => port.postMessage(pieces.map(documents)));
