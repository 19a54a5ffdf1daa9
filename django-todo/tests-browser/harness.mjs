// Shared by the browser suites: one Chromium for the whole run, checks counted and reported.
import { existsSync } from 'node:fs';

export const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let passed = 0;
let failed = 0;

/** Runs one named check; a failure is reported and counted, and the run goes on. */
export async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed += 1;
    console.log(`not ok - ${name}\n  ${String(err && (err.stack || err.message)).split('\n').join('\n  ')}`);
  }
}

/** Counts a failure outside any check (a suite that could not start). */
export function fail(name, err) {
  failed += 1;
  console.log(`not ok - ${name}\n  ${err && err.stack}`);
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export const totals = () => ({ passed, failed });

export async function launch() {
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} not found: install Debian's chromium (apt-get install -y chromium)`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    throw new Error(`playwright-core is not installed (run npm ci at the repo root): ${err.message}`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A page in a fresh context, watched for page errors and requests to other origins, with
 * confirm() dialogs accepted.
 */
export async function openPage(browser, baseUrl, options = {}) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const origin = new URL(baseUrl).origin;
  const watch = { pageErrors: [], foreignRequests: [], dialogs: [] };
  page.on('pageerror', (err) => watch.pageErrors.push(err.message));
  page.on('request', (req) => {
    if (new URL(req.url()).origin !== origin) watch.foreignRequests.push(req.url());
  });
  page.on('dialog', async (dialog) => {
    watch.dialogs.push(dialog.message());
    await dialog.accept();
  });
  return { context, page, watch };
}

/** Locators and actions on the list page. */
/**
 * Resolves once htmx has no request in flight and has settled every swap: only then are the new
 * elements processed (their hx-* handlers bound, 20 ms after the swap by default). A key pressed or
 * a link clicked before that reaches a plain element: a full page load instead of an htmx request.
 */
function settled(page) {
  return page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added'));
}

export function listPage(page) {
  const rows = page.locator('#todos > li.todo');
  const addInput = page.locator('#add-title');
  return {
    settled: () => settled(page),
    rows,
    addInput,
    addButton: page.locator('#add-form button[type="submit"]'),
    addError: page.locator('#add-form .error'),
    alert: page.locator('#alert'),
    row: (title) => rows.filter({ has: page.getByRole('link', { name: title, exact: true }) }),
    async add(title) {
      await addInput.fill(title);
      await addInput.press('Enter');
      await rows.filter({ has: page.getByRole('link', { name: title, exact: true }) }).first().waitFor();
      await settled(page);
    },
    /** The id of the element that has focus, or of its row. */
    focused: () =>
      page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return 'body';
        const row = el.closest('li');
        return `${row ? row.id + ' ' : ''}${el.id || el.className || el.tagName}`;
      }),
    /** Sends requests as the page itself would (same cookies and CSRF header). */
    fetchAsPage: (path, method, body) =>
      page.evaluate(
        async ({ path, method, body }) => {
          const headers = { ...JSON.parse(document.body.getAttribute('hx-headers')), 'HX-Request': 'true' };
          const init = { method, headers };
          if (body) init.body = new URLSearchParams(body);
          return (await fetch(path, init)).status;
        },
        { path, method, body },
      ),
  };
}
