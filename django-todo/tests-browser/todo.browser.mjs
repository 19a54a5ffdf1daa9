// Browser test for django-todo: drives the real page in headless Chromium.
// Usage: node tests-browser/todo.browser.mjs http://127.0.0.1:PORT/
// Needs playwright-core (repo root node_modules) and Debian's chromium.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const baseUrl = process.argv[2];
if (!baseUrl) {
  console.error('usage: node todo.browser.mjs <base-url>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`${executablePath} not found: install Debian's chromium (apt-get install -y chromium)`);
  process.exit(1);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (err) {
  console.error(`playwright-core is not installed (run npm ci at the repo root): ${err.message}`);
  process.exit(1);
}

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed += 1;
    console.log(`not ok - ${name}\n  ${String(err && err.message).split('\n').join('\n  ')}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const origin = new URL(baseUrl).origin;
const userDataDir = mkdtempSync(join(tmpdir(), 'todo-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());

  const pageErrors = [];
  const foreignRequests = [];
  const dialogs = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (req) => {
    if (new URL(req.url()).origin !== origin) foreignRequests.push(req.url());
  });
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.accept();
  });

  const rows = page.locator('#todos > li');
  const addInput = page.locator('#add-form input[name="title"]');
  const addError = page.locator('#add-form .error');

  await check('page loads with htmx from the app itself', async () => {
    const response = await page.goto(baseUrl);
    assert(response && response.status() === 200, `status ${response && response.status()}`);
    await page.waitForFunction(() => typeof window.htmx === 'object');
    await page.evaluate(() => {
      window.__marker = 1;
    });
    assert((await page.locator('h1').textContent()).trim() === 'Todo', 'heading');
    assert((await rows.count()) === 0, 'list should start empty');
    assert(await page.locator('.empty').isVisible(), 'empty-list message visible');
  });

  await check('empty title shows the validation message', async () => {
    await addInput.fill('');
    await page.locator('#add-form button[type="submit"]').click();
    await addError.waitFor({ state: 'visible' });
    assert((await addError.textContent()).includes('Please enter a title.'), await addError.textContent());
    assert((await rows.count()) === 0, 'no row added');
  });

  await check('whitespace-only title is rejected too', async () => {
    await addInput.fill('   ');
    await addInput.press('Enter');
    await page.waitForFunction(() => {
      const input = document.querySelector('#add-form input[name="title"]');
      return input && input.value === '   ' && document.querySelector('#add-form .error');
    });
    assert((await rows.count()) === 0, 'no row added');
  });

  await check('add a todo: row lands inside #todos, form is cleared', async () => {
    await addInput.fill('Buy milk');
    await addInput.press('Enter');
    await rows.first().waitFor();
    assert((await rows.count()) === 1, `rows: ${await rows.count()}`);
    assert((await rows.first().locator('.title').textContent()).trim() === 'Buy milk', 'title');
    await page.waitForFunction(() => document.querySelector('#add-form input[name="title"]').value === '');
    assert((await addError.count()) === 0, 'error cleared after a valid add');
    assert(!(await page.locator('.empty').isVisible()), 'empty message hidden');
  });

  await check('edit inline', async () => {
    await rows.first().locator('.title').click();
    const input = page.locator('#todos > li.editing input[name="title"]');
    await input.waitFor();
    assert((await input.inputValue()) === 'Buy milk', 'edit form prefilled');
    await input.fill('Buy oat milk');
    await page.locator('#todos > li.editing button[type="submit"]').click();
    await page.locator('#todos > li.editing').waitFor({ state: 'detached' });
    assert((await rows.first().locator('.title').textContent()).trim() === 'Buy oat milk', 'title updated');
  });

  await check('inline edit rejects an empty title with a message in the row', async () => {
    await rows.first().locator('.title').click();
    const input = page.locator('#todos > li.editing input[name="title"]');
    await input.fill('');
    await page.locator('#todos > li.editing button[type="submit"]').click();
    const error = page.locator('#todos > li.editing .error');
    await error.waitFor({ state: 'visible' });
    assert((await error.textContent()).includes('Please enter a title.'), await error.textContent());
    await page.locator('#todos > li.editing input[name="title"]').fill('Buy oat milk');
    await page.locator('#todos > li.editing button[type="submit"]').click();
    await page.locator('#todos > li.editing').waitFor({ state: 'detached' });
    assert((await rows.count()) === 1, 'still one row');
  });

  await check('mark done', async () => {
    await rows.first().locator('.mark-done').click();
    await page.locator('#todos > li.done').waitFor();
    assert((await rows.first().locator('.mark-done').count()) === 0, 'done button gone');
  });

  await check('changes are stored on the server', async () => {
    const html = await page.evaluate(async () => (await fetch('/')).text());
    assert(html.includes('Buy oat milk'), 'edited title persisted');
    assert(/class="todo done"/.test(html), 'done state persisted');
  });

  await check('delete after confirming', async () => {
    await rows.first().locator('.delete').click();
    await rows.first().waitFor({ state: 'detached' });
    assert((await rows.count()) === 0, 'row removed');
    assert(dialogs.includes('Delete this todo?'), `dialogs: ${JSON.stringify(dialogs)}`);
    assert(await page.locator('.empty').isVisible(), 'empty message back');
  });

  await check('no full page reload, no page errors, no third-party requests', async () => {
    assert((await page.evaluate(() => window.__marker)) === 1, 'page was reloaded');
    assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
    assert(foreignRequests.length === 0, `foreign requests: ${foreignRequests.join(', ')}`);
  });
} catch (err) {
  failed += 1;
  console.log(`not ok - browser session\n  ${err && err.stack}`);
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
