// Search (issue 4) in headless Chromium, against a built site.
//
//   node search.spec.mjs --site DIR --mode fixture   tests/fixtures/search: every behaviour
//   node search.spec.mjs --site DIR --mode kb        the bundled knowledge base: the "Done when" queries
//
// Every test drives the real page: it types, clicks and presses keys, and
// reads what a reader would see.
import { serveDir, launch, test, run, assert, eq, args } from './lib.mjs';

const { site, mode = 'fixture' } = args();
if (!site) throw new Error('usage: node search.spec.mjs --site DIR [--mode fixture|kb]');

let dialogs = 0;

async function open(ctx, query) {
  const page = ctx.page;
  await page.goto(`${ctx.url}/zoeken/${query === undefined ? '' : `?${query}`}`);
  await settle(page);
  return page;
}

// Wait until the status line is written and no fetch is pending.
async function settle(page) {
  await page.waitForFunction(() => document.getElementById('zoekstatus').textContent.trim().length > 0, null, { timeout: 10000 });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(50);
}

async function hrefs(page) {
  return page.$$eval('#zoekresultaten a', (as) => as.map((a) => a.getAttribute('href')));
}

async function search(ctx, q) {
  const page = await open(ctx, `q=${encodeURIComponent(q)}`);
  return hrefs(page);
}

function has(list, path, msg) {
  assert(list.some((h) => h.startsWith(path)), `${msg || ''} expected ${path} in ${JSON.stringify(list)}`);
}

function before(list, a, b) {
  const ia = list.findIndex((h) => h.startsWith(a));
  const ib = list.findIndex((h) => h.startsWith(b));
  assert(ia >= 0 && ib >= 0 && ia < ib, `expected ${a} before ${b} in ${JSON.stringify(list)}`);
}

async function facetCounts(page, param) {
  return page.$$eval(`#zoekfacetten input[name="${param}"]`, (boxes) => Object.fromEntries(boxes.map((b) => [
    b.value, Number(b.closest('label').querySelector('.zoekfacet-aantal').textContent.replace(/\D/g, '')),
  ])));
}

