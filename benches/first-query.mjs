// First-query download and cached query time of search, in headless Chromium.
//
//   node benches/first-query.mjs --site DIR --q "two words" [--js search.js|pagefind]
//
// Opens /zoeken/?q=… (or, with --pagefind URL, a Pagefind UI page), records
// every response the page needs for the first result page, and reports
// their sizes gzipped (level 6, what a typical server sends), then times a
// repeat of the query once everything is cached.
import zlib from 'node:zlib';
import { serveDir, launch, args } from '../tests/browser/lib.mjs';

const a = args();
const server = await serveDir(a.site);
const browser = await launch();
const page = await browser.context.newPage();
const seen = [];
page.on('response', async (r) => {
  try {
    const body = await r.body();
    seen.push({ url: r.url().replace(server.url, ''), raw: body.length, gz: zlib.gzipSync(body, { level: 6 }).length });
  } catch { /* redirects have no body */ }
});
const path = a.path || '/zoeken/';
await page.goto(`${server.url}${path}?q=${encodeURIComponent(a.q)}`);
await page.waitForLoadState('networkidle');
await page.waitForTimeout(300);
const results = await page.$$eval(a.results || '#zoekresultaten a', (x) => x.length);
const isSearch = (s) => s.url.includes('/search') || s.url.includes('pagefind') || s.url.includes('search.js');
const mine = seen.filter(isSearch);
const sum = (l, k) => l.reduce((n, s) => n + s[k], 0);
const group = (re) => mine.filter((s) => re.test(s.url));
const row = (name, l) => console.log(`  ${name.padEnd(22)} ${String(l.length).padStart(3)} files ${(sum(l, 'gz') / 1024).toFixed(1).padStart(7)} KB gz (${(sum(l, 'raw') / 1024).toFixed(1)} KB raw)`);
console.log(`query "${a.q}": ${results} results shown`);
row('client (js/css)', group(/search\.js|pagefind.*\.(js|css)$/));
row('meta / entry', group(/meta\.json|pagefind-entry/));
row('term shards / index', group(/\/t\/|\/index\//));
row('vocabulary', group(/\/v\//));
row('facets / filters', group(/facets|\/filter\//));
row('fragments', group(/\/f\/|\/fragment\//));
row('other (wasm, meta)', group(/wasm|pf_meta/));
console.log(`  ${'total'.padEnd(22)} ${String(mine.length).padStart(3)} files ${(sum(mine, 'gz') / 1024).toFixed(1).padStart(7)} KB gz`);
if (!a.path) {
  // Repeat the query with everything cached: from submit to rendered results.
  const ms = [];
  for (let i = 0; i < 5; i++) {
    ms.push(await page.evaluate(() => new Promise((resolve) => {
      const list = document.getElementById('zoekresultaten');
      const t0 = performance.now();
      const obs = new MutationObserver(() => {
        if (list.children.length) { obs.disconnect(); resolve(performance.now() - t0); }
      });
      obs.observe(list, { childList: true });
      document.getElementById('zoekveld').form.requestSubmit();
    })));
  }
  ms.sort((x, y) => x - y);
  console.log(`  cached repeat: median ${ms[2].toFixed(1)} ms (min ${ms[0].toFixed(1)}, max ${ms[4].toFixed(1)})`);
}
await browser.close();
await server.close();
