// Vakwerk search: the client for the index that `vakwerk build` writes to
// search/ (see src/search/mod.rs for the file layout). No dependencies, no
// inline script, no eval, and nothing from content ever goes through
// innerHTML: results are built with createElement and textContent.
//
// On every page: `/` focuses the search box. On /zoeken/: instant results
// with facets, state in the URL (?q=…&niveaus=meso), snippets with the
// matched words highlighted, and arrow-key navigation.
//
// The analyzer below mirrors src/search/analyzer.rs step for step (fold,
// words, stop words, Snowball Dutch, t-rule); a test compares both over the
// whole vocabulary of the bundled knowledge base.
(function () {
  'use strict';

  // ------------------------------------------------------------ analyzer
  var MAX_WORD = 48;
  var STOP = new Set(['aan', 'al', 'als', 'bij', 'dan', 'dat', 'de', 'der', 'des', 'die', 'dit', 'door',
    'een', 'en', 'er', 'het', 'hij', 'hem', 'hun', 'ik', 'in', 'is', 'je', 'maar', 'me', 'men', 'met',
    'mij', 'na', 'naar', 'niet', 'nog', 'of', 'om', 'omdat', 'ons', 'ook', 'op', 'over', 's', 'te',
    'ten', 'ter', 'tot', 'u', 'uit', 'van', 'voor', 'was', 'wat', 'we', 'wel', 'werd', 'wie', 'wij',
    'zal', 'ze', 'zich', 'zij', 'zijn', 'zo', 'zou']);
  var WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;
  var MARKS = /\p{M}/gu;

  function fold(text) {
    return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
  }

  function isWordChar(c) { return c !== undefined && WORD_CHAR.test(c); }

  // Folded words; the joined form of a hyphenated word comes after its parts
  // with `extra: true` and `parts`: how many words it joins.
  function words(text) {
    var chars = Array.from(fold(text));
    var out = [];
    var chain = [];
    var i = 0;
    while (i < chars.length) {
      if (!isWordChar(chars[i])) { i++; continue; }
      var start = i;
      while (i < chars.length && isWordChar(chars[i])) i++;
      var word = chars.slice(start, i).join('');
      if (i + 1 < chars.length && (chars[i] === "'" || chars[i] === '\u2019') && chars[i + 1] === 's' &&
          !isWordChar(chars[i + 2])) {
        i += 2;
      }
      var long = i - start > MAX_WORD && Array.from(word).length > MAX_WORD;
      var joins = chars[i] === '-' && !long && isWordChar(chars[i + 1]);
      if (!long) {
        out.push({ text: word, extra: false });
        chain.push(word);
      }
      if (!joins) {
        if (chain.length > 1) {
          var joined = chain.join('');
          if (Array.from(joined).length <= MAX_WORD) out.push({ text: joined, extra: true, parts: chain.length });
        }
        chain = [];
      }
    }
    return out;
  }

  function isVowel(c) {
    return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y' || c === '\u00e8';
  }

  var ACCENTS = { '\u00e1': 'a', '\u00e4': 'a', '\u00e9': 'e', '\u00eb': 'e', '\u00ed': 'i', '\u00ef': 'i',
    '\u00f3': 'o', '\u00f6': 'o', '\u00fa': 'u', '\u00fc': 'u' };

  // Snowball Dutch (the classic algorithm, as in rust-stemmers 1.2), on an
  // array of code points.
  function snowballDutch(word) {
    var s = Array.from(word);
    var i;
    for (i = 0; i < s.length; i++) if (ACCENTS[s[i]]) s[i] = ACCENTS[s[i]];
    if (s[0] === 'y') s[0] = 'Y';
    for (i = 0; i < s.length; i++) {
      if (!isVowel(s[i])) continue;
      if (s[i + 1] === 'i' && isVowel(s[i + 2])) s[i + 1] = 'I';
      else if (s[i + 1] === 'y') s[i + 1] = 'Y';
    }
    var n = s.length, p1 = n, p2 = n;
    i = 0;
    while (i < n && !isVowel(s[i])) i++;
    if (i < n) {
      i++;
      while (i < n && isVowel(s[i])) i++;
      if (i < n) {
        i++;
        p1 = Math.max(i, 3);
        while (i < n && !isVowel(s[i])) i++;
        if (i < n) {
          i++;
          while (i < n && isVowel(s[i])) i++;
          if (i < n) p2 = i + 1;
        }
      }
    }
    var eFound = false;
    function ends(suffix) {
      var k = suffix.length;
      if (k > s.length) return false;
      for (var j = 0; j < k; j++) if (s[s.length - k + j] !== suffix[j]) return false;
      return true;
    }
    function undouble() {
      if (ends('kk') || ends('dd') || ends('tt')) s.length -= 1;
    }
    function eEnding() {
      eFound = false;
      var m = s.length;
      if (m < 1 || s[m - 1] !== 'e') return;
      var pos = m - 1;
      if (p1 > pos || pos < 1 || isVowel(s[pos - 1])) return;
      s.length = pos;
      eFound = true;
      undouble();
    }
    function enEnding(pos) {
      if (p1 > pos || pos < 1 || isVowel(s[pos - 1])) return;
      if (pos >= 3 && s[pos - 3] === 'g' && s[pos - 2] === 'e' && s[pos - 1] === 'm') return;
      s.length = pos;
      undouble();
    }
    // Step 1.
    var m = s.length;
    if (ends('heden')) {
      if (p1 <= m - 5) s.splice(m - 5, 5, 'h', 'e', 'i', 'd');
    } else if (ends('ene')) enEnding(m - 3);
    else if (ends('en')) enEnding(m - 2);
    else if (ends('se')) {
      if (p1 <= m - 2 && m - 2 >= 1 && !isVowel(s[m - 3]) && s[m - 3] !== 'j') s.length = m - 2;
    } else if (ends('s')) {
      if (p1 <= m - 1 && m - 1 >= 1 && !isVowel(s[m - 2]) && s[m - 2] !== 'j') s.length = m - 1;
    }
    // Step 2.
    eEnding();
    // Step 3.
    m = s.length;
    if (ends('heid') && p2 <= m - 4 && !(m - 5 >= 0 && s[m - 5] === 'c')) {
      s.length = m - 4;
      if (ends('en')) enEnding(s.length - 2);
    }
    // Step 4.
    m = s.length;
    if (ends('end') || ends('ing')) {
      if (p2 <= m - 3) {
        s.length = m - 3;
        var k = s.length;
        if (ends('ig') && p2 <= k - 2 && !(k - 3 >= 0 && s[k - 3] === 'e')) s.length = k - 2;
        else undouble();
      }
    } else if (ends('ig')) {
      if (p2 <= m - 2 && !(m - 3 >= 0 && s[m - 3] === 'e')) s.length = m - 2;
    } else if (ends('lijk')) {
      if (p2 <= m - 4) { s.length = m - 4; eEnding(); }
    } else if (ends('baar')) {
      if (p2 <= m - 4) s.length = m - 4;
    } else if (ends('bar')) {
      if (p2 <= m - 3 && eFound) s.length = m - 3;
    }
    // Step 5: undouble a vowel before a final consonant.
    m = s.length;
    if (m >= 4 && !isVowel(s[m - 1]) && s[m - 1] !== 'I') {
      var a = s[m - 3];
      if (a === s[m - 2] && (a === 'a' || a === 'e' || a === 'o' || a === 'u') && !isVowel(s[m - 4])) {
        s.splice(m - 2, 1);
      }
    }
    for (i = 0; i < s.length; i++) {
      if (s[i] === 'Y') s[i] = 'y';
      else if (s[i] === 'I') s[i] = 'i';
    }
    return s.join('');
  }

  // The t-rule: `werkt` meets `werken`, `begeleidt` meets `begeleiden`.
  function tRule(stem) {
    var c = Array.from(stem);
    var n = c.length;
    if (n < 5 || c[n - 1] !== 't' || isVowel(c[n - 2])) return stem;
    c.length = n - 1;
    var m = c.length;
    if (m >= 4 && !isVowel(c[m - 1]) && c[m - 2] === c[m - 3] && 'aeou'.indexOf(c[m - 2]) >= 0 &&
        !isVowel(c[m - 4])) {
      c.splice(m - 2, 1);
    }
    return c.join('');
  }

  var language = 'nl';
  function stem(word) {
    return language === 'nl' ? tRule(snowballDutch(word)) : word;
  }

  function terms(text) {
    return words(text).filter(function (w) { return !STOP.has(w.text); }).map(function (w) { return stem(w.text); });
  }

  // Optimal string alignment distance (a swap of two neighbours is one
  // edit), giving up above `max`.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  // Exposed for the analyzer parity test (run in Node) and for themes.
  globalThis.VakwerkZoek = {
    fold: fold, words: words, stem: stem, snowballDutch: snowballDutch, tRule: tRule, terms: terms,
    distance: distance, isStopWord: function (w) { return STOP.has(w); },
  };
  if (typeof document === 'undefined') return;

  // ------------------------------------------------------------ page wiring
  var box = document.querySelector('.zoekvak input[type=search]');
  var app = document.getElementById('zoeken');
  var mainInput = app ? document.getElementById('zoekveld') : null;

  document.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var target = mainInput || box;
    if (!target) return;
    e.preventDefault();
    target.focus();
    target.select();
  });

  if (!app || !mainInput) return;

  // ------------------------------------------------------------ index I/O
  var base = app.getAttribute('data-index');
  var T = app.dataset;
  var meta = null;
  var cache = new Map();

  function fetchBytes(path) {
    if (!cache.has(path)) {
      cache.set(path, fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ': ' + r.status);
        return r.arrayBuffer();
      }).then(function (b) { return new Uint8Array(b); }));
    }
    return cache.get(path);
  }

  function fetchJson(path, version) {
    var key = path + '?' + version;
    if (!cache.has(key)) {
      cache.set(key, fetch(base + path + (version ? '?v=' + version : ''), version ? {} : { cache: 'no-cache' })
        .then(function (r) {
          if (!r.ok) throw new Error(path + ': ' + r.status);
          return r.json();
        }));
    }
    return cache.get(key);
  }

  function Reader(bytes) { this.b = bytes; this.p = 0; }
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, byte;
    do {
      byte = this.b[this.p++];
      v += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte & 0x80);
    return v;
  };
  var utf8 = new TextDecoder();
  Reader.prototype.string = function () {
    var len = this.varint();
    var s = utf8.decode(this.b.subarray(this.p, this.p + len));
    this.p += len;
    return s;
  };
  Reader.prototype.docSet = function () {
    var header = this.varint();
    var n = Math.floor(header / 2);
    var docs = new Uint32Array(n);
    if (header & 1) {
      var bytes = Math.ceil(meta.docs / 8), k = 0;
      for (var i = 0; i < bytes; i++) {
        var byte = this.b[this.p + i];
        for (var bit = 0; byte && bit < 8; bit++) if (byte & (1 << bit)) docs[k++] = i * 8 + bit;
      }
      this.p += bytes;
    } else {
      var prev = -1;
      for (var j = 0; j < n; j++) { prev = prev + 1 + this.varint(); docs[j] = prev; }
    }
    return docs;
  };
  Reader.prototype.postings = function () {
    var docs = this.docSet();
    var imp = this.b.subarray(this.p, this.p + docs.length);
    this.p += docs.length;
    return { docs: docs, imp: imp };
  };

  // The shard whose range holds `term`: the last one starting at or before it.
  function shardIndex(dir, term) {
    var lo = 0, hi = dir.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (dir[mid][0] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  var shards = new Map();
  function termShard(i) {
    if (!shards.has(i)) {
      shards.set(i, fetchBytes(meta.terms[i][1]).then(function (bytes) {
        var r = new Reader(bytes);
        var count = r.varint(), names = [], k;
        for (k = 0; k < count; k++) names.push(r.string());
        var entries = new Map();
        for (k = 0; k < count; k++) {
          var syn = [], nsyn = r.varint();
          for (var s = 0; s < nsyn; s++) {
            var rest = [], len = r.varint();
            for (var q = 0; q < len; q++) rest.push(r.string());
            syn.push({ rest: rest, group: r.string() });
          }
          entries.set(names[k], { syn: syn, exact: r.postings(), part: r.postings() });
        }
        return { names: names, entries: entries };
      }));
    }
    return shards.get(i);
  }

  function lookup(term) {
    return termShard(shardIndex(meta.terms, term)).then(function (sh) { return sh.entries.get(term) || null; });
  }

  // Terms starting with `prefix`, from the shard that holds it and the next.
  function prefixed(prefix) {
    var i = shardIndex(meta.terms, prefix);
    var wanted = [termShard(i)];
    if (i + 1 < meta.terms.length && meta.terms[i + 1][0].slice(0, prefix.length) === prefix) wanted.push(termShard(i + 1));
    return Promise.all(wanted).then(function (list) {
      var out = [];
      list.forEach(function (sh) {
        sh.names.forEach(function (n) {
          if (n.slice(0, prefix.length) === prefix && n.charAt(0) !== '=') out.push({ term: n, entry: sh.entries.get(n) });
        });
      });
      return out;
    });
  }

  var vocabShards = new Map();
  function vocabShard(i) {
    if (!vocabShards.has(i)) {
      vocabShards.set(i, fetchBytes(meta.vocab[i][1]).then(function (bytes) {
        var r = new Reader(bytes), count = r.varint(), out = [];
        for (var k = 0; k < count; k++) {
          var word = r.string(), shared = r.varint(), rest = r.string();
          out.push({ word: word, term: word.slice(0, shared) + rest, df: r.varint() });
        }
        return out;
      }));
    }
    return vocabShards.get(i);
  }

  // Vocabulary shards for words starting with the first letter of `word`;
  // when that letter spans more than three shards, only those starting with
  // its first two letters (a typo in the first letters is rare).
  function vocabFor(word) {
    var dir = meta.vocab;
    function range(p) {
      var a = shardIndex(dir, p), b = a;
      while (b + 1 < dir.length && dir[b + 1][0] < p + '\uffff') b++;
      return [a, b];
    }
    var r = range(word.slice(0, 1));
    if (r[1] - r[0] > 2) r = range(word.slice(0, 2));
    var wanted = [];
    for (var i = r[0]; i <= r[1]; i++) wanted.push(vocabShard(i));
    return Promise.all(wanted).then(function (lists) { return [].concat.apply([], lists); });
  }

  var facetData = null;
  function loadFacets() {
    if (!facetData) {
      facetData = fetchBytes(meta.facet_file).then(function (bytes) {
        var r = new Reader(bytes);
        var values = [], byDoc = [];
        for (var d = 0; d < meta.docs; d++) byDoc.push([]);
        meta.facets.forEach(function (f, fi) {
          f.values.forEach(function (v) {
            var idx = values.length;
            values.push({ facet: fi, value: v[0], label: v[1] });
            r.docSet().forEach(function (doc) { byDoc[doc].push(idx); });
          });
        });
        return { values: values, byDoc: byDoc };
      });
    }
    return facetData;
  }

  function fragment(doc) {
    return fetchJson('f/' + doc + '.json', meta.version);
  }

  // ------------------------------------------------------------ queries
  var EXACT = 3, PREFIX = 2, PART = 1, FUZZY = 0;
  var WEIGHT = [0.4, 0.5, 0.7, 1];

  function parseQuery(q) {
    var ws = words(q);
    var list = [];
    ws.forEach(function (w) {
      if (w.extra) list.splice(list.length - w.parts, w.parts);
      list.push(w.text);
    });
    list = list.filter(function (w) { return !STOP.has(w); });
    var seen = new Set();
    var concepts = [];
    list.forEach(function (w) {
      var t = stem(w);
      if (seen.has(t)) return;
      seen.add(t);
      concepts.push({ word: w, term: t, prefix: false, hits: newHits(), exact: 0, terms: new Set([t]), pieces: [w] });
    });
    if (concepts.length && !/\s$/.test(q)) concepts[concepts.length - 1].prefix = true;
    return concepts;
  }

  function idf(df) { return Math.log(1 + (meta.docs - df + 0.5) / (df + 0.5)); }

  // A concept's hits in typed arrays over all documents (best match class,
  // -1 for none, and its score) plus the list of documents hit: a common
  // word on a 100,000-page site touches most of them, and Maps of objects
  // that size are what made a cached query slow.
  function newHits() {
    return { cls: new Int8Array(meta.docs).fill(-1), score: new Float64Array(meta.docs), list: [], size: 0 };
  }

  function addHits(concept, postings, cls) {
    if (!postings || !postings.docs.length) return;
    var w = idf(postings.docs.length) * WEIGHT[cls];
    var h = concept.hits, docs = postings.docs, imp = postings.imp;
    for (var i = 0; i < docs.length; i++) {
      var doc = docs[i], score = w * imp[i], cur = h.cls[doc];
      if (cur < 0) { h.cls[doc] = cls; h.score[doc] = score; h.list.push(doc); h.size++; }
      else if (cls > cur || (cls === cur && score > h.score[doc])) { h.cls[doc] = cls; h.score[doc] = score; }
    }
    if (cls === EXACT) concept.exact += postings.docs.length;
  }

  function evaluate(concepts) {
    return Promise.all(concepts.map(function (c) { return lookup(c.term); })).then(function (entries) {
      var jobs = [];
      concepts.forEach(function (c, i) {
        var e = entries[i];
        if (e) { addHits(c, e.exact, EXACT); addHits(c, e.part, PART); }
        // Synonym phrases starting here: their group term counts as an
        // exact match for every word of the phrase.
        (e ? e.syn : []).forEach(function (s) {
          var ok = s.rest.every(function (t, k) { return concepts[i + 1 + k] && concepts[i + 1 + k].term === t; });
          if (!ok) return;
          jobs.push(lookup(s.group).then(function (g) {
            if (!g) return;
            for (var k = i; k <= i + s.rest.length; k++) addHits(concepts[k], g.exact, EXACT);
          }));
        });
        if (c.prefix) {
          var pre = c.term.length < c.word.length ? c.term : c.word;
          if (pre.length >= 1) {
            jobs.push(prefixed(pre).then(function (list) {
              list.sort(function (a, b) { return b.entry.exact.docs.length - a.entry.exact.docs.length; });
              list.slice(0, 12).forEach(function (x) {
                if (x.term === c.term) return;
                c.terms.add(x.term);
                addHits(c, x.entry.exact, PREFIX);
              });
            }));
          }
        }
      });
      return Promise.all(jobs);
    }).then(function () {
      return Promise.all(concepts.map(fuzzy));
    });
  }

  // Typo tolerance: only for words that found (almost) nothing, so a
  // common word does not pull in its neighbours' pages.
  function fuzzy(c) {
    var len = Array.from(c.word).length;
    if (len < 5 || c.hits.size >= 10 || !meta.vocab.length) return null;
    var max = len >= 9 ? 2 : 1;
    return vocabFor(c.word).then(function (vocab) {
      var found = new Map();
      vocab.forEach(function (v) {
        if (v.term === c.term || c.terms.has(v.term)) return;
        var d = distance(c.word, v.word, max);
        if (d <= max) {
          var cur = found.get(v.term);
          if (!cur || d < cur.d) found.set(v.term, { d: d, df: v.df, word: v.word });
        }
      });
      var best = Array.from(found.entries()).sort(function (a, b) {
        return a[1].d - b[1].d || b[1].df - a[1].df || (a[0] < b[0] ? -1 : 1);
      }).slice(0, 3);
      return Promise.all(best.map(function (x) {
        c.terms.add(x[0]);
        c.pieces.push(x[1].word);
        return lookup(x[0]).then(function (e) { if (e) addHits(c, e.exact, FUZZY); });
      }));
    });
  }

  // Rank: pages matching all words first (AND); if none do, pages matching
  // some (OR fallback). Then exact above prefix above part-of-compound above
  // typo matches, then the field-weighted score.
  function rank(concepts) {
    var n = meta.docs, matched = new Uint16Array(n), cls = new Uint16Array(n), score = new Float64Array(n);
    var touched = [];
    concepts.forEach(function (c) {
      var h = c.hits;
      for (var i = 0; i < h.list.length; i++) {
        var doc = h.list[i];
        if (!matched[doc]) touched.push(doc);
        matched[doc]++;
        cls[doc] += h.cls[doc];
        score[doc] += h.score[doc];
      }
    });
    var all = concepts.length;
    var and = touched.filter(function (d) { return matched[d] === all; });
    var fallback = !and.length && touched.length > 0 && concepts.length > 1;
    return {
      docs: fallback ? touched : and,
      fallback: fallback,
      before: function (a, b) {
        return (matched[b] - matched[a] || cls[b] - cls[a] || score[b] - score[a] || a - b) < 0;
      }
    };
  }

  // Results in rank order, produced a page at a time: a binary heap over
  // the matching documents (built in linear time), so showing the first
  // ten of 100,000 matches does not sort them all. `before(a, b)` says
  // whether a ranks above b; without it, document order.
  function Ordered(docs, before) {
    this.h = Int32Array.from(docs);
    this.n = this.h.length;
    this.before = before || function (a, b) { return a < b; };
    for (var i = (this.n >> 1) - 1; i >= 0; i--) this.down(i);
  }
  Ordered.prototype.down = function (i) {
    var h = this.h, n = this.n, before = this.before;
    for (;;) {
      var l = 2 * i + 1, r = l + 1, top = i;
      if (l < n && before(h[l], h[top])) top = l;
      if (r < n && before(h[r], h[top])) top = r;
      if (top === i) return;
      var t = h[i]; h[i] = h[top]; h[top] = t;
      i = top;
    }
  };
  Ordered.prototype.take = function (k) {
    var out = [];
    while (out.length < k && this.n > 0) {
      out.push(this.h[0]);
      this.h[0] = this.h[--this.n];
      this.down(0);
    }
    return out;
  };

  // Disjunctive facet counts: a value's count is the number of results that
  // pass every *other* facet's selection and have the value.
  function facetCounts(docs, selected, fd) {
    var nf = meta.facets.length;
    var counts = new Uint32Array(fd.values.length);
    var shown = [];
    var active = [];
    for (var f = 0; f < nf; f++) if (selected[f].size) active.push(f);
    docs.forEach(function (doc) {
      var vals = fd.byDoc[doc] || [];
      var failing = -1, fails = 0;
      for (var a = 0; a < active.length; a++) {
        var fi = active[a], ok = false;
        for (var k = 0; k < vals.length; k++) {
          var v = fd.values[vals[k]];
          if (v.facet === fi && selected[fi].has(v.value)) { ok = true; break; }
        }
        if (!ok) { fails++; failing = fi; }
      }
      if (fails === 0) shown.push(doc);
      if (fails > 1) return;
      for (var j = 0; j < vals.length; j++) {
        var val = fd.values[vals[j]];
        if (fails === 0 || val.facet === failing) counts[vals[j]]++;
      }
    });
    return { counts: counts, docs: shown };
  }

  // ------------------------------------------------------------ state + UI
  var results = document.getElementById('zoekresultaten');
  var status = document.getElementById('zoekstatus');
  var facetBox = document.getElementById('zoekfacetten');
  var more = document.getElementById('zoekmeer');
  var form = mainInput.form;
  var PAGE = 10;
  var run = 0;
  var current = null;

  function state() {
    var params = new URLSearchParams(location.search);
    return { q: params.get('q') || '', params: params };
  }

  function selection(params) {
    return meta.facets.map(function (f) {
      return new Set(params.getAll(f.param).filter(function (v) {
        return f.values.some(function (x) { return x[0] === v; });
      }));
    });
  }

  function urlFor(q, selected) {
    var p = new URLSearchParams();
    if (q) p.set('q', q);
    // Values in the order they were chosen, as a reader would write them.
    meta.facets.forEach(function (f, i) {
      selected[i].forEach(function (v) { p.append(f.param, v); });
    });
    var s = p.toString();
    return location.pathname + (s ? '?' + s : '');
  }

  function say(text) { status.textContent = text; }
  function fmt(template, n, q) {
    return (template || '').replace('{n}', String(n)).replace('{q}', q);
  }

  function search(q, selected) {
    var mine = ++run;
    var concepts = parseQuery(q);
    var found = concepts.length
      ? evaluate(concepts).then(function () { return rank(concepts); })
      : Promise.resolve({ docs: null, fallback: false });
    return Promise.all([found, loadFacets()]).then(function (x) {
      if (mine !== run) return;
      var r = x[0], fd = x[1];
      var anySelected = selected.some(function (s) { return s.size > 0; });
      var docs = r.docs;
      if (!docs) {
        docs = [];
        if (anySelected) for (var d = 0; d < meta.docs; d++) docs.push(d);
      }
      var fc = facetCounts(docs, selected, fd);
      current = { q: q, concepts: concepts, docs: fc.docs, order: new Ordered(fc.docs, r.before), shown: 0, selected: selected };
      renderFacets(fd, fc.counts, selected, docs.length > 0 || anySelected);
      while (results.firstChild) results.removeChild(results.firstChild);
      if (!concepts.length && !anySelected) {
        say(T.tEmpty || '');
        more.hidden = true;
        return;
      }
      var msg = fc.docs.length ? fmt(fc.docs.length === 1 ? T.tOne : T.tMany, fc.docs.length, q) : fmt(T.tNone, 0, q);
      if (r.fallback && fc.docs.length) msg += ' ' + (T.tFallback || '');
      say(msg);
      return showMore(mine);
    }).catch(function (e) {
      if (mine === run) say((T.tError || '') + ' (' + e.message + ')');
    });
  }

  function showMore(mine) {
    var c = current;
    var slice = c.order.take(PAGE);
    c.shown += slice.length;
    more.hidden = c.shown >= c.docs.length;
    return Promise.all(slice.map(fragment)).then(function (frags) {
      if (mine !== run) return;
      frags.forEach(function (f) { results.appendChild(resultItem(f, c.concepts)); });
    });
  }

  // ------------------------------------------------------------ results
  var TOKEN = /[\p{Alphabetic}\p{N}\p{M}]+/gu;

  // Which query word (concept) a word of the text matches, or -1.
  function matcher(concepts) {
    var memo = new Map();
    return function (word) {
      var f = fold(word);
      if (memo.has(f)) return memo.get(f);
      var t = stem(f), hit = -1;
      for (var i = 0; i < concepts.length && hit < 0; i++) {
        var c = concepts[i];
        if (c.terms.has(t) || c.terms.has(f)) hit = i;
        else if (c.prefix && (f.indexOf(c.word) === 0 || t.indexOf(c.term) === 0)) hit = i;
        else {
          for (var k = 0; k < c.pieces.length; k++) {
            var p = c.pieces[k];
            if (p.length >= 4 && f.indexOf(p) >= 0) { hit = i; break; }
            var ps = stem(p);
            if (ps.length >= 4 && f.length > ps.length && f.indexOf(ps) >= 0) { hit = i; break; }
          }
        }
      }
      memo.set(f, hit);
      return hit;
    };
  }

  function matchesIn(text, match) {
    var out = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text))) {
      var c = match(m[0]);
      if (c >= 0) out.push({ start: m.index, end: m.index + m[0].length, concept: c });
    }
    return out;
  }

  // The window of about 200 characters with the most distinct query words.
  function bestWindow(hits) {
    var best = null;
    for (var i = 0; i < hits.length; i++) {
      var seen = new Set();
      for (var j = i; j < hits.length && hits[j].start - hits[i].start < 160; j++) seen.add(hits[j].concept);
      if (!best || seen.size > best.n) best = { n: seen.size, at: hits[i].start };
    }
    return best;
  }

  function highlighted(parent, text, hits) {
    var pos = 0;
    hits.forEach(function (h) {
      if (h.start < pos) return;
      if (h.start > pos) parent.appendChild(document.createTextNode(text.slice(pos, h.start)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(h.start, h.end);
      parent.appendChild(mark);
      pos = h.end;
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  function snippet(text, hits, at) {
    var start = Math.max(0, at - 60);
    if (start > 0) {
      var sp = text.lastIndexOf(' ', start);
      start = sp > at - 90 ? sp + 1 : start;
    }
    var end = Math.min(text.length, start + 220);
    if (end < text.length) {
      var sp2 = text.indexOf(' ', end);
      end = sp2 >= 0 && sp2 < end + 30 ? sp2 : end;
    }
    var piece = text.slice(start, end).replace(/\s+/g, ' ');
    var span = document.createElement('span');
    span.className = 'zr-fragment';
    var local = matchesIn(piece, current.match);
    if (start > 0) span.appendChild(document.createTextNode('… '));
    highlighted(span, piece, local);
    if (end < text.length) span.appendChild(document.createTextNode(' …'));
    return span;
  }

  function resultItem(f, concepts) {
    if (!current.match) current.match = matcher(concepts);
    var match = current.match;
    var li = document.createElement('li');
    var a = document.createElement('a');
    var titleHits = matchesIn(f.t, match);
    var bodyHits = matchesIn(f.x, match);
    var win = bestWindow(bodyHits);
    var href = f.u;
    var heading = null;
    if (win && !titleHits.length) {
      for (var i = 0; i < f.h.length; i++) if (f.h[i][2] <= win.at) heading = f.h[i];
      if (heading) href = f.u + '#' + encodeURIComponent(heading[0]);
    }
    a.href = href;
    var title = document.createElement('span');
    title.className = 'zr-titel';
    highlighted(title, f.t, titleHits);
    a.appendChild(title);
    if (heading) {
      var h = document.createElement('span');
      h.className = 'zr-kop';
      h.textContent = ' › ' + heading[1];
      a.appendChild(h);
    }
    if (f.k) {
      var kind = document.createElement('span');
      kind.className = 'zr-soort';
      kind.textContent = f.k;
      a.appendChild(kind);
    }
    if (win) a.appendChild(snippet(f.x, bodyHits, win.at));
    else if (f.s) {
      var s = document.createElement('span');
      s.className = 'zr-fragment';
      highlighted(s, f.s, matchesIn(f.s, match));
      a.appendChild(s);
    }
    li.appendChild(a);
    return li;
  }

  // ------------------------------------------------------------ facets
  function renderFacets(fd, counts, selected, visible) {
    while (facetBox.firstChild) facetBox.removeChild(facetBox.firstChild);
    if (!visible) return;
    var offset = 0;
    meta.facets.forEach(function (f, fi) {
      var first = offset;
      offset += f.values.length;
      var items = [];
      f.values.forEach(function (v, k) {
        var n = counts[first + k];
        var on = selected[fi].has(v[0]);
        if (n > 0 || on) items.push({ v: v, n: n, on: on });
      });
      if (!items.length) return;
      var set = document.createElement('fieldset');
      set.className = 'zoekfacet';
      var legend = document.createElement('legend');
      legend.textContent = f.label || T.tKind || f.param;
      set.appendChild(legend);
      var list = document.createElement('ul');
      items.forEach(function (it, k) {
        var li = document.createElement('li');
        if (k >= 8 && !it.on) li.className = 'zoekfacet-extra';
        var label = document.createElement('label');
        var box = document.createElement('input');
        box.type = 'checkbox';
        box.name = f.param;
        box.value = it.v[0];
        box.checked = it.on;
        label.appendChild(box);
        label.appendChild(document.createTextNode(' ' + it.v[1] + ' '));
        var count = document.createElement('span');
        count.className = 'zoekfacet-aantal';
        count.textContent = '(' + it.n + ')';
        label.appendChild(count);
        li.appendChild(label);
        list.appendChild(li);
      });
      set.appendChild(list);
      if (items.length > 8 && items.slice(8).some(function (it) { return !it.on; })) {
        set.classList.add('ingeklapt');
        var toggle = document.createElement('button');
        toggle.type = 'button';
        toggle.className = 'zoekfacet-meer';
        toggle.textContent = T.tFacetMore || '+';
        toggle.addEventListener('click', function () {
          set.classList.remove('ingeklapt');
          toggle.remove();
        });
        set.appendChild(toggle);
      }
      facetBox.appendChild(set);
    });
  }

  facetBox.addEventListener('change', function (e) {
    var box = e.target;
    if (!box || box.type !== 'checkbox' || !current) return;
    var fi = meta.facets.findIndex(function (f) { return f.param === box.name; });
    if (fi < 0) return;
    var selected = current.selected.map(function (s) { return new Set(s); });
    if (box.checked) selected[fi].add(box.value); else selected[fi].delete(box.value);
    history.pushState(null, '', urlFor(mainInput.value.trim() ? mainInput.value : '', selected));
    search(mainInput.value, selected);
  });

  // ------------------------------------------------------------ input
  var typing = null;
  mainInput.addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      var selected = current ? current.selected : selection(new URLSearchParams());
      history.replaceState(null, '', urlFor(mainInput.value.trim() ? mainInput.value : '', selected));
      search(mainInput.value, selected);
    }, 60);
  });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(typing);
    var selected = current ? current.selected : selection(new URLSearchParams());
    var url = urlFor(mainInput.value.trim() ? mainInput.value : '', selected);
    if (url !== location.pathname + location.search) history.pushState(null, '', url);
    search(mainInput.value, selected);
  });

  more.addEventListener('click', function () {
    if (current) showMore(run);
  });

  // Arrow keys: from the box into the results and back; Enter follows the
  // focused link (the browser's own behaviour for links).
  function links() { return Array.prototype.slice.call(results.querySelectorAll('a[href]')); }
  app.addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    var list = links();
    if (e.target === mainInput) {
      if (e.key === 'ArrowDown' && list.length) { e.preventDefault(); list[0].focus(); }
      return;
    }
    var i = list.indexOf(e.target);
    if (i < 0) return;
    e.preventDefault();
    if (e.key === 'ArrowDown' && i + 1 < list.length) list[i + 1].focus();
    else if (e.key === 'ArrowUp') (i > 0 ? list[i - 1] : mainInput).focus();
  });

  function fromUrl() {
    var s = state();
    mainInput.value = s.q;
    search(s.q, selection(s.params));
  }
  window.addEventListener('popstate', fromUrl);

  fetchJson('meta.json', '').then(function (m) {
    meta = m;
    language = m.language;
    app.classList.add('zoeken-actief');
    fromUrl();
  }).catch(function (e) { say((T.tError || '') + ' (' + e.message + ')'); });
})();
