// `vakwerk serve` in headless Chromium (issue 5): an open page reloads by
// itself after an edit, a stylesheet edit swaps the CSS without a reload,
// and a broken edit shows an overlay with file:line:col that clears when
// the file is fixed. All of it under a strict Content-Security-Policy.
// Run from tests/it/serve.rs with --url (the running server) and --site
// (its root, which this script edits).
import fs from 'node:fs';
import path from 'node:path';
import { launch, test, run, assert, args } from './lib.mjs';

const { url, site } = args();
if (!url || !site) throw new Error('usage: serve.spec.mjs --url URL --site DIR');
const PAGE = new URL('methoden/buurtcirkel/', url).href;
const FILE = path.join(site, 'content/methoden/buurtcirkel.md');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const BOUND = 15000;

const page_md = (niveaus, text) =>
  `---\ntitle: Buurtcirkel\ndoel: Netwerken bouwen.\nniveaus: [${niveaus}]\n---\n## Wat is het\n\n${text}\n`;

/** Open PAGE with a strict CSP header on every document; wait for live reload to connect. */
async function open(ctx) {
  const page = await ctx.context.newPage();
  page.violations = [];
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
  });
  await page.exposeFunction('__vakwerkViolation', (v) => page.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__vakwerkViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`));
  });
  await page.goto(PAGE);
  await page.waitForSelector('html[data-vakwerk-live="connected"]', { timeout: BOUND });
  return page;
}

/** Our own CSP violations (the theme's are not this suite's business). */
const ours = (page) => page.violations.filter((v) => v.includes('__vakwerk'));

test('an open page reloads by itself after an edit', async (ctx) => {
  const page = await open(ctx);
  await page.evaluate(() => { window.__notReloaded = true; });
  fs.writeFileSync(FILE, page_md('meso', 'Bewerkt in de editor: zebrapad.'));
  await page.waitForFunction(() => document.body && document.body.textContent.includes('zebrapad'), null, { timeout: BOUND });
  assert(!(await page.evaluate(() => window.__notReloaded)), 'the page should have reloaded');
  await page.waitForSelector('html[data-vakwerk-live="connected"]', { timeout: BOUND });
  assert(ours(page).length === 0, `CSP violations: ${ours(page).join('; ')}`);
  await page.close();
});

test('a page that shows a backlink reloads when the ref is added elsewhere', async (ctx) => {
  const page = await ctx.context.newPage();
  await page.goto(new URL('niveaus/micro/', url).href);
  await page.waitForSelector('html[data-vakwerk-live="connected"]', { timeout: BOUND });
  assert(!(await page.locator('main a[href="/methoden/buurtcirkel/"]').count()), 'no backlink yet');
  fs.writeFileSync(FILE, page_md('meso, micro', 'Bewerkt in de editor: zebrapad.'));
  await page.waitForSelector('main a[href="/methoden/buurtcirkel/"]', { timeout: BOUND });
  await page.close();
});

test('a stylesheet edit swaps the CSS without reloading', async (ctx) => {
  const page = await open(ctx);
  const original = await (await page.request.get(new URL('style.css', url).href)).text();
  await page.evaluate(() => { window.__notReloaded = true; });
  const css = path.join(site, 'static/style.css');
  fs.mkdirSync(path.dirname(css), { recursive: true });
  fs.writeFileSync(css, `${original}\nbody { outline: 7px solid rgb(1, 2, 3); }\n`);
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, { timeout: BOUND });
  assert(await page.evaluate(() => window.__notReloaded), 'a CSS-only change must not reload the page');
  fs.rmSync(path.join(site, 'static'), { recursive: true });
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor !== 'rgb(1, 2, 3)', null, { timeout: BOUND });
  assert(await page.evaluate(() => window.__notReloaded), 'reverting the CSS must not reload either');
  await page.close();
});

test('a broken edit shows an overlay with file:line:col; fixing it clears it', async (ctx) => {
  const page = await open(ctx);
  fs.writeFileSync(FILE, page_md('mesoo', 'Kapotte versie: nijlpaard.'));
  const overlay = page.locator('#vakwerk-live-overlay');
  await overlay.waitFor({ state: 'visible', timeout: BOUND });
  const text = await overlay.textContent();
  assert(text.includes('content/methoden/buurtcirkel.md:4:11'), `overlay names file:line:col: ${text}`);
  assert(text.includes('meso'), `overlay says what is wrong: ${text}`);
  assert(await overlay.getAttribute('role') === 'alert', 'the overlay is announced');
  assert(await overlay.evaluate((el) => getComputedStyle(el).position) === 'fixed', 'live.css applies under CSP');
  assert(!(await page.textContent('main')).includes('nijlpaard'), 'the last good build stays on screen');

  fs.writeFileSync(FILE, page_md('meso', 'Hersteld: kameel.'));
  await page.waitForFunction(() => document.body && document.body.textContent.includes('kameel'), null, { timeout: BOUND });
  await page.waitForSelector('html[data-vakwerk-live="connected"]', { timeout: BOUND });
  await overlay.waitFor({ state: 'detached', timeout: BOUND });
  assert(ours(page).length === 0, `CSP violations: ${ours(page).join('; ')}`);
  await page.close();
});

test('open search results update when a page gets the searched word', async (ctx) => {
  const page = await ctx.context.newPage();
  await page.goto(new URL('zoeken/?q=kwartelkoning', url).href);
  await page.waitForSelector('html[data-vakwerk-live="connected"]', { timeout: BOUND });
  await page.waitForFunction(() => document.getElementById('zoekstatus').textContent.trim() !== '', null, { timeout: BOUND });
  assert(await page.locator('#zoekresultaten li').count() === 0, 'no result before the edit');
  fs.writeFileSync(FILE, page_md('meso', 'Hier broedt de kwartelkoning.'));
  await page.waitForFunction(
    () => [...document.querySelectorAll('#zoekresultaten a')].some((a) => a.getAttribute('href').includes('/methoden/buurtcirkel/')),
    null, { timeout: BOUND });
  await page.close();
});

test('a page opened while the site is broken shows the overlay at once', async (ctx) => {
  fs.writeFileSync(FILE, '---\ntitle: Buurtcirkel\ndoel: [\n---\nKapot.\n');
  const deadline = Date.now() + BOUND;
  for (;;) {
    const status = await (await fetch(new URL('__vakwerk/status', url))).json();
    if (status.problems.length) break;
    assert(Date.now() < deadline, 'the server never reported the problem');
    await new Promise((r) => setTimeout(r, 50));
  }
  const page = await open(ctx);
  await page.locator('#vakwerk-live-overlay').waitFor({ state: 'visible', timeout: BOUND });
  fs.writeFileSync(FILE, page_md('meso', 'Weer goed.'));
  await page.locator('#vakwerk-live-overlay').waitFor({ state: 'detached', timeout: BOUND });
  await page.close();
});

await run(async () => launch(), async (ctx) => ctx.close());
