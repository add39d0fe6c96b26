// Live reload for `vakwerk serve`. The server adds this file to HTML pages
// as it sends them; it is never part of a build. It listens to
// /__vakwerk/events and
//  - reloads the page when the page itself, or anything it loaded
//    (stylesheets, scripts, search shards), changed;
//  - swaps stylesheets in place when only CSS changed;
//  - shows the build's problems (file:line:col) in an overlay while the last
//    good build stays on screen, and removes it when they are fixed.
// An external script with no inline styles, so strict CSP pages keep working.
(() => {
  'use strict';
  const script = document.currentScript;
  let version = Number(new URL(script.src, location.href).searchParams.get('v')) || 0;
  const root = document.documentElement;
  const en = (root.lang || '').startsWith('en');
  const OVERLAY = 'vakwerk-live-overlay';

  const path = (href) => {
    try {
      const u = new URL(href, location.href);
      return u.origin === location.origin ? decodeURIComponent(u.pathname) : null;
    } catch {
      return null;
    }
  };

  // Every same-origin URL this page depends on.
  function used() {
    const urls = new Set([decodeURIComponent(location.pathname)]);
    for (const e of performance.getEntriesByType('resource')) urls.add(path(e.name));
    for (const el of document.querySelectorAll('link[href], script[src], img[src]')) {
      urls.add(path(el.href || el.src));
    }
    urls.delete(null);
    return urls;
  }

  function swapStylesheet(url) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
      if (path(link.href) !== url) continue;
      const next = link.cloneNode();
      const u = new URL(link.href);
      u.searchParams.set('vakwerk-live', String(Date.now()));
      next.href = u.href;
      const done = () => link.remove();
      next.addEventListener('load', done, { once: true });
      next.addEventListener('error', done, { once: true });
      link.after(next);
    }
  }

  function onChange(change) {
    if (change.all) {
      location.reload();
      return;
    }
    const mine = used();
    const hits = change.urls.filter((u) => mine.has(u));
    if (!hits.length) return;
    if (hits.every((u) => u.endsWith('.css'))) {
      hits.forEach(swapStylesheet);
      root.dataset.vakwerkLiveCss = String(change.version);
      return;
    }
    location.reload();
  }

  function ensureStyles() {
    if (document.getElementById('vakwerk-live-css')) return;
    const link = document.createElement('link');
    link.id = 'vakwerk-live-css';
    link.rel = 'stylesheet';
    link.href = '/__vakwerk/live.css';
    document.head.appendChild(link);
  }

  function showProblems(problems) {
    let box = document.getElementById(OVERLAY);
    if (!problems.length) {
      if (box) box.remove();
      return;
    }
    ensureStyles();
    if (!box) {
      box = document.createElement('section');
      box.id = OVERLAY;
      box.setAttribute('role', 'alert');
      box.setAttribute('aria-label', en ? 'Build problems' : 'Problemen in de build');
      document.body.appendChild(box);
    }
    const title = document.createElement('p');
    title.className = 'vakwerk-live-title';
    title.textContent = en
      ? `The last change has ${problems.length} problem(s). You are looking at the last good build.`
      : `De laatste wijziging heeft ${problems.length} probleem/problemen. Je ziet de laatste goede versie.`;
    const list = document.createElement('ol');
    for (const p of problems) {
      const li = document.createElement('li');
      const where = document.createElement('code');
      where.textContent = p.line ? `${p.file}:${p.line}:${p.column}` : p.file;
      const what = document.createElement('span');
      what.textContent = ` ${p.message}` + (p.code ? ` [${p.code}]` : '');
      li.append(where, what);
      list.appendChild(li);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = en ? 'Hide' : 'Verbergen';
    close.addEventListener('click', () => box.remove());
    box.replaceChildren(title, list, close);
  }

  function connect() {
    const events = new EventSource(`/__vakwerk/events?since=${version}`);
    events.addEventListener('open', () => {
      root.dataset.vakwerkLive = 'connected';
    });
    events.addEventListener('problems', (e) => {
      showProblems(JSON.parse(e.data).problems);
    });
    events.addEventListener('change', (e) => {
      const change = JSON.parse(e.data);
      version = Math.max(version, change.version);
      onChange(change);
    });
    events.addEventListener('error', () => {
      root.dataset.vakwerkLive = 'reconnecting';
      events.close();
      setTimeout(connect, 1000);
    });
  }

  connect();
})();
