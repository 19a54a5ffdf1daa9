// What the user sees when a request fails for a reason other than a validation error.
import { assert, check, listPage, openPage } from './harness.mjs';

export const name = 'failures';

export async function run(browser, baseUrl) {
  const { context, page } = await openPage(browser, baseUrl);
  const ui = listPage(page);
  const alertText = async () => (await ui.alert.locator('.alert-message').textContent()).trim();
  try {
    await page.goto(baseUrl);
    await page.waitForFunction(() => typeof window.htmx === 'object');

    await check('403 (stale CSRF token): says the page is out of date and keeps the typed text', async () => {
      await context.clearCookies();
      await ui.addInput.fill('Refused item');
      await ui.addInput.press('Enter');
      await ui.alert.waitFor({ state: 'visible' });
      assert(/out of date/.test(await alertText()), await alertText());
      assert((await ui.addInput.inputValue()) === 'Refused item', 'typed text kept');
      assert(await ui.addButton.isEnabled(), 'Add enabled again');
      assert((await ui.row('Refused item').count()) === 0, 'nothing added');
      await page.reload();
      assert(await ui.alert.isHidden(), 'alert gone after reload');
    });

    await check('404 (deleted in another tab): says so and drops the stale row', async () => {
      await ui.add('Deleted elsewhere');
      await ui.add('Stays');
      const id = (await ui.row('Deleted elsewhere').getAttribute('id')).replace('todo-', '');
      assert((await ui.fetchAsPage(`/todos/${id}/delete/`, 'DELETE')) === 200, 'deleted by "another tab"');
      await ui.row('Deleted elsewhere').locator('.mark-done').click();
      await ui.alert.waitFor({ state: 'visible' });
      assert(/no longer exists/.test(await alertText()), await alertText());
      await ui.row('Deleted elsewhere').waitFor({ state: 'detached' });
    });

    await check('5xx: says the server had a problem and the change was probably not saved', async () => {
      await page.route('**/todos/*/done/', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' }));
      try {
        await ui.row('Stays').locator('.mark-done').click();
        // The 404 check's message is still shown: wait for this request's answer before reading it.
        await ui.settled();
        await ui.alert.waitFor({ state: 'visible' });
        assert(/error 502/.test(await alertText()), await alertText());
        assert((await page.locator('h1').count()) === 1, 'error page not swapped into the list');
        assert((await ui.row('Stays').locator('.mark-done').count()) === 1, 'row unchanged');
      } finally {
        await page.unroute('**/todos/*/done/');
      }
    });

    await check('a successful request clears the message', async () => {
      await ui.row('Stays').locator('.mark-done').click();
      await page.locator('#todos > li.done').filter({ hasText: 'Stays' }).waitFor();
      await ui.settled();
      assert(await ui.alert.isHidden(), 'alert hidden');
    });

    await check('network down: says the server could not be reached; the form can be sent again', async () => {
      await context.setOffline(true);
      try {
        await ui.addInput.fill('Sent while offline');
        await ui.addInput.press('Enter');
        await ui.alert.waitFor({ state: 'visible' });
        assert(/Could not reach the server/.test(await alertText()), await alertText());
        assert(await ui.addButton.isEnabled(), 'Add enabled again');
      } finally {
        await context.setOffline(false);
      }
      await ui.addButton.click();
      await ui.row('Sent while offline').waitFor();
      await ui.settled();
      assert(await ui.alert.isHidden(), 'alert hidden after the retry');
    });

    await check('no answer in time: says the server took too long; Add works again', async () => {
      await page.evaluate(() => {
        window.htmx.config.timeout = 300; // the page's 15 s, shortened for the test
      });
      await page.route('**/todos/add/', () => {}); // never answered
      try {
        await ui.addInput.fill('Too slow');
        await ui.addInput.press('Enter');
        await ui.alert.waitFor({ state: 'visible' });
        assert(/took too long/.test(await alertText()), await alertText());
        await page.waitForFunction(() => !document.querySelector('#add-form button').disabled);
      } finally {
        await page.unroute('**/todos/add/');
        await page.evaluate(() => {
          window.htmx.config.timeout = 15000;
        });
      }
    });

    await check('the message can be dismissed', async () => {
      await page.evaluate(() => {
        document.getElementById('alert').hidden = false;
      });
      await ui.alert.locator('.alert-close').click();
      assert(await ui.alert.isHidden(), 'dismissed');
    });

    // Leave an empty list for the suites after this one.
    for (const title of ['Stays', 'Sent while offline']) {
      await ui.row(title).locator('.delete').click();
      await ui.row(title).waitFor({ state: 'detached' });
    }
  } finally {
    await context.close();
  }
}
