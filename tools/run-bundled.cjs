// @ts-check
/**
 * `node tools/run-bundled.cjs main.ts [args]`: runs a TypeScript entry point from a bundle, so a
 * start neither transforms TypeScript (tsx did, at every start) nor resolves and compiles hundreds
 * of modules one by one. Plain JavaScript, because it runs before any TypeScript can.
 *
 * The bundle (esbuild: the entry and everything it imports, node_modules included, as one CommonJS
 * file) lives in the cache folder, `<cache>/bundle/`, beside a manifest holding the sha256 of every
 * input: each file esbuild read, the package.json that decided how each was resolved, tsconfig.json,
 * esbuild's version and this file; and the names in each folder holding an input (a file added there
 * can change what an import resolves to). Every start checks them again; any difference rebuilds the
 * bundle first (about a second). A file is read and hashed again unless its stat stamp vouches for
 * it (tools/file-stamps.cjs: inode, size, mtime and ctime, which cannot be set back). What
 * the code reads at run time (documents, schemas, chart archives, caches) is read at run time as
 * before, never bundled. The bundle's hash is given to the code as `globalThis[Symbol.for('gitops.bundle')]`
 * (synth/run-memo.ts keys recorded runs on it).
 *
 * Bundled code keeps its own `__dirname`, `__filename` and `import.meta.url` (each file's, not the
 * bundle's), and the bundle's `require` resolves from the entry's folder. V8's code cache for the
 * bundle is kept beside it (keyed by the bundle's hash; V8 rejects it for another V8 or other flags,
 * and it is then made again), so most functions are not compiled again either.
 */
'use strict';
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const { fileHash, holds, sha256 } = require('./file-stamps.cjs');

/** The repository root: this file is one folder below it. */
const ROOT = path.resolve(__dirname, '..');
/** The cache folder: the same as config/paths.ts's `cacheDir` (a test holds them equal). */
const CACHE_DIR = process.env.GITOPS_CACHE_DIR ?? path.join(ROOT, 'node_modules', '.cache', 'gitops');

/**
 * @typedef {{ files: Record<string, string>, dirs: Record<string, string>, stamps?: Record<string, string> }} Inputs  paths relative to the root -> sha256 (stamps: -> stat stamp)
 * @typedef {Inputs & { bundle: string }} Manifest
 * @typedef {{ root: string, cacheDir: string, entry: string }} Target  entry: relative to root
 */

/** Names an import can resolve to: files with a module extension, or none (esbuild tries `./x` as is first). */
const RESOLVABLE = /^[^.]+$|\.(?:[cm]?[jt]sx?|json)$/;

/**
 * sha256 of the names in a folder that an import could resolve to, or '' when it is missing. Folders
 * are left out: one can never win over a file of the same stem, and tools come and go beside inputs.
 */
function dirHash(/** @type {string} */ dir) {
  try {
    const names = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !e.isDirectory() && RESOLVABLE.test(e.name));
    return sha256(names.map((e) => e.name).sort().join('\n'));
  } catch {
    return '';
  }
}

/**
 * Whether every input still hashes as recorded. A file whose stamp changed but whose bytes did not
 * gets its new stamp in `inputs.stamps` (`refreshed` tells the caller to save them).
 */
function isCurrent(/** @type {string} */ root, /** @type {Inputs} */ inputs, refreshed = { value: false }) {
  const stamps = (inputs.stamps ??= {});
  for (const [file, hash] of Object.entries(inputs.files)) if (!holds(path.join(root, file), hash, stamps, file, refreshed)) return false;
  for (const [dir, hash] of Object.entries(inputs.dirs)) if (dirHash(path.join(root, dir)) !== hash) return false;
  return true;
}

/** The package.json that governs how a file is resolved and loaded: the nearest one above it. */
function packageJsonOf(/** @type {string} */ root, /** @type {string} */ file) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'package.json');
    if (dir === root || dir === path.dirname(dir)) return undefined;
  }
}

