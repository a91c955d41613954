#!/usr/bin/env bash
# import-gift benchmark (issue 15, item 5): time and peak memory of `assay bank import-gift` on a
# generated GIFT file. Target: a 50 MB file in under 30 s and under 300 MB peak RSS.
#
# usage: scripts/bench-gift.sh [MEGABYTES]   (default 50)
#        ASSAY_BIN=path/to/release/assay scripts/bench-gift.sh   (use that binary, no build)
#        BASELINE_BIN=path/to/other/assay …   (also import each file with that binary, e.g. a release
#        build of main, and print the CPU time's ratio to it, measured in the same run)
# Builds assay in release, exports the shipped banks as GIFT (real questions, about 1 KB each)
# and generates two files of the size asked with scripts/bench/generate_gift.py: those questions
# repeated with unique titles ("shipped"), and short synthetic questions of every kind, about
# 110 bytes each ("short", the worst case for per-question costs). Each is imported with
# /usr/bin/time -v; prints wall time, CPU time, peak RSS, items and bytes of YAML written.
# Files are kept in .build-bench-gift/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
megabytes=${1:-50}
size=$((megabytes * 1000 * 1000))
work="$root/.build-bench-gift"
mkdir -p "$work"

if [ -n "${ASSAY_BIN:-}" ]; then
    # A release binary built before (e.g. a copy kept while the sources change), used as is.
    assay="$ASSAY_BIN"
else
    echo "== building assay (release)" >&2
    swift build -c release --product assay >&2
    assay="$(swift build -c release --show-bin-path)/assay"
fi
echo "machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

: > "$work/shipped-source.gift"
for bank in interview-banks/*/core.yaml; do
    # Items GIFT cannot hold (ordering) are left out with a note and exit 1: expected here.
    "$assay" bank export-gift "$bank" >> "$work/shipped-source.gift" 2>/dev/null || true
done
python3 scripts/bench/generate_gift.py "$size" "$work/shipped.gift" "$work/shipped-source.gift"
python3 scripts/bench/generate_gift.py "$size" "$work/short.gift"

printf '\n| binary | file | size | questions converted | wall | CPU (user+sys) | peak RSS | YAML written |\n|---|---|---|---|---|---|---|---|\n'
declare -A cpu
for kind in shipped short; do
    for which in ${BASELINE_BIN:+baseline} assay; do
        if [ "$which" = baseline ]; then bin="$BASELINE_BIN"; else bin="$assay"; fi
        file="$work/$kind.gift"
        out="$work/$kind-$which"
        rm -f "$out.yaml"
        /usr/bin/time -v "$bin" bank import-gift "$file" --domain medicine --bank bench --out "$out.yaml" \
            2> "$out.time" > /dev/null || true
        wall=$(grep "Elapsed (wall clock)" "$out.time" | awk '{print $NF}')
        user=$(grep "User time" "$out.time" | awk '{print $NF}')
        sys=$(grep "System time" "$out.time" | awk '{print $NF}')
        rss=$(grep "Maximum resident" "$out.time" | awk '{print $NF}')
        items=$(grep -o "wrote [0-9]* item" "$out.time" | awk '{print $2}')
        cpu[$kind-$which]=$(echo "$user + $sys" | bc)
        printf '| %s | %s | %s MB | %s | %s | %.1f s | %d MB | %s MB |\n' "$which" "$kind" "$(( $(stat -c %s "$file") / 1000000 ))" "${items:-?}" "$wall" \
            "${cpu[$kind-$which]}" "$((rss / 1024))" "$(( $(stat -c %s "$out.yaml" 2>/dev/null || echo 0) / 1000000 ))"
    done
done
if [ -n "${BASELINE_BIN:-}" ]; then
    echo
    for kind in shipped short; do
        echo "$kind: CPU time $(echo "scale=2; ${cpu[$kind-assay]} / ${cpu[$kind-baseline]}" | bc) x the baseline's"
    done
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
