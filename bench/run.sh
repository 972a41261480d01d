#!/usr/bin/env bash
# Whole-process benchmarks, side by side in one run (page cache warm, wall time, peak RSS):
#   (a) console: a ~1 GiB console of a long-running machine with a few crashes,
#   (b) dense:   crash-dense text (>= 190 MiB: the syzkaller corpus, lab logs, seed cases),
#   (c) many:    2,000 small real logs in one directory,
#   (d) small:   one 2 KB log (whole process),
# ktriage with one thread and with all cores, next to `grep -c`, `rg -c` and `wc -l` on the
# same input. Usage: bench/run.sh [CONSOLE_MB [DENSE_MB]]   (default 1024 and 195)
set -euo pipefail
cd "$(dirname "$0")/.."
console_mb=${1:-1024}
dense_mb=${2:-195}
data=bench-data
mkdir -p "$data"
cargo build --release -p ktriage >/dev/null
bin=$PWD/target/release/ktriage
[ -s "$data/console.log" ] || python3 bench/gen.py console "$data/console.log" "$console_mb"
[ -s "$data/dense.log" ] || python3 bench/gen.py dense "$data/dense.log" "$dense_mb"
[ -d "$data/many" ] || python3 bench/gen.py many "$data/many" 2000
[ -s "$data/small.log" ] || head -c 2048 crates/ktriage/tests/fixtures/lab/ACCESS_NULL-amd64.log > "$data/small.log"

# `run NAME CMD...`: wall seconds and peak RSS of one run.
run() {
  local name=$1
  shift
  /usr/bin/time -f '%e %M' -o /tmp/kt-time "$@" > /tmp/kt-out 2>/dev/null || true
  read -r secs kb < /tmp/kt-time
  printf '  %-22s %8.2f s  %9.1f MB/s  peak %7.1f MB\n' "$name" "$secs" \
    "$(echo "$mb / $secs" | bc -l 2>/dev/null || echo 0)" "$(echo "$kb / 1024" | bc -l)"
}

for input in console dense; do
  f="$data/$input.log"
  mb=$(echo "$(stat -L -c %s "$f") / 1048576" | bc -l)
  cat "$f" > /dev/null
  printf '%s: %.0f MiB, %s lines\n' "$input" "$mb" "$(wc -l < "$f")"
  run "grep -c 'Call Trace'" grep -c 'Call Trace' "$f"
  command -v rg > /dev/null && run "rg -c 'Call Trace'" rg -c 'Call Trace' "$f"
  run "wc -l" wc -l "$f"
  run "ktriage -j1 --json" "$bin" analyze -j1 --json "$f"
  run "ktriage --json" "$bin" analyze --json "$f"
  printf '  reports: %s\n' "$(grep -c '^      "id": "r[0-9]*",$' /tmp/kt-out || true)"
done

mb=$(echo "$(du -sb "$data/many" | cut -f1) / 1048576" | bc -l)
printf 'many: %s files, %.1f MiB\n' "$(ls "$data/many" | wc -l)" "$mb"
run "ktriage -j1 --json" "$bin" analyze -j1 --json "$data/many"
run "ktriage --json" "$bin" analyze --json "$data/many"

echo "small: one 2 KB log, whole process (hyperfine when installed)"
if command -v hyperfine > /dev/null; then
  hyperfine -N --warmup 5 --runs 100 "$bin analyze $data/small.log" 2>/dev/null | grep -E 'Time|Range'
else
  mb=0
  run "ktriage" "$bin" analyze "$data/small.log"
fi

if [ -d ../shared/corpus/syzkaller-linux ]; then
  start=$(date +%s.%N)
  ../shared/bin/syz-score ../shared/corpus/syzkaller-linux > /dev/null 2>&1 || true
  printf 'syz-score (%s files): %.2f s\n' "$(ls ../shared/corpus/syzkaller-linux | wc -l)" \
    "$(echo "$(date +%s.%N) - $start" | bc -l)"
fi
