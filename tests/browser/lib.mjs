// Shared harness for the browser suites: a static file server on 127.0.0.1,
// Debian's Chromium via playwright-core, and a tiny test runner that prints
// the "N passed, N failed" closing line.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg', '.bin': 'application/octet-stream',
};

/** Serve `dir` statically on an ephemeral loopback port. `/x/` serves `/x/index.html`; misses get 404.html. */
export function serveDir(dir, { headers = {} } = {}) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { p = '/'; }
    let file = path.join(root, p);
    if (!file.startsWith(root)) { res.writeHead(404); res.end(); return; }
    if (p.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) {
        const nf = path.join(root, '404.html');
        res.writeHead(404, { 'content-type': TYPES['.html'], ...headers });
        res.end(fs.existsSync(nf) ? fs.readFileSync(nf) : 'not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', ...headers });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
  }));
}

/** Launch Debian's Chromium headless with the flags this machine needs and a fresh profile. */
export async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vakwerk-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  return { context, close: async () => { await context.close(); fs.rmSync(userDataDir, { recursive: true, force: true }); } };
}

/** Minimal runner: `test(name, fn)` then `await run()`. Exits non-zero on any failure. */
const tests = [];
export function test(name, fn) { tests.push({ name, fn }); }
export async function run(setup = async () => ({}), teardown = async () => {}) {
  const ctx = await setup();
  let passed = 0, failed = 0;
  for (const t of tests) {
    try { await t.fn(ctx); passed++; console.log(`ok - ${t.name}`); }
    catch (e) { failed++; console.log(`FAIL - ${t.name}\n  ${(e && e.stack) || e}`); }
  }
  await teardown(ctx);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

export function assert(cond, msg) { if (!cond) throw new Error(msg || 'assertion failed'); }
export function eq(a, b, msg) { if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg || 'not equal'}: ${JSON.stringify(a)} !== ${JSON.stringify(b)}`); }

/** Parse `--site DIR` and similar flags. */
export function args() {
  const out = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) if (a[i].startsWith('--')) out[a[i].slice(2)] = a[i + 1], i++;
  return out;
}
