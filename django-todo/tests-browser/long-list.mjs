// 200 items: pages of 50, a new item visible at once, scroll kept when an edit is cancelled.
import { assert, check, listPage, openPage } from './harness.mjs';

export const name = 'long-list';

export async function run(browser, baseUrl) {
  const { context, page } = await openPage(browser, baseUrl, { viewport: { width: 1024, height: 700 } });
  const ui = listPage(page);
  try {
    await page.goto(baseUrl);
    await page.waitForFunction(() => typeof window.htmx === 'object');
    for (let i = 0; i < 200; i += 20) {
      const statuses = await Promise.all(Array.from({ length: 20 }, (_, k) => ui.fetchAsPage('/todos/add/', 'POST', { title: `Item ${i + k + 1}` })));
      assert(statuses.every((s) => s === 200), `seeding: ${statuses}`);
    }
    await page.reload();
    const more = page.locator('#more a');

    await check('200 items: the newest 50 are shown, with a button for the older ones', async () => {
      assert((await ui.rows.count()) === 50, `${await ui.rows.count()} rows`);
      assert((await more.textContent()).includes('150 more'), await more.textContent());
    });

    await check('a new item appears at the top, on screen, and is announced', async () => {
      await ui.add('Brand new');
      assert((await ui.rows.first().locator('.title').textContent()).trim() === 'Brand new', 'first row');
      const box = await ui.row('Brand new').boundingBox();
      assert(box && box.y >= 0 && box.y + box.height <= 700, `row at ${JSON.stringify(box)}`);
      assert((await page.locator('#announce').textContent()).includes('Brand new'), 'announced');
    });

    await check('"Show older items" appends the next 50 without duplicates and focuses the first', async () => {
      await more.click();
      await page.waitForFunction(() => document.querySelectorAll('#todos > li.todo').length === 101);
      const ids = await ui.rows.evaluateAll((lis) => lis.map((li) => li.id));
      assert(new Set(ids).size === ids.length, 'duplicate rows');
      assert((await more.textContent()).includes('100 more'), await more.textContent());
      await page.waitForFunction(() => document.activeElement?.closest('li')?.id === document.querySelectorAll('#todos > li.todo')[51].id);
    });

    await check('Cancel keeps the scroll position (no reload)', async () => {
      await page.evaluate(() => {
        window.__marker = 1;
      });
      const row = ui.rows.nth(70);
      await row.scrollIntoViewIfNeeded();
      const id = await row.getAttribute('id');
      const before = await page.evaluate(() => window.scrollY);
      assert(before > 500, `scrolled to ${before}`);
      await row.locator('.title').click();
      await page.locator(`#${id}.editing .cancel`).click();
      await page.locator(`#${id}:not(.editing)`).waitFor();
      await ui.settled();
      const after = await page.evaluate(() => window.scrollY);
      assert(Math.abs(after - before) <= 2, `scroll ${before} -> ${after}`);
      assert((await page.evaluate(() => window.__marker)) === 1, 'page reloaded');
    });

    await check('no JavaScript: "Show older items" is a link to the next 50', async () => {
      const plain = await openPage(browser, baseUrl, { javaScriptEnabled: false });
      try {
        await plain.page.goto(baseUrl);
        await Promise.all([plain.page.waitForNavigation(), plain.page.locator('#more a').click()]);
        const rows = listPage(plain.page).rows;
        assert((await rows.count()) === 50, `${await rows.count()} rows`);
        assert((await plain.page.locator('.newer a').count()) === 1, 'link back to the newest');
        assert((await plain.page.locator('#add-form').count()) === 0, 'add form only with the newest');
      } finally {
        await plain.context.close();
      }
    });
  } finally {
    await context.close();
  }
}
