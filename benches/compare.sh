#!/usr/bin/env bash
# Side-by-side build benchmark: Vakwerk against Hugo and the pulldown-cmark
# floor, on the same synthetic Dutch corpus, in one run on this machine.
#
#   bash benches/compare.sh [PAGES ...]        (default: 1000 10000)
#
# Hugo runs up to HUGO_MAX pages (default 10000): at 100,000 pages it would
# need about ten times its 1.5 GB at 10k, more than this machine spares.
#
# Each build runs once to warm up (WARMUP, default 1; see below), then
# RUNS times (default 3), the tools taking turns, and the
# run with the median wall time is reported (Vakwerk's peak memory is the
# highest of its runs): one run of Hugo on this VM
# varied from 5.7 to 8.4 s between rounds, enough to move a ratio by a
# third.
#
# Needs: python3, hugo (Debian package `hugo`), GNU time (/usr/bin/time).
# Prints a Markdown table; ratios measured side by side are what count.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=../shared/bench/gen_corpus.py
work=${BENCH_DIR:-/tmp/vakwerk-bench}
# Outputs go to tmpfs when there is one, for every tool alike: on this VM's
# disk creating a file costs ~0.36 ms (10,000 folders + files: 7.3 s on disk,
# 0.26 s on tmpfs), and more still right after a delete, so a disk run
# measures the disk rather than the generator. BENCH_OUT=DIR overrides.
out_dir=${BENCH_OUT:-$( [ -d /dev/shm ] && echo /dev/shm/vakwerk-bench-out || echo "$work/out")}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
mkdir -p "$work" "$out_dir"
command -v hugo >/dev/null || { echo "install hugo (apt-get install hugo)"; exit 2; }
cargo build --release --quiet
cargo bench --bench floor --no-run --quiet 2>/dev/null
floor=$(ls -t target/release/deps/floor-* | grep -v '\.d$' | head -1)
vk=target/release/vakwerk

runs=${RUNS:-3}
measure() { # command... -> "wall user sys rss_kb"
  local t; t=$(mktemp)
  /usr/bin/time -o "$t" -f "%e %U %S %M" "$@" >/dev/null 2>&1
  tail -1 "$t"; rm -f "$t"
}
median() { # lines of "wall user sys rss_kb" -> the line with the median wall
  sort -n -k1,1 | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'
}

echo "| pages | tool | wall s | user+sys s | peak RSS MB | output MB | vs Hugo | vs floor |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  [ -d "$work/vk-$n" ] || python3 "$gen" --pages "$n" --seed 1 --flavor vakwerk --out "$work/vk-$n" >/dev/null
  f=$("$floor" "$work/vk-$n" | awk '{print $2}')
  hugo_run=$(( n <= ${HUGO_MAX:-10000} ))
  if [ "$hugo_run" = 1 ]; then
    [ -d "$work/hugo-$n" ] || python3 "$gen" --pages "$n" --seed 1 --flavor hugo --out "$work/hugo-$n" >/dev/null
  fi
  # One discarded warm-up run of each tool first, as hyperfine's --warmup
  # does. On this VM memory the guest has never touched costs about ten
  # times as much as memory it has used before (writing 1 GB to tmpfs:
  # 0.32 s warm, 2.3-3.4 s fresh, measured with dd), and a 100,000-page
  # build touches some 5 GB (3.5 GB of output, 1.8 GB of heap): without a
  # warm-up, whichever run comes first pays for the whole machine's first
  # touch. WARMUP=0 skips it.
  for _ in $(seq "${WARMUP:-1}"); do
    if [ "$hugo_run" = 1 ]; then
      rm -rf "$out_dir/hugo-$n"; measure hugo --quiet -s "$work/hugo-$n" -d "$out_dir/hugo-$n" >/dev/null
    fi
    rm -rf "$out_dir/vk-$n"; measure "$vk" build --root "$work/vk-$n" --output "$out_dir/vk-$n" >/dev/null
  done
  hugo_runs=(); build_runs=(); check_runs=()
  for _ in $(seq "$runs"); do
    if [ "$hugo_run" = 1 ]; then
      rm -rf "$out_dir/hugo-$n"; hugo_runs+=("$(measure hugo --quiet -s "$work/hugo-$n" -d "$out_dir/hugo-$n")")
    fi
    rm -rf "$out_dir/vk-$n"; build_runs+=("$(measure "$vk" build --root "$work/vk-$n" --output "$out_dir/vk-$n")")
    check_runs+=("$(measure "$vk" check --root "$work/vk-$n")")
  done
  if [ "$hugo_run" = 1 ]; then
    read -r hw hu hs hm <<<"$(printf '%s\n' "${hugo_runs[@]}" | median)"
  fi
  read -r vw vu vs _ <<<"$(printf '%s\n' "${build_runs[@]}" | median)"
  # Peak memory is a ceiling: the highest of the runs, not the median's.
  vm=$(printf '%s\n' "${build_runs[@]}" | awk '$4 > m { m = $4 } END { print m }')
  read -r cw cu cs cm <<<"$(printf '%s\n' "${check_runs[@]}" | median)"
  vo=$(du -sm "$out_dir/vk-$n" | cut -f1)
  r() { python3 -c "print(f'{$1/$2:.2f}')"; }
  if [ "$hugo_run" = 1 ]; then
    ho=$(du -sm "$out_dir/hugo-$n" | cut -f1)
    echo "| $n | Hugo | $hw | $(python3 -c "print(round($hu+$hs,2))") | $((hm/1024)) | $ho | 1.00 | $(r "$hw" "$f") |"
  else
    hw=""
  fi
  vh() { if [ -n "$hw" ]; then r "$1" "$hw"; else echo "–"; fi; }
  echo "| $n | vakwerk build | $vw | $(python3 -c "print(round($vu+$vs,2))") | $((vm/1024)) | $vo | $(vh "$vw") | $(r "$vw" "$f") |"
  echo "| $n | vakwerk check | $cw | $(python3 -c "print(round($cu+$cs,2))") | $((cm/1024)) | – | $(vh "$cw") | $(r "$cw" "$f") |"
  echo "| $n | pulldown-cmark floor (1 thread, no I/O) | $f | – | – | – | $(vh "$f") | 1.00 |"
  rm -rf "$out_dir/hugo-$n" "$out_dir/vk-$n"
done
