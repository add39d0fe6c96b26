// Print and lecturer features: a method page prints as a clean handout and a
// leerlijn's course pack prints whole (checked as PDF text with poppler's
// pdftotext and pdfinfo), and the "copy" button puts a working APA citation
// on the clipboard. Usage: node print.spec.mjs --site public/ [--pdfs DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveDir, launch, test, run, assert, args } from './lib.mjs';

const opts = args();
const site = opts.site;
const out = opts.pdfs || fs.mkdtempSync(path.join(os.tmpdir(), 'vakwerk-pdf-'));
fs.mkdirSync(out, { recursive: true });
const ORIGIN = 'https://vakwerk.example.org';

async function pdf(context, server, url, name) {
  const page = await context.newPage();
  await page.goto(server.url + url);
  const file = path.join(out, `${name}.pdf`);
  await page.pdf({ path: file, format: 'A4', printBackground: true });
  await page.close();
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = +(/^Pages:\s+(\d+)/m.exec(info) || [])[1];
  // pdftotext breaks long URLs over lines; join them back for searching.
  const flat = text.replace(/\s+/g, ' ');
  const joined = text.replace(/-?\n\s*/g, '');
  return { text, flat, joined, pages };
}

test('a method page prints as a handout: content, fields and full link URLs, no navigation', async ({ context, server }) => {
  const { flat, joined, pages } = await pdf(context, server, '/methoden/adviesvangers/', 'methode');
  for (const want of ['Adviesvangers', 'Kenmerken', 'Doel', 'Wat is het', 'Werkzame elementen', 'Citeer deze pagina']) {
    assert(flat.includes(want), `printed method page lacks "${want}"`);
  }
  assert(joined.includes(`${ORIGIN}/begrippen/ervaringsdeskundige/`), 'internal links print with their full URL');
  for (const unwanted of ['Naar de inhoud', 'Kruimelpad', 'Verwijzingen naar deze pagina', 'In het netwerk', 'Gerelateerd', 'Kopieer bronvermelding', 'Atom-feed']) {
    assert(!flat.includes(unwanted), `printed method page shows screen-only "${unwanted}"`);
  }
  assert(pages >= 1 && pages <= 6, `method page prints on ${pages} pages`);
});

test('no printed page ends in a heading without its text', async ({ context, server }) => {
  const { text } = await pdf(context, server, '/methoden/adviesvangers/', 'methode-breaks');
  const sheets = text.split('\f').map((s) => s.trim()).filter(Boolean);
  const headings = ['Wat is het', 'Voor wie', 'Aanpak', 'Werkzame elementen', 'In de praktijk', 'Relatie met de beroepscode', 'Bronnen', 'Citeer deze pagina'];
  for (const sheet of sheets.slice(0, -1)) {
    const last = sheet.split('\n').pop().trim();
    assert(!headings.includes(last), `a page ends with the heading "${last}"`);
  }
});

test('a course pack prints every week, its question and the full URL of each page', async ({ context, server }) => {
  const url = '/leerlijnen/sociaal-werk-op-alle-niveaus/cursusmap/';
  const { flat, joined, pages } = await pdf(context, server, url, 'cursusmap');
  for (let w = 1; w <= 8; w++) assert(flat.includes(`Week ${w}:`), `week ${w} missing from the printed pack`);
  const questions = (flat.match(/Reflectievraag:/g) || []).length;
  assert(questions === 8, `${questions} reflection questions printed, want 8`);
  for (const u of ['/niveaus/micro/', '/methoden/krachtgericht-werken/', '/sdg/10/', '/methoden/co-creatie/']) {
    assert(joined.includes(ORIGIN + u), `printed pack lacks ${ORIGIN + u}`);
  }
  assert(!flat.includes('Afdrukken'), 'the print button does not print');
  assert(pages >= 3 && pages <= 20, `course pack prints on ${pages} pages`);
});

test('the copy button puts the APA citation on the clipboard', async ({ context, server }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  await page.goto(server.url + '/methoden/adviesvangers/');
  const button = page.locator('button.copy');
  assert(await button.isVisible(), 'copy button is shown when scripts run');
  await button.click();
  // The copy is asynchronous: read the clipboard only once the page says it
  // is done (bounded, for loaded machines).
  const status = await page.waitForFunction(() => document.getElementById('melding').textContent, null, { timeout: 10000 }).then((h) => h.jsonValue());
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.close();
  const want = /^Vakwerk – kennisbank sociaal werk\. \(\d{4}, \d{1,2} [a-z]+\)\. Adviesvangers\. https:\/\/vakwerk\.example\.org\/methoden\/adviesvangers\/$/;
  assert(want.test(text), `clipboard holds "${text}"`);
  assert(status === 'Gekopieerd', `status says "${status}"`);
});

test('following a heading anchor copies its link', async ({ context, server }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  await page.goto(server.url + '/methoden/adviesvangers/');
  const anchor = page.locator('#aanpak a.anker');
  assert(await anchor.isVisible(), 'the anchor is visible without hovering');
  await anchor.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('melding').textContent, null, { timeout: 10000 });
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.close();
  assert(text === `${server.url}/methoden/adviesvangers/#aanpak`, `clipboard holds "${text}"`);
});

run(async () => {
  const server = await serveDir(site);
  const browser = await launch();
  return { server, context: browser.context, browser };
}, async ({ server, browser }) => { await browser.close(); await server.close(); });
