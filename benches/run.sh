#!/usr/bin/env bash
# The performance harness in one command (issue #6): every figure of the
# README's performance section, measured in one run on this machine.
#
#   bash benches/run.sh [PAGES ...]        (default: 1000 10000 100000)
#
# 1. Build and check against Hugo and the pulldown-cmark floor, per size,
#    with wall time, user+sys CPU, peak RSS and output size (compare.sh).
# 2. Where the build's time goes, per size, and the search index's share
#    of it (cargo bench --bench stages).
# 3. Save-to-served latency of one edited page under `vakwerk serve` on a
#    10,000-page site (serve_latency.py).
# 4. What the first search query downloads, in headless Chromium
#    (search_size.sh; needs `npm ci --prefix tests/browser`).
#
# Sites come from ../shared/bench/gen_corpus.py (seed 1), generated once
# into $BENCH_DIR (default /tmp/vakwerk-bench). Needs python3, hugo
# (Debian package), GNU time, node and Chromium for step 4.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
work=${BENCH_DIR:-/tmp/vakwerk-bench}
out_dir=${BENCH_OUT:-$( [ -d /dev/shm ] && echo /dev/shm/vakwerk-bench-out || echo "$work/out")}

echo "## 1. Builds, side by side"
echo
bash benches/compare.sh "${sizes[@]}"

echo
echo "## 2. Stages (wall time, 2 threads) and the search index's share"
echo
cargo bench --bench stages --no-run --quiet 2>/dev/null
stages=$(ls -t target/release/deps/stages-* | grep -v '\.d$' | head -1)
echo "| pages | load | parse | links | render | feeds | search | search share |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  rm -rf "$out_dir/stages-$n"
  STAGES_REPEAT=1 "$stages" "$work/vk-$n" "$out_dir/stages-$n" | awk -v n="$n" '
    $2 ~ /^[0-9]+$/ && $3 == "ms" { t[$1] = $2 }
    END {
      total = t["load"] + t["parse"] + t["assemble"] + t["render"] + t["feeds"] + t["search"]
      printf "| %s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.0f %% |\n", n,
        t["load"]/1000, t["parse"]/1000, t["assemble"]/1000, t["render"]/1000, t["feeds"]/1000,
        t["search"]/1000, 100 * t["search"] / total
    }'
  rm -rf "$out_dir/stages-$n"
done

echo
echo "## 3. Edit to served page under vakwerk serve (10,000 pages)"
echo
python3 benches/serve_latency.py --pages 10000 --runs "${SERVE_RUNS:-10}" | grep -E "median|initial"

echo
echo "## 4. Search: first two-word query download and cached query"
echo
bash benches/search_size.sh 2>&1 | grep -vE "^\s*(Compiling|Finished|Running)"
