// Opens every page of the hostile fixture site in headless Chromium and
// asserts that no script from content runs: no dialog opens and nothing is
// logged as an error. Driven by tests/it/hostile.rs.
import fs from 'node:fs';
import path from 'node:path';
import { serveDir, launch, test, run, assert, args } from './lib.mjs';

const site = args().site;
const pages = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.html')) pages.push('/' + path.relative(site, p).split(path.sep).join('/'));
  }
})(site);

test(`found the hostile pages (${pages.length})`, async () => {
  assert(pages.length >= 6, `only ${pages.length} pages`);
});

for (const p of pages) {
  test(`no script runs on ${p}`, async ({ server, browser }) => {
    const page = await browser.context.newPage();
    const dialogs = [], errors = [];
    page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const url = server.url + encodeURI(p.replace(/index\.html$/, ''));
    await page.goto(url, { waitUntil: 'load' });
    // Give timers, event handlers on load and lazy scripts a moment.
    await page.mouse.move(200, 200);
    await page.waitForTimeout(150);
    await page.close();
    assert(dialogs.length === 0, `dialog opened: ${dialogs.join(', ')}`);
    const real = errors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e) || !p.endsWith('404.html'));
    assert(real.length === 0, `errors: ${real.join(' | ')}`);
  });
}

await run(
  async () => ({ server: await serveDir(site), browser: await launch() }),
  async ({ server, browser }) => { await browser.close(); await server.close(); },
);
