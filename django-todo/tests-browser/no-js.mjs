// With JavaScript off every action is a plain form post followed by a redirect.
import { assert, check, listPage, openPage } from './harness.mjs';

export const name = 'no-js';

export async function run(browser, baseUrl) {
  const { context, page } = await openPage(browser, baseUrl, { javaScriptEnabled: false });
  const ui = listPage(page);
  const submit = async (locator) => {
    await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), locator.click()]);
  };
  try {
    await page.goto(baseUrl);

    await check('no JavaScript: add, and an empty title shows the message', async () => {
      await ui.addInput.fill('Plain item');
      await submit(ui.addButton);
      assert((await ui.row('Plain item').count()) === 1, 'row added');
      assert(new URL(page.url()).hash.startsWith('#todo-'), `redirected to ${page.url()}`);
      await submit(ui.addButton);
      assert((await ui.addError.textContent()).includes('Please enter a title.'), 'validation message');
    });

    await check('no JavaScript: edit opens a page with the form in the row; Save and Cancel work', async () => {
      const id = await ui.row('Plain item').getAttribute('id');
      await submit(ui.row('Plain item').locator('.title'));
      const input = page.locator(`#${id}.editing input[name="title"]`);
      assert((await input.inputValue()) === 'Plain item', 'edit form prefilled');
      await input.fill('');
      await submit(page.locator(`#${id} button[type="submit"]`));
      assert((await page.locator(`#${id}.editing .error`).textContent()).includes('Please enter a title.'), 'error in the row');
      await page.locator(`#${id} input[name="title"]`).fill('Plain item, renamed');
      await submit(page.locator(`#${id} button[type="submit"]`));
      assert((await ui.row('Plain item, renamed').count()) === 1, 'saved');
      await submit(ui.row('Plain item, renamed').locator('.title'));
      await submit(page.locator(`#${id} .cancel`));
      assert((await page.locator('li.editing').count()) === 0 && (await ui.row('Plain item, renamed').count()) === 1, 'cancelled');
    });

    await check('no JavaScript: mark done and delete', async () => {
      await submit(ui.row('Plain item, renamed').locator('.mark-done'));
      assert((await ui.row('Plain item, renamed').getAttribute('class')).includes('done'), 'marked done');
      await submit(ui.row('Plain item, renamed').locator('.delete'));
      assert((await ui.row('Plain item, renamed').count()) === 0, 'deleted');
    });
  } finally {
    await context.close();
  }
}
