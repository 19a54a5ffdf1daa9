// The main flows with JavaScript on, without a page reload; the Back button; long pastes.
import { assert, check, listPage, openPage } from './harness.mjs';

export const name = 'basics';

export async function run(browser, baseUrl) {
  const { context, page, watch } = await openPage(browser, baseUrl);
  const ui = listPage(page);
  try {
    await check('page loads with htmx from the app itself, never cached', async () => {
      const response = await page.goto(baseUrl);
      assert(response && response.status() === 200, `status ${response && response.status()}`);
      assert(/no-store/.test(response.headers()['cache-control'] ?? ''), `Cache-Control: ${response.headers()['cache-control']}`);
      await page.waitForFunction(() => typeof window.htmx === 'object');
      await page.evaluate(() => {
        window.__marker = 1;
      });
      assert((await ui.rows.count()) === 0, 'list should start empty');
      assert(await page.locator('.empty').isVisible(), 'empty-list message visible');
    });

    await check('empty and whitespace-only titles show the validation message', async () => {
      await ui.addButton.click();
      await ui.addError.waitFor({ state: 'visible' });
      assert((await ui.addError.textContent()).includes('Please enter a title.'), await ui.addError.textContent());
      await ui.addInput.fill('   ');
      await ui.addInput.press('Enter');
      // The error of the empty title is still shown: wait for this request's answer too. A submit
      // made while it is in flight is queued by htmx (2.0) on the form, and dropped when the answer
      // replaces the form.
      await page.waitForFunction(() => document.querySelector('#add-title').value === '   ' && document.querySelector('#add-form .error') && !document.querySelector('.htmx-request'));
      assert((await ui.rows.count()) === 0, 'no row added');
    });

    await check('a pasted title over 255 characters is kept and rejected with a message, not cut', async () => {
      await ui.addInput.fill('');
      await ui.addInput.focus();
      await page.keyboard.insertText('p'.repeat(300));
      assert((await ui.addInput.inputValue()).length === 300, `input holds ${(await ui.addInput.inputValue()).length} characters`);
      await ui.addInput.press('Enter');
      await page.waitForFunction(() => /this one has 300/.test(document.querySelector('#add-form .error')?.textContent ?? ''));
      assert((await ui.addInput.inputValue()).length === 300, 'text kept after the error');
      assert((await ui.rows.count()) === 0, 'no row added');
    });

    await check('add: the row goes to the top of the list, the form is cleared', async () => {
      await ui.add('Buy milk');
      await ui.add('Buy bread');
      assert((await ui.rows.first().locator('.title').textContent()).trim() === 'Buy bread', 'newest first');
      assert((await ui.addInput.inputValue()) === '', 'form cleared');
      assert((await ui.addError.count()) === 0, 'error cleared after a valid add');
      assert(!(await page.locator('.empty').isVisible()), 'empty message hidden');
      assert((await page.locator('#announce').textContent()).includes('Added “Buy bread”.'), 'announced');
    });

    await check('edit inline, and an empty title is rejected in the row', async () => {
      await ui.row('Buy milk').locator('.title').click();
      const input = page.locator('#todos > li.editing input[name="title"]');
      assert((await input.inputValue()) === 'Buy milk', 'edit form prefilled');
      await input.fill('');
      await page.locator('#todos > li.editing button[type="submit"]').click();
      await page.locator('#todos > li.editing .error').waitFor();
      await ui.settled();
      await input.fill('Buy oat milk');
      await page.locator('#todos > li.editing button[type="submit"]').click();
      // htmx gives the new row the old one's attributes until it settles (20 ms).
      await page.locator('#todos > li.editing').waitFor({ state: 'detached' });
      assert((await ui.row('Buy oat milk').count()) === 1, 'row saved');
    });

    await check('mark done and delete after confirming', async () => {
      await ui.row('Buy oat milk').locator('.mark-done').click();
      await page.locator('#todos > li.done').waitFor();
      await ui.settled();
      await ui.row('Buy bread').locator('.delete').click();
      await ui.row('Buy bread').waitFor({ state: 'detached' });
      assert(watch.dialogs.includes('Delete this todo?'), `dialogs: ${JSON.stringify(watch.dialogs)}`);
      const html = await page.evaluate(async () => (await fetch('/')).text());
      assert(html.includes('Buy oat milk') && !html.includes('Buy bread') && /class="todo done"/.test(html), 'changes stored');
    });

    await check('Back after leaving the page shows the list as it is now, not a cached copy', async () => {
      await ui.add('Added before leaving');
      await page.goto(new URL('healthz', baseUrl).href);
      await page.goBack();
      await ui.row('Added before leaving').waitFor({ timeout: 3000 });
      await ui.row('Added before leaving').locator('.delete').click();
      await ui.row('Added before leaving').waitFor({ state: 'detached' });
      await page.evaluate(() => {
        window.__marker = 1;
      });
    });

    await ui.row('Buy oat milk').locator('.delete').click();
    await ui.row('Buy oat milk').waitFor({ state: 'detached' });

    await check('no full page reload, no page errors, no third-party requests', async () => {
      assert((await page.evaluate(() => window.__marker)) === 1, 'page was reloaded');
      assert(watch.pageErrors.length === 0, `page errors: ${watch.pageErrors.join('; ')}`);
      assert(watch.foreignRequests.length === 0, `foreign requests: ${watch.foreignRequests.join(', ')}`);
    });
  } finally {
    await context.close();
  }
}
