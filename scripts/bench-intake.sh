#!/usr/bin/env bash
# Intake benchmark: `assay intake import` of N generated applications against `psql \copy` of
# the same file into a bare staging table on the same server, in one run.
#
# usage: scripts/bench-intake.sh [ROWS] [REPEATS]   (defaults: 1,000,000 rows, 3 repeats)
#        BENCH_RANDOM_IDS=1 scripts/bench-intake.sh …   random external ids instead of sequential
#
# Each repeat starts a fresh embedded cluster, times the bare \copy, then the import into the
# empty schema (both on the same cluster, one after the other). Prints every repeat, then the
# medians and the ratio of the medians (target ≤ 4x, stretch 3x) and assay's largest peak
# memory (target < 200 MB). ASSAY_INTAKE_TIMING=1 adds the import's phases and CPU split.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
repeats=${2:-3}
scripts/install-deps.sh
[ -x /usr/bin/time ] || { if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi; }
swift build -c release --product assay >/dev/null
assay=.build/release/assay
work=.build-bench
mkdir -p "$work"
chmod 755 "$work"
if [ -n "${BENCH_RANDOM_IDS:-}" ]; then
    file="$work/applications-$rows-random-ids.csv"
    [ -f "$file" ] || python3 scripts/bench/generate_applications.py "$rows" "$file" --random-ids
else
    file="$work/applications-$rows.csv"
    [ -f "$file" ] || python3 scripts/bench/generate_applications.py "$rows" "$file"
fi
chmod 644 "$file"
export ASSAY_HOME="$PWD/$work/home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

copies=""
imports=""
ratios=""
peak=0
echo "rows: $rows ($(du -h "$file" | cut -f1)), $repeats repeats, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for repeat in $(seq 1 "$repeats"); do
    "$assay" db stop >/dev/null 2>&1 || true
    rm -rf "$ASSAY_HOME"
    "$assay" db start >/dev/null
    "$assay" bank sync --actor bench >/dev/null
    url=$("$assay" db url)

    # Baseline: psql \copy into a bare staging table (no indexes, no constraints).
    psql "$url" -q -c "CREATE TABLE bench_staging (external_id text, full_name text, email text, country text, languages text, domains text, highest_degree text, years_experience text, source text, applied_at text, resume_text text)"
    psql "$url" -q -c "CHECKPOINT"
    start=$(date +%s.%N)
    psql "$url" -q -c "\\copy bench_staging FROM '$file' WITH (FORMAT csv, HEADER true)"
    end=$(date +%s.%N)
    copy_s=$(seconds "$start" "$end")
    psql "$url" -q -c "DROP TABLE bench_staging"
    psql "$url" -q -c "CHECKPOINT"

    # Assay: the full import (validation, rejects, dedupe, merge) into the real tables.
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/maxrss" "$assay" intake import "$file" --quiet --rejects "$work/rejects.csv" --actor bench > "$work/summary.txt"
    end=$(date +%s.%N)
    import_s=$(seconds "$start" "$end")
    rss_mb=$(( $(cat "$work/maxrss") / 1024 ))
    [ "$rss_mb" -gt "$peak" ] && peak=$rss_mb
    copies="$copies $copy_s"
    imports="$imports $import_s"
    ratio=$(awk -v a="$import_s" -v b="$copy_s" 'BEGIN { printf "%.2f", a / b }')
    ratios="$ratios $ratio"
    echo "repeat $repeat: psql \\copy ${copy_s} s, assay intake import ${import_s} s (${ratio}x), ${rss_mb} MB"
done
copy_m=$(echo "$copies" | median)
import_m=$(echo "$imports" | median)
echo "psql \\copy (bare), median:    ${copy_m} s"
echo "assay intake import, median:  ${import_m} s"
echo "ratio of the medians:         $(awk -v a="$import_m" -v b="$copy_m" 'BEGIN { printf "%.2f", a / b }')x   (target ≤ 4x, stretch ≤ 3x)"
echo "median of the repeats' ratios: $(echo "$ratios" | median)x"
echo "assay peak memory:            ${peak} MB (target < 200 MB)"
echo "summary:                      $(cat "$work/summary.txt")"
"$assay" db stop >/dev/null
