#!/usr/bin/env bash
# Intake benchmark: `assay intake import` of N generated applications against `psql \copy` of
# the same file into a bare staging table on the same server, in one run.
#
# usage: scripts/bench-intake.sh [ROWS]   (default 1,000,000)
# Prints both times, the ratio (target ≤ 4x, stretch 3x) and assay's peak memory (target < 200 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
scripts/install-deps.sh
[ -x /usr/bin/time ] || { if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi; }
swift build -c release --product assay >/dev/null
assay=.build/release/assay
work=.build-bench
mkdir -p "$work"
chmod 755 "$work"
file="$work/applications-$rows.csv"
[ -f "$file" ] || python3 scripts/bench/generate_applications.py "$rows" "$file"
export ASSAY_HOME="$PWD/$work/home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
"$assay" db stop >/dev/null 2>&1 || true
rm -rf "$ASSAY_HOME"
"$assay" db start >/dev/null
"$assay" bank sync --actor bench >/dev/null
url=$("$assay" db url)
chmod 644 "$file"

# Baseline: psql \copy into a bare staging table (no indexes, no constraints).
psql "$url" -q -c "DROP TABLE IF EXISTS bench_staging; CREATE TABLE bench_staging (external_id text, full_name text, email text, country text, languages text, domains text, highest_degree text, years_experience text, source text, applied_at text, resume_text text)"
start=$(date +%s.%N)
psql "$url" -q -c "\\copy bench_staging FROM '$file' WITH (FORMAT csv, HEADER true)"
end=$(date +%s.%N)
copy_s=$(awk -v a="$start" -v b="$end" "BEGIN { printf \"%.2f\", b - a }")
psql "$url" -q -c "DROP TABLE bench_staging"
psql "$url" -q -c "CHECKPOINT"

# Assay: the full import (validation, rejects, dedupe, merge) into the real tables.
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/maxrss" "$assay" intake import "$file" --quiet --rejects "$work/rejects.csv" --actor bench > "$work/summary.txt"
end=$(date +%s.%N)
import_s=$(awk -v a="$start" -v b="$end" "BEGIN { printf \"%.2f\", b - a }")
rss_mb=$(( $(cat "$work/maxrss") / 1024 ))
ratio=$(awk -v a="$import_s" -v b="$copy_s" "BEGIN { printf \"%.2f\", a / b }")

echo "rows:                 $rows ($(du -h "$file" | cut -f1))"
echo "psql \\copy (bare):    ${copy_s} s"
echo "assay intake import:  ${import_s} s"
echo "ratio:                ${ratio}x   (target ≤ 4x, stretch ≤ 3x)"
echo "assay peak memory:    ${rss_mb} MB (target < 200 MB)"
echo "summary:              $(cat "$work/summary.txt")"
"$assay" db stop >/dev/null
