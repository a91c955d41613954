#!/usr/bin/env bash
# Psychometrics benchmark: parameter recovery, adaptive vs fixed screens and speed, for assay
# and, on the same simulated data, for girth (2PL MML calibration) and catsim (adaptive
# screens). girth and catsim are installed from PyPI into a scratch virtual environment,
# .build-bench-venv, never a dependency of the product.
#
# usage: scripts/bench-irt.sh            (from anywhere; takes about 10 minutes on 2 cores)
# Prints one table (Markdown) and keeps the data and raw results in .build-bench-irt/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/.build-bench-irt"
venv="$root/.build-bench-venv"
results="$work/results"
rm -rf "$work"
mkdir -p "$results"

echo "== building assay (release)" >&2
swift build -c release >&2
assay="$(swift build -c release --show-bin-path)/assay"

echo "== scratch virtual environment for girth and catsim" >&2
reference_ok=1
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >"$results/venv.log" 2>&1 || reference_ok=0
fi
if [ "$reference_ok" = 1 ]; then
    "$venv/bin/pip" install --quiet girth catsim numpy scipy >>"$results/venv.log" 2>&1 || reference_ok=0
fi
if [ "$reference_ok" = 1 ]; then
    "$venv/bin/python" -c "import girth, catsim, numpy, scipy" >>"$results/venv.log" 2>&1 || reference_ok=0
    "$venv/bin/pip" list 2>/dev/null | grep -iE '^(girth|catsim|numpy|scipy) ' >"$results/versions.txt" || true
fi
[ "$reference_ok" = 1 ] || echo "girth/catsim unavailable: see $results/venv.log" >&2
py="$venv/bin/python"
bench="$root/scripts/bench"

# Runs a command, appending its wall time in seconds to the file named by $1.
timed() {
    local out="$1"; shift
    local start end
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }' >"$out"
}

# reference NAME COMMAND…: runs a reference driver; its JSON, or its error, goes to results.
reference() {
    local name="$1"; shift
    if [ "$reference_ok" = 1 ]; then
        if ! "$@" >"$results/$name.json" 2>"$results/$name.err"; then
            echo "$name failed: $(tail -1 "$results/$name.err")" >&2
            rm -f "$results/$name.json"
        fi
    fi
}

# calibration NAME PERSONS ITEMS SPARSE SEED: simulate, calibrate with assay and girth.
calibration() {
    local name="$1" persons="$2" items="$3" sparse="$4" seed="$5"
    local dir="$work/$name"
    echo "== calibration $name: $persons persons × $items items, sparse $sparse" >&2
    "$assay" irt simulate --persons "$persons" --items "$items" --sparse "$sparse" --seed "$seed" --out-dir "$dir" 2>/dev/null
    timed "$results/$name.assay.wall" "$assay" irt calibrate --responses "$dir/responses.csv" --out "$dir/assay_items.csv" 2>"$results/$name.assay.log"
    python3 "$bench/recovery.py" "$dir/true_items.csv" "$dir/assay_items.csv" >"$results/$name.assay.json"
    (cd "$bench" && reference "$name.girth" "$py" girth_calibrate.py "$dir")
}

calibration recovery-complete 5000 60 0 101
calibration recovery-sparse 5000 60 0.5 102
calibration speed-10000x100 10000 100 0 404

echo "== adaptive vs fixed: 300-item bank, 2000 candidates" >&2
"$assay" irt cat-sim --bank-size 300 --persons 2000 --max-length 40 --target-se 0.3 --seed 202 --format json >"$results/catsim-300.assay.json"
"$assay" irt simulate --persons 2000 --items 300 --seed 202 --out-dir "$work/cat-300" 2>/dev/null
(cd "$bench" && reference catsim-300.catsim "$py" catsim_adaptive.py "$work/cat-300" --max-length 40 --target-se 0.3 --randomesque 5)

echo "== selection speed: 5000-item bank" >&2
"$assay" irt cat-sim --bank-size 5000 --persons 200 --max-length 40 --seed 303 --format json >"$results/select-5000.assay.json"
"$assay" irt simulate --persons 200 --items 5000 --seed 303 --out-dir "$work/cat-5000" 2>/dev/null
(cd "$bench" && reference select-5000.catsim "$py" catsim_adaptive.py "$work/cat-5000" --max-length 40 --persons 25)

python3 "$bench/report.py" "$results" "$reference_ok" | tee "$work/report.md"
