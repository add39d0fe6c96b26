// Mobile and desktop layout: at 360×740 and 1280×800 no page type scrolls
// sideways, and each gets a screenshot (kept in --shots DIR for people to
// look at). Usage: node layout.spec.mjs --site public/ [--shots DIR]
import fs from 'node:fs';
import path from 'node:path';
import { serveDir, launch, test, run, assert, args } from './lib.mjs';
import { pageTypes } from './pages.mjs';

const opts = args();
const site = opts.site;
const shots = opts.shots;
if (shots) fs.mkdirSync(shots, { recursive: true });

const SIZES = [[360, 740], [1280, 800]];

for (const [name, url] of pageTypes(site)) {
  for (const [w, h] of SIZES) {
    test(`${name} at ${w}x${h} has no horizontal scroll`, async ({ context, server }) => {
      const page = await context.newPage();
      await page.setViewportSize({ width: w, height: h });
      await page.goto(server.url + url);
      if (name === 'search') await page.waitForTimeout(300);
      const { scroll, client, wide } = await page.evaluate(() => {
        const doc = document.documentElement;
        // Name the culprits, so a failure says what to fix.
        const wide = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
          .filter((el) => !el.closest('.table-scroll, pre, .vh'))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
      });
      if (shots) await page.screenshot({ path: path.join(shots, `${name}-${w}.png`), });
      await page.close();
      assert(scroll <= client, `scrollWidth ${scroll} > ${client}: ${wide.join(', ')}`);
    });
  }
}

run(async () => {
  const server = await serveDir(site);
  const browser = await launch();
  return { server, context: browser.context, browser };
}, async ({ server, browser }) => { await browser.close(); await server.close(); });
