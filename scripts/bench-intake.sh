#!/usr/bin/env bash
# Intake benchmark: `assay intake import` of N generated applications against `psql \copy` of
# the same file into a bare staging table on the same server, in one run; two scenarios.
#
# usage: scripts/bench-intake.sh [ROWS] [REPEATS]   (defaults: 1,000,000 rows, 3 repeats)
#        BENCH_RANDOM_IDS=1 scripts/bench-intake.sh …   random external ids instead of sequential
#        BENCH_SCENARIOS=first scripts/bench-intake.sh …   the first import only
#
# Each repeat starts a fresh embedded cluster. First import: times the bare \copy, then the
# import into the empty schema. Second import (issue 16): on the same cluster, now holding the
# first file's people, times the bare \copy of a second file of N rows in which half the rows
# are known people with new applications (scripts/bench/generate_second_campaign.py), then its
# import. Prints every repeat, then for each scenario the medians, the ratio of the medians
# (targets: first ≤ 4x, second ≤ 6x) and assay's largest peak memory (target < 200 MB).
# ASSAY_INTAKE_TIMING=1 adds the import's phases and CPU split.
# ASSAY_BIN=path/to/release/assay uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
repeats=${2:-3}
scripts/install-deps.sh
[ -x /usr/bin/time ] || { if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi; }
if [ -n "${ASSAY_BIN:-}" ]; then  # a release binary built elsewhere: no build here
    assay=$(realpath "$ASSAY_BIN")
else
    swift build -c release --product assay >/dev/null
    assay=$PWD/.build/release/assay
fi
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
scenarios=${BENCH_SCENARIOS:-first,second}
second_file="${file%.csv}-second.csv"
if [[ "$scenarios" == *second* ]]; then
    [ -f "$second_file" ] || (cd scripts/bench && python3 generate_second_campaign.py "../../$file" "$rows" "../../$second_file")
    chmod 644 "$second_file"
fi
export ASSAY_HOME="$PWD/$work/home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

copies=""
imports=""
ratios=""
peak=0
copies2=""
imports2=""
ratios2=""
peak2=0
echo "rows: $rows ($(du -h "$file" | cut -f1)), $repeats repeats, scenarios $scenarios, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Times `psql \copy` of $1 into a bare all-text staging table; prints the seconds.
bare_copy() {
    psql "$url" -q -c "CREATE TABLE bench_staging (external_id text, full_name text, email text, country text, languages text, domains text, highest_degree text, years_experience text, source text, applied_at text, resume_text text)"
    psql "$url" -q -c "CHECKPOINT"
    local start end
    start=$(date +%s.%N)
    psql "$url" -q -c "\\copy bench_staging FROM '$1' WITH (FORMAT csv, HEADER true)"
    end=$(date +%s.%N)
    psql "$url" -q -c "DROP TABLE bench_staging"
    psql "$url" -q -c "CHECKPOINT"
    seconds "$start" "$end"
}

# Times `assay intake import $1`; sets import_s and rss_mb.
timed_import() {
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/maxrss" "$assay" intake import "$1" --quiet --rejects "$work/rejects.csv" --actor bench > "$work/summary.txt"
    end=$(date +%s.%N)
    import_s=$(seconds "$start" "$end")
    rss_mb=$(( $(cat "$work/maxrss") / 1024 ))
}

for repeat in $(seq 1 "$repeats"); do
    "$assay" db stop >/dev/null 2>&1 || true
    rm -rf "$ASSAY_HOME"
    "$assay" db start >/dev/null
    "$assay" bank sync --actor bench >/dev/null
    url=$("$assay" db url)

    # First import: a bare \copy, then the full import (validation, rejects, dedupe) into the empty schema.
    copy_s=$(bare_copy "$file")
    timed_import "$file"
    [ "$rss_mb" -gt "$peak" ] && peak=$rss_mb
    copies="$copies $copy_s"
    imports="$imports $import_s"
    ratio=$(awk -v a="$import_s" -v b="$copy_s" 'BEGIN { printf "%.2f", a / b }')
    ratios="$ratios $ratio"
    cp "$work/summary.txt" "$work/summary-first.txt"
    echo "repeat $repeat, first import:  psql \\copy ${copy_s} s, assay intake import ${import_s} s (${ratio}x), ${rss_mb} MB"

    if [[ "$scenarios" == *second* ]]; then
        # Second import: half known people with new applications, into the database the first one filled.
        copy_s=$(bare_copy "$second_file")
        timed_import "$second_file"
        [ "$rss_mb" -gt "$peak2" ] && peak2=$rss_mb
        copies2="$copies2 $copy_s"
        imports2="$imports2 $import_s"
        ratio=$(awk -v a="$import_s" -v b="$copy_s" 'BEGIN { printf "%.2f", a / b }')
        ratios2="$ratios2 $ratio"
        cp "$work/summary.txt" "$work/summary-second.txt"
        echo "repeat $repeat, second import: psql \\copy ${copy_s} s, assay intake import ${import_s} s (${ratio}x), ${rss_mb} MB"
    fi
done
report() {  # name copies imports ratios peak target
    local copy_m import_m
    copy_m=$(echo "$2" | median)
    import_m=$(echo "$3" | median)
    echo "$1: psql \\copy (bare), median:    ${copy_m} s"
    echo "$1: assay intake import, median:  ${import_m} s"
    echo "$1: ratio of the medians:         $(awk -v a="$import_m" -v b="$copy_m" 'BEGIN { printf "%.2f", a / b }')x   (target ≤ $6)"
    echo "$1: median of the repeats' ratios: $(echo "$4" | median)x"
    echo "$1: assay peak memory:            ${5} MB (target < 200 MB)"
}
report "first import" "$copies" "$imports" "$ratios" "$peak" "4x, stretch ≤ 3x"
echo "first import: summary: $(tr '\n' ' ' < "$work/summary-first.txt")"
if [[ "$scenarios" == *second* ]]; then
    report "second import" "$copies2" "$imports2" "$ratios2" "$peak2" "6x"
    echo "second import: summary: $(tr '\n' ' ' < "$work/summary-second.txt")"
fi
"$assay" db stop >/dev/null
