#!/usr/bin/env bash
# Search size benchmark (issue 4). Generates 10k and 100k page sites with the
# shared corpus generator, builds their search index with the release build,
# and measures in headless Chromium what the first two-word query downloads
# (gzipped, search.js included) and how fast a cached query answers. Then
# compares with Pagefind on the bundled knowledge base.
#
#   bash benches/search_size.sh [WORK_DIR]        (default /tmp/vakwerk-search-bench)
#
# Needs: python3, node, Chromium (see tests/browser), `npm install --prefix benches`.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp/vakwerk-search-bench}"
mkdir -p "$work"
query="schuldhulpverlening mantelzorger"

cargo build --release --bin vakwerk --bench search
bench=$(ls -t target/release/deps/search-* | grep -v '\.d$' | head -1)

for n in 10000 100000; do
  site="$work/site-$n"
  [ -f "$site/site.yaml" ] || python3 ../shared/bench/gen_corpus.py --flavor vakwerk --pages "$n" --seed 1 --out "$site" --force
  echo "== $n pages"
  # The whole in-memory build is timed only at 10k; at 100k the index alone.
  if [ "$n" -le 10000 ]; then extra=(); else extra=(--index-only); fi
  rm -rf "$work/out-$n"
  "$bench" "$site" "${extra[@]}" --out "$work/out-$n"
  node benches/first-query.mjs --site "$work/out-$n" --q "$query"
done

echo "== bundled knowledge base: Vakwerk vs Pagefind"
rm -rf "$work/kb"
./target/release/vakwerk build --output "$work/kb" >/dev/null
[ -x benches/node_modules/.bin/pagefind ] || npm install --prefix benches --no-audit --no-fund
benches/node_modules/.bin/pagefind --site "$work/kb" >/dev/null
mkdir -p "$work/kb/pf"
cat > "$work/kb/pf/index.html" <<'HTML'
<!doctype html><html lang="nl"><head><meta charset="utf-8"><link href="/pagefind/pagefind-ui.css" rel="stylesheet"><script src="/pagefind/pagefind-ui.js"></script></head><body><div id="search"></div><script>
window.addEventListener('DOMContentLoaded', () => { const ui = new PagefindUI({ element: "#search", showSubResults: true }); const q = new URLSearchParams(location.search).get('q'); if (q) ui.triggerSearch(q); });
</script></body></html>
HTML
size() { find "$1" -type f "${@:2}" -print0 | xargs -0 cat | wc -c; }
echo "index on disk: vakwerk $(size "$work/kb/search") B; pagefind $(size "$work/kb/pagefind" ! -name '*.js' ! -name '*.css' ! -name '*.wasm*') B (index data only)"
for q in "schuldhulp jongeren" "clientgedreven werken"; do
  echo "-- vakwerk"; node benches/first-query.mjs --site "$work/kb" --q "$q"
  echo "-- pagefind"; node benches/first-query.mjs --site "$work/kb" --q "$q" --path /pf/ --results ".pagefind-ui__result-link"
done