/** The end of a source's hashbang, comments and directives (`'use strict'`), where code may be inserted. */
function prologueEnd(/** @type {string} */ source) {
  return /^(?:#![^\n]*\n)?(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(["'])use strict\1;?)*/.exec(source)?.[0].length ?? 0;
}

/**
 * esbuild plugin: each file that uses `__dirname`, `__filename` or `import.meta.url` gets its own;
 * and the hash of each source as read, so the manifest holds what was bundled even if it is edited meanwhile.
 */
const ownPaths = (/** @type {Map<string, string>} */ read) => ({
  name: 'own-paths',
  setup(/** @type {import('esbuild').PluginBuild} */ build) {
    build.onLoad({ filter: /\.(?:[cm]?[jt]s|json)$/ }, (args) => {
      const bytes = fs.readFileSync(args.path);
      read.set(args.path, sha256(bytes));
      const source = bytes.toString('utf8');
      /** @type {'ts' | 'js' | 'json'} */
      const loader = args.path.endsWith('.json') ? 'json' : /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js';
      if (loader === 'json' || !/__dirname|__filename|import\.meta/.test(source)) return { contents: source, loader };
      const own = `var __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)}, __import_meta_url = ${JSON.stringify(pathToFileURL(args.path).href)};`;
      const at = prologueEnd(source);
      return { contents: `${source.slice(0, at)}${own}${source.slice(at)}`, loader };
    });
  },
});

/** Where a target's manifest, bundles and code caches live. */
function bundleDir(/** @type {Target} */ t) {
  return path.join(t.cacheDir, 'bundle');
}
const baseName = (/** @type {Target} */ t) => t.entry.replace(/\.[cm]?ts$/, '').replace(/[^A-Za-z0-9.-]+/g, '_');

/** Writes a file whole (a temporary file renamed into place), so a reader never sees half of it. */
function writeWhole(/** @type {string} */ file, /** @type {string | Buffer} */ content) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Bundles the entry, records its inputs, and removes the target's older bundles and code caches. */
async function build(/** @type {Target} */ t) {
  const esbuild = require('esbuild');
  /** @type {Map<string, string>} */
  const read = new Map();
  /** @type {import('esbuild').BuildResult<{ metafile: true, write: false }>} */
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: t.root,
      entryPoints: [path.join(t.root, t.entry)],
      outfile: path.join(bundleDir(t), 'out.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // Class and function names stay as written: messages and cdk8s use them.
      keepNames: true,
      tsconfig: path.join(t.root, 'tsconfig.json'),
      define: { 'import.meta.url': '__import_meta_url' },
      // The module wrapper is part of the file, so V8 compiles the file's text as it is (no copy).
      banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
      footer: { js: '})' },
      plugins: [ownPaths(read)],
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = /** @type {import('esbuild').BuildFailure} */ (e).errors ?? [];
    const lines = errors.map((m) => `  ${m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : ''}${m.text}`);
    throw new Error(`cannot bundle ${t.entry}:\n${lines.join('\n') || `  ${/** @type {Error} */ (e).message}`}`, { cause: e });
  } finally {
    await esbuild.stop();
  }
  if (result.warnings.length > 0) throw new Error(`cannot bundle ${t.entry}: ${result.warnings.map((m) => m.text).join('; ')}`);
  const code = result.outputFiles[0]?.text ?? '';
  const sources = Object.keys(result.metafile.inputs).map((f) => path.resolve(t.root, f));
  const manifestFiles = new Set([...sources, path.join(t.root, 'tsconfig.json'), require.resolve('esbuild/package.json'), __filename, require.resolve('./file-stamps.cjs')]);
  for (const f of sources) manifestFiles.add(packageJsonOf(t.root, f) ?? f);
  const rel = (/** @type {string} */ p) => path.relative(t.root, p);
  /** @type {Manifest} */
  const manifest = {
    bundle: sha256(code),
    files: Object.fromEntries([...manifestFiles].sort().map((f) => [rel(f), read.get(f) ?? fileHash(f)])),
    dirs: Object.fromEntries([...new Set(sources.map((f) => path.dirname(f)))].sort().map((d) => [rel(d), dirHash(d)])),
  };
  fs.mkdirSync(bundleDir(t), { recursive: true });
  const keep = `${baseName(t)}-${manifest.bundle.slice(0, 16)}`;
  writeWhole(path.join(bundleDir(t), `${keep}.js`), code);
  writeWhole(path.join(bundleDir(t), `${baseName(t)}.json`), JSON.stringify(manifest));
  for (const name of fs.readdirSync(bundleDir(t))) {
    const pid = /\.(\d+)\.tmp$/.exec(name)?.[1];
    const stale = pid === undefined ? name.startsWith(`${baseName(t)}-`) && !name.startsWith(keep) : !isAlive(Number(pid));
    if (stale) fs.rmSync(path.join(bundleDir(t), name), { force: true });
  }
  return { manifest, code };
}

/** Whether a process runs with this pid (a temporary file of a dead one is left over). */
function isAlive(/** @type {number} */ pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/** The manifest of a current bundle of the target, or undefined when there is none or it is stale. */
function currentManifest(/** @type {Target} */ t) {
  const file = path.join(bundleDir(t), `${baseName(t)}.json`);
  try {
    /** @type {unknown} */
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    const manifest = /** @type {Manifest} */ (parsed);
    const refreshed = { value: false };
    if (!isCurrent(t.root, manifest, refreshed)) return undefined;
    if (refreshed.value) writeWhole(file, JSON.stringify(manifest));
    return manifest;
  } catch {
    return undefined;
  }
}

/**
 * Runs a bundle as the entry would run: its own module object, a `require` resolving from the entry's
 * folder. Without `code`, reads the bundle; returns false when it is gone (another run replaced it).
 */
function run(/** @type {Target} */ t, /** @type {Manifest} */ manifest, /** @type {string | undefined} */ code = undefined) {
  const file = path.join(bundleDir(t), `${baseName(t)}-${manifest.bundle.slice(0, 16)}.js`);
  try {
    code ??= fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const codeCache = file.replace(/\.js$/, '.v8cache');
  let cachedData;
  try {
    cachedData = fs.readFileSync(codeCache);
  } catch {
    // none yet: made below
  }
  const entry = path.join(t.root, t.entry);
  const script = new vm.Script(code, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  /** @type {Record<symbol, unknown>} */ (globalThis)[Symbol.for('gitops.bundle')] = manifest.bundle;
  const mod = { exports: {} };
  /** @type {unknown} */
  const wrapper = script.runInThisContext();
  /** @type {(...args: unknown[]) => void} */ (wrapper)(mod.exports, createRequire(entry), mod, entry, path.dirname(entry));
  // Made once the entry's synchronous part ran: it then holds what every start compiles (a warm
  // synth is all synchronous), not what only some runs need (the pipeline of a run that synthesizes).
  if (cachedData === undefined || script.cachedDataRejected === true) {
    try {
      writeWhole(codeCache, script.createCachedData());
    } catch {
      // an optimisation only: the next start compiles again
    }
  }
  return true;
}

/** Builds the target's bundle when any input changed, then runs it. */
async function runBundled(/** @type {Target} */ t) {
  const manifest = currentManifest(t);
  if (manifest && run(t, manifest)) return;
  const built = await build(t);
  run(t, built.manifest, built.code);
}

module.exports = { runBundled, build, isCurrent, CACHE_DIR };

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (entry === undefined) {
    console.error('usage: node tools/run-bundled.cjs <entry.ts> [args...]');
    process.exit(2);
  }
  // The entry sees the arguments it would see run directly (`node main.ts --env dev`).
  const file = path.resolve(entry);
  process.argv.splice(1, process.argv.length - 1, file, ...args);
  runBundled({ root: ROOT, cacheDir: CACHE_DIR, entry: path.relative(ROOT, file) }).catch((/** @type {Error} */ e) => {
    console.error(e.message);
    process.exit(1);
  });
}
