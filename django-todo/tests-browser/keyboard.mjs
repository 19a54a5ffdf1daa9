// Keyboard use: focus stays on the item after each action, Escape cancels an edit.
import { assert, check, listPage, openPage } from './harness.mjs';

export const name = 'keyboard';

export async function run(browser, baseUrl) {
  const { context, page } = await openPage(browser, baseUrl);
  const ui = listPage(page);
  try {
    await page.goto(baseUrl);
    await page.waitForFunction(() => typeof window.htmx === 'object');
    await ui.add('Keyboard older');
    await ui.add('Keyboard newer');
    const older = ui.row('Keyboard older');
    const olderId = await older.getAttribute('id');

    await check('edit with Enter, save with Enter: focus returns to the saved item', async () => {
      await older.locator('.title').focus();
      await page.keyboard.press('Enter');
      const input = page.locator(`#${olderId} input[name="title"]`);
      await input.waitFor();
      await ui.settled();
      assert((await ui.focused()) === `${olderId} ${await input.getAttribute('id')}`, `focus on ${await ui.focused()}`);
      await input.fill('Keyboard renamed');
      await page.keyboard.press('Enter');
      await ui.row('Keyboard renamed').waitFor();
      await ui.settled();
      await page.waitForFunction((id) => document.activeElement?.closest('li')?.id === id, olderId);
      assert((await ui.focused()) === `${olderId} title`, `focus on ${await ui.focused()}`);
    });

    await check('Escape cancels an edit, restores the title and keeps focus on the item', async () => {
      await page.keyboard.press('Enter');
      const input = page.locator(`#${olderId} input[name="title"]`);
      await input.waitFor();
      await ui.settled();
      await input.fill('Not saved');
      await page.keyboard.press('Escape');
      await ui.row('Keyboard renamed').waitFor();
      await ui.settled();
      await page.waitForFunction((id) => document.activeElement?.closest('li')?.id === id, olderId);
      assert((await ui.focused()) === `${olderId} title`, `focus on ${await ui.focused()}`);
      await page.locator('#todos > li.editing').waitFor({ state: 'detached' });
    });

    await check('mark done with the keyboard: focus stays in the row', async () => {
      await ui.row('Keyboard renamed').locator('.mark-done').focus();
      await page.keyboard.press('Enter');
      await page.locator(`#${olderId}.done`).waitFor();
      await ui.settled();
      await page.waitForFunction((id) => document.activeElement?.closest('li')?.id === id, olderId);
    });

    await check('delete with the keyboard: focus moves to the next item', async () => {
      await ui.row('Keyboard newer').locator('.delete').focus();
      await page.keyboard.press('Enter');
      await ui.row('Keyboard newer').waitFor({ state: 'detached' });
      await page.waitForFunction((id) => document.activeElement?.closest('li')?.id === id, olderId);
    });

    await check('deleting the last item moves focus to the add form', async () => {
      await ui.row('Keyboard renamed').locator('.delete').focus();
      await page.keyboard.press('Enter');
      await ui.row('Keyboard renamed').waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.id === 'add-title');
    });
  } finally {
    await context.close();
  }
}
