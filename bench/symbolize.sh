#!/usr/bin/env bash
# Symbolization against a real vmlinux, checked and timed side by side:
#   bench/symbolize.sh VMLINUX LOG
# e.g. the lab's Debian 6.1 -dbg vmlinux (../shared/lab, LAB_DBG=1: cache/amd64/vmlinux) and a lab
# log of the same kernel (crates/ktriage/tests/fixtures/lab/SPINLOCKUP-amd64.log is 6.1.0-57).
# 1. `ktriage symbolize` on the log; every frame not in a module is compared with binutils
#    `addr2line -fi` at the same address (a return address one byte back; the build directory
#    and discriminators aside); prints the frames that differ and the counts.
# 2. Whole-process times and peak RSS: ktriage symbolize (first run, then answered from its
#    cache), `addr2line -afi` on the same addresses
#    in one process, llvm-addr2line and scripts/decode_stacktrace.sh when installed
#    ($DECODE_STACKTRACE names the script). For another architecture's image set ADDR2LINE
#    and NM (e.g. aarch64-linux-gnu-addr2line, aarch64-linux-gnu-nm).
set -euo pipefail
vmlinux=${1:?usage: bench/symbolize.sh VMLINUX LOG}
log=${2:?usage: bench/symbolize.sh VMLINUX LOG}
cd "$(dirname "$0")/.."
cargo build --release -p ktriage > /dev/null
bin=$PWD/target/release/ktriage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${NM:-nm}" "$vmlinux" > "$tmp/nm"
export XDG_CACHE_HOME=$tmp/cache-check
"$bin" symbolize --vmlinux "$vmlinux" "$log" > "$tmp/ours" 2> "$tmp/ours.err" || true
cat "$tmp/ours.err" >&2
python3 - "$vmlinux" "$log" "$tmp" <<'EOF'
import bisect, collections, os, re, subprocess, sys
vmlinux, log, tmp = sys.argv[1:4]
names, starts = collections.defaultdict(list), set()
for l in open(f"{tmp}/nm"):
    w = l.split()
    if len(w) == 3 and w[1] in "tTwW":
        a = int(w[0], 16)
        names[w[2]].append(a)
        starts.add(a)
starts = sorted(starts)
span = lambda a: starts[bisect.bisect_right(starts, a)] - a
frame = re.compile(r"([A-Za-z_.$][\w.$]*)\+0x([0-9a-f]+)/0x([0-9a-f]+)")
build = re.compile(r"^(.*/debian/build/[^/]+/|/build/[^ ]*?/linux-[0-9.]+/|.*/build_[a-z0-9_]+/)")
lines, ours = open(log, errors="replace").read().splitlines(), open(f"{tmp}/ours").read().splitlines()
probes, checked, same, missing = [], 0, 0, 0
for i, l in enumerate(lines):
    if re.search(r"\+0x[0-9a-f]+/0x[0-9a-f]+ \[", l):
        continue
    m = list(frame.finditer(l))
    if not m:
        continue
    name, off, ln = m[-1].group(1), int(m[-1].group(2), 16), int(m[-1].group(3), 16)
    cands = [a for a in names.get(name, []) if span(a) == ln]
    if not cands:
        missing += 1
        continue
    exact = off == 0 or any(k in l for k in ("RIP:", "pc :", "PC is at", "EIP:", "NIP:"))
    probe = cands[0] + off - (0 if exact else 1)
    probes.append("%x" % probe)
    out = subprocess.run([os.environ.get("ADDR2LINE", "addr2line"), "-fi", "-e", vmlinux, "%x" % probe], capture_output=True, text=True).stdout
    theirs = [build.sub("", re.sub(r" \(discriminator \d+\)", "", x)) for x in out.splitlines()[1::2]]
    g = re.search(r"\((.*)\) ?$", ours[i]) if i < len(ours) else None
    mine = [build.sub("", x) for x in g.group(1).split(" ")] if g else []
    checked += 1
    if mine == theirs:
        same += 1
    else:
        print(f"differs: {l.strip()}\n  ktriage:  {mine}\n  addr2line: {theirs}")
print(f"frames checked against addr2line -fi: {checked}, equal: {same}, not found by name and length: {missing}")
open(f"{tmp}/probes", "w").write("\n".join(probes) + "\n")
EOF
run() {
  label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" > /dev/null 2>&1 || true
  read -r secs kb < "$tmp/t"
  printf '  %-34s %6.2f s  peak %7.1f MB\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
}
echo "whole process, $(wc -l < "$tmp/probes") frames (page cache warm):"
cat "$vmlinux" > /dev/null
export XDG_CACHE_HOME=$tmp/cache-timed
run "ktriage symbolize (first run)" "$bin" symbolize --vmlinux "$vmlinux" "$log"
run "ktriage symbolize (cached)" "$bin" symbolize --vmlinux "$vmlinux" "$log"
run "addr2line -afi (one process)" "${ADDR2LINE:-addr2line}" -afi -e "$vmlinux" $(cat "$tmp/probes")
command -v llvm-addr2line > /dev/null &&
  run "llvm-addr2line -afi (one process)" llvm-addr2line -afi -e "$vmlinux" $(cat "$tmp/probes")
if [ -n "${DECODE_STACKTRACE:-}" ] && [ -x "$DECODE_STACKTRACE" ]; then
  run "decode_stacktrace.sh" bash -c "'$DECODE_STACKTRACE' '$vmlinux' < '$log'"
fi
