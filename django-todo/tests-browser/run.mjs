// Browser tests for django-todo: the real pages in headless Chromium, one browser for all suites.
// Usage: node tests-browser/run.mjs http://127.0.0.1:PORT/
// Needs playwright-core (repo root node_modules) and Debian's chromium. The suites share one
// database and run in order: basics expects an empty list, long-list leaves 200 items behind.
// Last line: "N passed, M failed".
import { fail, launch, totals } from './harness.mjs';
import * as basics from './basics.mjs';
import * as failures from './failures.mjs';
import * as keyboard from './keyboard.mjs';
import * as layout from './layout.mjs';
import * as noJs from './no-js.mjs';
import * as longList from './long-list.mjs';
import * as metrics from './metrics.mjs';

const baseUrl = process.argv[2];
if (!baseUrl) {
  console.error('usage: node tests-browser/run.mjs <base-url>');
  process.exit(2);
}

let browser;
try {
  browser = await launch();
  for (const suite of [basics, failures, keyboard, layout, noJs, longList]) {
    try {
      await suite.run(browser, baseUrl);
    } catch (err) {
      fail(`${suite.name} suite`, err);
    }
  }
  await metrics.run(baseUrl);
} catch (err) {
  fail('browser session', err);
} finally {
  if (browser) await browser.close().catch(() => {});
}

const { passed, failed } = totals();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