async function click(page, param, value) {
  await page.click(`#zoekfacetten input[name="${param}"][value="${value}"]`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(80);
}

if (mode === 'fixture') {
  test('case and diacritics fold both ways', async (ctx) => {
    has(await search(ctx, 'client'), '/methoden/client-centraal/');
    has(await search(ctx, 'CLIËNT'), '/methoden/client-centraal/');
    has(await search(ctx, 'coordinatie'), '/methoden/client-centraal/');
    has(await search(ctx, 'coördinatie'), '/methoden/client-centraal/');
  });

  test('Dutch stemming: jongeren/jongere, werkt/werken, begeleidt/begeleiden', async (ctx) => {
    has(await search(ctx, 'jongeren'), '/methoden/jongerenwerk/', 'jongere:');
    has(await search(ctx, 'jongere'), '/methoden/groepswerk/', 'jongeren:');
    has(await search(ctx, 'werkt'), '/methoden/groepswerk/', 'werken:');
    has(await search(ctx, 'begeleidt'), '/methoden/groepswerk/', 'begeleiden:');
    has(await search(ctx, 'begeleiden'), '/methoden/jongerenwerk/', 'begeleidt:');
  });

  test('compounds: hulpverlening finds schuldhulpverlening (appears nowhere else), jeugd finds jeugdhulp', async (ctx) => {
    eq(await search(ctx, 'hulpverlening'), ['/methoden/schuldhulp/#werkwijze']);
    const jeugd = await search(ctx, 'jeugd');
    has(jeugd, '/methoden/jeugdhulp-aanbod/');
    before(jeugd, '/methoden/jeugd/', '/methoden/jeugdhulp-aanbod/'); // exact above part of a compound
  });

  test('prefix as you type: adviesv finds Adviesvangers after every keystroke', async (ctx) => {
    const page = await open(ctx);
    await page.click('#zoekveld');
    let typed = '';
    for (const ch of 'adviesv') {
      await page.keyboard.type(ch);
      typed += ch;
      await page.waitForFunction((q) => document.getElementById('zoekstatus').textContent.includes(q), typed);
      // Shards for a new prefix may still be arriving on a loaded machine:
      // wait (bounded) for the result rather than sampling once.
      await page
        .waitForFunction(() => [...document.querySelectorAll('#zoekresultaten a')].some((a) => a.getAttribute('href').startsWith('/methoden/adviesvangers/')), null, { timeout: 10000 })
        .catch(() => {});
      has(await hrefs(page), '/methoden/adviesvangers/', `after "${typed}":`);
      assert(page.url().includes(`q=${typed}`), `URL follows typing: ${page.url()}`);
    }
  });

  test('typo tolerance: empowermnet finds empowerment; typo matches rank below exact', async (ctx) => {
    has(await search(ctx, 'empowermnet'), '/methoden/versterken/');
    const r = await search(ctx, 'praatgroep');
    eq(r.slice(0, 2), ['/methoden/praatgroep/', '/methoden/praatgroet/']);
  });

  test('synonyms from the glossary: Wmo, ggz, SKJ both ways', async (ctx) => {
    has(await search(ctx, 'wmo'), '/methoden/wet-ondersteuning/');
    has(await search(ctx, 'wet maatschappelijke ondersteuning'), '/methoden/wmo-loket/');
    has(await search(ctx, 'ggz'), '/methoden/psychisch/');
    has(await search(ctx, 'geestelijke gezondheidszorg'), '/begrippen/ggz/');
    has(await search(ctx, 'skj'), '/methoden/register/');
    has(await search(ctx, 'kwaliteitsregister jeugd'), '/begrippen/skj/');
  });

  test('ranking: title above body; all words above some; OR fallback when AND finds nothing', async (ctx) => {
    before(await search(ctx, 'buurtpreventie'), '/methoden/buurtpreventie/', '/methoden/straatwerk/');
    eq(await search(ctx, 'alfa beta gamma'), ['/themas/overleg/'], 'AND keeps only pages with all words');
    const page = await open(ctx, 'q=alfa+beta+delta');
    eq(await hrefs(page), ['/themas/overleg/', '/themas/samenwerking/']);
    const status = await page.textContent('#zoekstatus');
    assert(/deel/.test(status), `fallback is explained: ${status}`);
  });

  test('facets from the schema with counts that follow the query', async (ctx) => {
    const page = await open(ctx, 'q=werken');
    const legends = await page.$$eval('#zoekfacetten legend', (ls) => ls.map((l) => l.textContent));
    eq(legends, ['Soort pagina', 'Niveaus', "SDG's", 'Erkenning']);
    const a = await facetCounts(page, 'niveaus');
    await open(ctx, 'q=jongeren');
    const b = await facetCounts(page, 'niveaus');
    assert(JSON.stringify(a) !== JSON.stringify(b), `counts change with the query: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    eq(Object.entries(b).sort(), [['macro', 1], ['meso', 1], ['micro', 1]]);
  });

  test('facets: OR within a facet, AND across facets, URL state, back button', async (ctx) => {
    const page = await open(ctx, 'q=werken');
    const all = await hrefs(page);
    const niveaus = await facetCounts(page, 'niveaus');
    await click(page, 'niveaus', 'meso');
    assert(page.url().endsWith('/zoeken/?q=werken&niveaus=meso'), page.url());
    const meso = await hrefs(page);
    eq(meso.length, niveaus.meso, 'meso results match the count');
    eq(await facetCounts(page, 'niveaus'), niveaus, 'a facet keeps its own counts (OR within)');
    await click(page, 'niveaus', 'macro');
    assert(page.url().endsWith('?q=werken&niveaus=meso&niveaus=macro'), page.url());
    const mesoOrMacro = await hrefs(page);
    assert(mesoOrMacro.length > meso.length && mesoOrMacro.length <= all.length, 'OR within a facet widens');
    await click(page, 'erkenning', 'effectief');
    assert(page.url().endsWith('&erkenning=effectief'), page.url());
    const narrowed = await hrefs(page);
    assert(narrowed.length < mesoOrMacro.length && narrowed.every((h) => mesoOrMacro.includes(h)), 'AND across facets narrows');
    await page.goBack();
    await settle(page);
    eq(await hrefs(page), mesoOrMacro, 'back restores the results');
    assert(!(await page.isChecked('#zoekfacetten input[value="effectief"]')), 'back unchecks the facet');
    await page.goBack();
    await settle(page);
    eq(await hrefs(page), meso);
    eq(await page.inputValue('#zoekveld'), 'werken');
    // A shared URL opens in the same state.
    const shared = await open(ctx, 'q=werken&niveaus=meso&niveaus=macro&erkenning=effectief');
    eq(await hrefs(shared), narrowed);
    assert(await shared.isChecked('#zoekfacetten input[name="niveaus"][value="macro"]'), 'checkbox from URL');
  });

  test('results: title, kind, highlighted snippet, heading anchor', async (ctx) => {
    const page = await open(ctx, 'q=hulpverlening');
    const r = await page.$eval('#zoekresultaten a', (a) => ({
      href: a.getAttribute('href'),
      title: a.querySelector('.zr-titel').textContent,
      kind: a.querySelector('.zr-soort').textContent,
      marks: [...a.querySelectorAll('.zr-fragment mark')].map((m) => m.textContent),
    }));
    eq(r, { href: '/methoden/schuldhulp/#werkwijze', title: 'Geldzorgen aanpakken', kind: 'Methode', marks: ['schuldhulpverlening'] });
    const p2 = await open(ctx, 'q=jongere+begeleiden');
    const marks = await p2.$$eval('#zoekresultaten mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert(marks.includes('jongeren') && marks.includes('begeleiden'), `stemmed words are highlighted: ${marks}`);
    // A title match links to the page itself.
    eq((await search(ctx, 'buurtpreventie'))[0], '/methoden/buurtpreventie/');
  });

  test('results container holds only result links, in rank order; messages and facets outside', async (ctx) => {
    const page = await open(ctx, 'q=werken');
    const shape = await page.$eval('#zoekresultaten', (el) => ({
      items: el.children.length,
      links: el.querySelectorAll('a').length,
      withHref: el.querySelectorAll('a[href]').length,
      controls: el.querySelectorAll('input, button, select, textarea').length,
      onePerItem: [...el.children].every((li) => li.querySelectorAll('a').length === 1),
    }));
    assert(shape.items > 1 && shape.links === shape.items && shape.withHref === shape.items && shape.onePerItem && !shape.controls, JSON.stringify(shape));
    assert(await page.$eval('#zoekresultaten', (el) => !el.contains(document.getElementById('zoekstatus')) && !el.contains(document.getElementById('zoekfacetten'))));
    const none = await open(ctx, 'q=zzzonzin');
    eq(await none.$eval('#zoekresultaten', (el) => el.children.length), 0, 'no results: empty container');
    assert((await none.textContent('#zoekstatus')).includes('Geen resultaten'));
  });

  test('keyboard: arrows move through results, Enter opens one', async (ctx) => {
    const page = await open(ctx, 'q=werken');
    const links = await hrefs(page);
    await page.focus('#zoekveld');
    await page.keyboard.press('ArrowDown');
    eq(await page.evaluate(() => document.activeElement.getAttribute('href')), links[0]);
    await page.keyboard.press('ArrowDown');
    eq(await page.evaluate(() => document.activeElement.getAttribute('href')), links[1]);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    eq(await page.evaluate(() => document.activeElement.id), 'zoekveld');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    eq(new URL(page.url()).pathname + new URL(page.url()).hash, links[1]);
  });

  test('"/" focuses the search box on every page; the header box leads to /zoeken/', async (ctx) => {
    const page = ctx.page;
    for (const path of ['/', '/methoden/groepswerk/', '/niveaus/']) {
      await page.goto(ctx.url + path);
      await page.waitForLoadState('load');
      await page.keyboard.press('/');
      eq(await page.evaluate(() => document.activeElement.id), 'zoekvak-q', path);
    }
    await page.keyboard.type('adviesvangers');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await settle(page);
    assert(page.url().endsWith('/zoeken/?q=adviesvangers'), page.url());
    eq((await hrefs(page))[0], '/methoden/adviesvangers/');
    await page.keyboard.press('Escape');
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('/');
    eq(await page.evaluate(() => document.activeElement.id), 'zoekveld', 'on /zoeken/ the page box');
  });

  test('safety: content never reaches the DOM as markup; no dialog opens', async (ctx) => {
    const page = await open(ctx, 'q=xssproef');
    const r = await page.$eval('#zoekresultaten a', (a) => ({
      title: a.querySelector('.zr-titel').textContent,
      imgs: document.querySelectorAll('#zoekresultaten img, #zoekresultaten script, #zoekresultaten b').length,
    }));
    eq(r, { title: '<img src=x onerror=alert(1)>', imgs: 0 });
    const shown = await page.textContent('#zoekresultaten');
    assert(shown.includes('<img src=x onerror=alert(1)>'), shown);
    await open(ctx, 'q=%3Cimg+src%3Dx+onerror%3Dalert(5)%3E');
    await open(ctx, 'q=alert&kind=%3Cscript%3Ealert(6)%3C/script%3E');
    await page.waitForTimeout(300);
    eq(dialogs, 0, 'no dialog ever opened');
  });

  test('without JavaScript /zoeken/ explains and links to the section indexes', async (ctx) => {
    const page = await ctx.context.newPage();
    const cdp = await ctx.context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(`${ctx.url}/zoeken/?q=werken`);
    const text = await page.innerText('main');
    assert(/JavaScript/.test(text), text);
    const links = await page.$$eval('main .zoeken-zonder-js a', (as) => as.map((a) => a.getAttribute('href')));
    for (const s of ['/methoden/', '/niveaus/', '/sdg/', '/begrippen/', '/themas/']) assert(links.includes(s), `${s} in ${links}`);
    eq(await page.$$eval('#zoekresultaten a', (as) => as.length), 0);
    await page.close();
  });
} else {
  test('Done when: "schuldhulp jongeren" puts the right pages on top', async (ctx) => {
    const r = await search(ctx, 'schuldhulp jongeren');
    const top = r.slice(0, 3).map((h) => h.split('#')[0]);
    assert(top.includes('/methoden/outreachend-werken/'), `top: ${top}`);
    assert(top.includes('/niveaus/micro/'), `top: ${top}`);
  });

  test('Done when: "clientgedreven werken" and two clicks to meso methods for SDG 10', async (ctx) => {
    const page = await open(ctx, 'q=clientgedreven+werken');
    const r = (await hrefs(page)).map((h) => h.split('#')[0]);
    for (const p of ['/begrippen/clientgedreven/', '/themas/clientgedreven-werken/', '/praktijken/clientgedreven-werken-actieprogramma/']) {
      assert(r.slice(0, 5).includes(p), `${p} in top 5: ${r.slice(0, 5)}`);
    }
    await click(page, 'niveaus', 'meso');
    await click(page, 'sdgs', '10');
    assert(page.url().endsWith('?q=clientgedreven+werken&niveaus=meso&sdgs=10'), page.url());
    const narrowed = await hrefs(page);
    assert(narrowed.length > 0, 'something left');
    assert(narrowed.some((h) => h.startsWith('/methoden/')), `methods among ${narrowed}`);
    // Every page left really is on the meso level and for SDG 10.
    for (const h of narrowed) {
      const html = await (await fetch(ctx.url + h.split('#')[0])).text();
      assert(/href="\/niveaus\/meso\/"/.test(html) && /href="\/sdg\/10\/"/.test(html), `${h} is meso + SDG 10`);
    }
  });
}

await run(async () => {
  const server = await serveDir(site);
  const browser = await launch();
  const page = await browser.context.newPage();
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
  browser.context.on('page', (p) => p.on('dialog', async (d) => { dialogs++; await d.dismiss(); }));
  return { url: server.url, page, context: browser.context, server, browser };
}, async (ctx) => {
  await ctx.browser.close();
  await ctx.server.close();
});
