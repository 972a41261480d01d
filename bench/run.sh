#!/usr/bin/env bash
# Whole-process benchmark: ktriage analyze on two >= 1 GB inputs, next to `grep -c 'Call Trace'`.
# Prints MB/s and peak RSS. Usage: bench/run.sh [SIZE_MB]   (default 1100)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1100}
data=bench-data
mkdir -p "$data"
cargo build --release -p ktriage >/dev/null
bin=target/release/ktriage
[ -s "$data/console.log" ] || python3 bench/gen.py console "$data/console.log" "$size"
[ -s "$data/dense.log" ] || python3 bench/gen.py dense "$data/dense.log" "$size"
for input in console dense; do
  f="$data/$input.log"
  mb=$(( $(stat -c %s "$f") / 1048576 ))
  cat "$f" > /dev/null  # warm the page cache
  start=$(date +%s.%N)
  calls=$(grep -c 'Call Trace' "$f" || true)
  gs=$(echo "$(date +%s.%N) - $start" | bc)
  /usr/bin/time -f '%e %M' -o /tmp/kt-time "$bin" analyze --json "$f" > /tmp/kt-out.json
  read -r secs kb < /tmp/kt-time
  reports=$(grep -c '^      "id": "r[0-9]*",$' /tmp/kt-out.json || true)
  printf '%-8s %6d MB  ktriage %6.1f s %7.1f MB/s  peak %6.1f MB  reports %7d | grep -c %6.2f s %7.1f MB/s (%d hits)\n' \
    "$input" "$mb" "$secs" "$(echo "$mb / $secs" | bc -l)" "$(echo "$kb / 1024" | bc -l)" "$reports" \
    "$gs" "$(echo "$mb / $gs" | bc -l)" "$calls"
done
