// Long titles on a 375 px screen, and the in-flight state of the add form.
import { assert, check, listPage, openPage } from './harness.mjs';

export const name = 'layout';

const LONG = 'W'.repeat(255); // the longest title, no place to break

/** Page width and the right edges of the row's controls. */
const measure = (page, rowId) =>
  page.evaluate((id) => {
    const row = document.getElementById(id);
    const right = (sel) => Math.max(...[...row.querySelectorAll(sel)].map((el) => el.getBoundingClientRect().right));
    return { page: document.documentElement.scrollWidth, viewport: window.innerWidth, controls: right('button, a, input') };
  }, rowId);

export async function run(browser, baseUrl) {
  const { context, page } = await openPage(browser, baseUrl, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const ui = listPage(page);
  try {
    await page.goto(baseUrl);
    await page.waitForFunction(() => typeof window.htmx === 'object');

    await check('375 px: a 255-character title without spaces wraps; the page does not widen', async () => {
      await ui.add(LONG);
      const id = await ui.row(LONG).getAttribute('id');
      const m = await measure(page, id);
      assert(m.page <= m.viewport, `page is ${m.page} px wide on a ${m.viewport} px screen`);
      assert(m.controls <= m.viewport, `controls end at ${m.controls} px`);
      assert(await ui.row(LONG).locator('.delete').isVisible(), 'Delete visible');
    });

    await check('375 px: the edit form of a long title fits too, and its buttons work', async () => {
      const row = ui.row(LONG);
      const id = await row.getAttribute('id');
      await row.locator('.title').click();
      await page.locator(`#${id}.editing`).waitFor();
      await ui.settled();
      const m = await measure(page, id);
      assert(m.page <= m.viewport && m.controls <= m.viewport, `page ${m.page} px, controls end at ${m.controls} px`);
      await page.locator(`#${id} .cancel`).click();
      await page.locator(`#${id}:not(.editing)`).waitFor();
      await ui.settled();
      await ui.row(LONG).locator('.mark-done').click();
      await page.locator(`#${id}.done`).waitFor();
      await ui.settled();
    });

    await check('in flight: Add is disabled and marked busy until the answer; a second click adds nothing', async () => {
      let release;
      const held = new Promise((resolve) => {
        release = resolve;
      });
      await page.route('**/todos/add/', async (route) => {
        await held;
        await route.continue();
      });
      try {
        await ui.addInput.fill('Slow item');
        await ui.addButton.click();
        await page.waitForFunction(() => document.querySelector('#add-form button').disabled);
        assert((await page.locator('#add-form').getAttribute('aria-busy')) === 'true', 'form aria-busy');
        assert(await page.locator('#add-form .busy').isVisible(), '"Saving…" shown');
        await ui.addButton.click({ force: true, timeout: 1000 }).catch(() => {});
        await ui.addInput.press('Enter');
      } finally {
        release();
      }
      await ui.row('Slow item').waitFor();
      await ui.settled();
      await page.unroute('**/todos/add/');
      await page.waitForFunction(() => !document.querySelector('#add-form button').disabled);
      assert((await ui.row('Slow item').count()) === 1, `${await ui.row('Slow item').count()} rows`);
      assert(await page.locator('#add-form .busy').isHidden(), '"Saving…" hidden');
    });

    for (const title of ['Slow item', LONG]) {
      await ui.row(title).locator('.delete').click();
      await ui.row(title).waitFor({ state: 'detached' });
    }
  } finally {
    await context.close();
  }
}
