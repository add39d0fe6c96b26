// Accessibility: axe-core (WCAG 2.1 A and AA rules) on every page type in
// light and dark mode, plus what axe cannot see: the UI language, heading
// order, the skip link and a visible focus for every keyboard stop.
// Usage: node a11y.spec.mjs --site public/ [--lang nl] [--schemes light,dark] [--keyboard no]
// (The English run checks light mode only and skips the keyboard walk: the
// language changes words, not colours or focus styles.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir, launch, test, run, assert, eq, args } from './lib.mjs';
import { pageTypes } from './pages.mjs';

const opts = args();
const site = opts.site;
const lang = opts.lang || 'nl';
const schemes = (opts.schemes || 'light,dark').split(',');
const keyboard = opts.keyboard !== 'no';
const here = path.dirname(fileURLToPath(import.meta.url));
const AXE = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function open(context, server, url, scheme = 'light') {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(server.url + url);
  if (url.startsWith('/zoeken/')) await openSearch(page);
  return page;
}

/** Let the search page show results and open every facet group, so axe sees them. */
async function openSearch(page) {
  await page.waitForFunction(() => document.querySelector('[role="search"] input, input[type="search"]'), null, { timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(500);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
}

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\n/g, ' ')).join('\n    ')}`);
  }, TAGS);
}

for (const [name, url] of pageTypes(site)) {
  for (const scheme of schemes) {
    test(`${name} (${scheme}) has no WCAG 2.1 A/AA violations`, async ({ context, server }) => {
      const page = await open(context, server, url, scheme);
      const violations = await axe(page);
      await page.close();
      assert(violations.length === 0, `${url} in ${scheme} mode:\n  ${violations.join('\n  ')}`);
    });
  }

  test(`${name} declares lang="${lang}" and has headings in order`, async ({ context, server }) => {
    const page = await open(context, server, url);
    const { htmlLang, levels } = await page.evaluate(() => ({
      htmlLang: document.documentElement.lang,
      levels: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => +h.tagName[1]),
    }));
    await page.close();
    eq(htmlLang, lang, 'lang');
    eq(levels.filter((l) => l === 1).length, 1, `one h1 on ${url}`);
    eq(levels[0], 1, `first heading is the h1 on ${url}`);
    for (let i = 1; i < levels.length; i++) {
      assert(levels[i] <= levels[i - 1] + 1, `${url}: h${levels[i - 1]} is followed by h${levels[i]}`);
    }
  });
}

if (keyboard) test('the first Tab reaches a visible skip link that moves focus to the content', async ({ context, server }) => {
  const page = await open(context, server, '/methoden/adviesvangers/');
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { cls: a.className, href: a.getAttribute('href'), visible: r.left >= 0 && r.top >= 0 && r.width > 0 };
  });
  eq(skip.cls, 'skip', 'first focus');
  assert(skip.visible, 'skip link is on screen when focused');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  const inMain = await page.evaluate(() => !!document.activeElement.closest('main'));
  await page.close();
  assert(inMain, 'after the skip link, Tab continues inside <main>');
});

for (const [name, url] of keyboard ? [['method', '/methoden/adviesvangers/'], ['overview', '/overzicht/'], ['leerlijn', '/leerlijnen/sociaal-werk-op-alle-niveaus/']] : []) {
  test(`every keyboard stop on the ${name} page shows a focus indicator`, async ({ context, server }) => {
    const page = await open(context, server, url);
    const seen = new Set();
    const problems = [];
    for (let i = 0; i < 250; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return null;
        const s = getComputedStyle(a);
        const id = (a.outerHTML || '').slice(0, 80) + '@' + Math.round(a.getBoundingClientRect().top + window.scrollY);
        // SVG links show focus on their circle instead of an outline.
        const circle = a.querySelector && a.querySelector('circle');
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ||
          (circle && parseFloat(getComputedStyle(circle).strokeWidth) >= 3);
        return { id, ring };
      });
      if (!f || seen.has(f.id)) break;
      seen.add(f.id);
      if (!f.ring) problems.push(f.id);
    }
    await page.close();
    assert(seen.size > 10, `only ${seen.size} keyboard stops on ${url}`);
    assert(problems.length === 0, `no visible focus on:\n  ${problems.join('\n  ')}`);
  });
}

run(async () => {
  const server = await serveDir(site);
  const browser = await launch();
  return { server, context: browser.context, browser };
}, async ({ server, browser }) => { await browser.close(); await server.close(); });
