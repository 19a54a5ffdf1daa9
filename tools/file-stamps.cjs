// @ts-check
/**
 * "Does this file still hold the bytes it held when it was hashed?", mostly without reading it: a
 * stamp (inode, size, mtime and ctime, to a fraction of a microsecond) recorded when the file last hashed as expected vouches
 * for it while the stamp is unchanged. ctime cannot be set back (setting mtime back sets ctime to
 * now), and a stamp is recorded only for a file whose times are 2 s older than the check, so an
 * edit within the same clock tick as the hashing is never vouched for (git's "racy clean" rule).
 * Plain JavaScript: tools/run-bundled.cjs uses it before any TypeScript can run; synth/run-memo.ts too.
 */
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');

const sha256 = (/** @type {string | Buffer} */ data) => createHash('sha256').update(data).digest('hex');

/** sha256 of a file, or '' when it is missing. */
function fileHash(/** @type {string} */ file) {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return '';
  }
}

/** A file's stamp, or '' when it is missing or changed too recently for its stamp to vouch for it. */
function stampOf(/** @type {string} */ file) {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  const racy = Date.now() - 2000;
  return st !== undefined && st.ctimeMs < racy && st.mtimeMs < racy ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : '';
}

/**
 * Whether `file` holds the bytes hashing to `hash`; `stamps[key]` vouches when it holds the file's
 * stamp with that hash. A file that hashed the same gets its stamp recorded there (and
 * `refreshed.value` set, so the caller saves them).
 */
function holds(/** @type {string} */ file, /** @type {string} */ hash, /** @type {Record<string, string>} */ stamps, /** @type {string} */ key, refreshed = { value: false }) {
  // Stamped before hashing: an edit in between changes the file's ctime, so the next check hashes again.
  const stamp = stampOf(file);
  if (stamp !== '' && stamps[key] === `${stamp} ${hash}`) return true;
  if (fileHash(file) !== hash) return false;
  if (stamp !== '') [stamps[key], refreshed.value] = [`${stamp} ${hash}`, true];
  return true;
}

module.exports = { sha256, fileHash, stampOf, holds };
