// The browser analyzer (themes/default/static/search.js) must analyse text
// exactly like the Rust one (src/search/analyzer.rs), or queries miss the
// index. tests/it/search.rs writes the Rust results for every content file
// and every distinct word of the bundled knowledge base to a JSON file; this
// script loads search.js in a bare VM context (no DOM) and compares.
//
//   node analyzer.spec.mjs --data FILE
import fs from 'node:fs';
import vm from 'node:vm';
import path from 'node:path';
import { test, run, assert, args } from './lib.mjs';

const { data } = args();
const expected = JSON.parse(fs.readFileSync(data, 'utf8'));
const source = fs.readFileSync(path.join(import.meta.dirname, '../../themes/default/static/search.js'), 'utf8');
const sandbox = {};
sandbox.globalThis = sandbox;
vm.runInNewContext(source, sandbox);
const Z = sandbox.VakwerkZoek;

test(`words(): ${expected.texts.length} content files tokenise identically`, () => {
  const bad = [];
  for (const t of expected.texts) {
    const got = Z.words(t.text).map((w) => [w.text, w.extra]);
    if (JSON.stringify(got) !== JSON.stringify(t.words)) {
      const i = got.findIndex((w, k) => JSON.stringify(w) !== JSON.stringify(t.words[k]));
      bad.push(`${t.name}: at ${i}: js ${JSON.stringify(got.slice(i, i + 3))} rust ${JSON.stringify(t.words.slice(i, i + 3))}`);
    }
  }
  assert(!bad.length, bad.slice(0, 10).join('\n'));
});

test(`stem(): ${expected.stems.length} distinct words stem identically (Snowball Dutch + t-rule)`, () => {
  const bad = expected.stems.filter(([w, s]) => Z.stem(w) !== s).map(([w, s]) => `${w}: js ${Z.stem(w)} rust ${s}`);
  assert(!bad.length, `${bad.length} differ:\n${bad.slice(0, 20).join('\n')}`);
});

test('stop words are the same list', () => {
  const bad = expected.stop.filter((w) => !Z.isStopWord(w));
  assert(!bad.length && expected.stop.length > 50, bad.join(' '));
  assert(!Z.isStopWord('zelf') && !Z.isStopWord('werk'));
});

await run();
