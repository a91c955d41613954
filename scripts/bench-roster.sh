#!/usr/bin/env bash
# Roster export benchmark: `assay roster export` of N pool members against two baselines in one
# run: `psql \copy` of the same query (`assay roster export --show-sql`), and `psql \copy` of a
# plain table holding exactly the rows exported (CREATE TABLE AS the query). All three files
# must be identical.
#
# usage: scripts/bench-roster.sh [MEMBERS] [REPEATS]   (defaults 1,000,000 and 3; target: ≤ 1.5x the
# plain table). Each repeat times the three one after the other; the medians are compared.
# ASSAY_BIN=path/to/release/assay uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
repeats=${2:-3}
scripts/install-deps.sh
if [ -n "${ASSAY_BIN:-}" ]; then  # a release binary built elsewhere: no build here
    assay=$(realpath "$ASSAY_BIN")
else
    swift build -c release --product assay >/dev/null
    assay=$PWD/.build/release/assay
fi
work=$PWD/.build-bench
mkdir -p "$work"; chmod 755 "$work"
export ASSAY_HOME="$work/roster-home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
"$assay" db stop >/dev/null 2>&1 || true
rm -rf "$ASSAY_HOME"
"$assay" db start >/dev/null
"$assay" bank sync --actor bench >/dev/null
url=$("$assay" db url)
# N experts and pool members, made set-based in SQL (one evidence screen shared by all).
psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
SELECT 'member' || g || '@example.org', 'Member ' || g || ', Jr. "Q"', (ARRAY['FR','US','IN','NG','JP'])[1 + g % 5],
       (ARRAY['{en}','{fr,en}','{hi,en}'])[1 + g % 3]::text[], 'phd', g % 40 FROM generate_series(1, $n) g;
INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by, invite_expires_at, score_percent, passed)
SELECT 1, id, slug, repeat('a', 64), 'scored', 1, 40, 'bench', now(), 90, true FROM banks WHERE slug = 'medicine-core';
INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, expires_at)
SELECT id, 'medicine', 'expert', 1, 90 + id % 10, ARRAY[(SELECT min(id) FROM screens)], 'tier expert: score ≥ 90%', now() + interval '1 year'
FROM experts;
VACUUM ANALYZE;
SQL
query=$("$assay" roster export --show-sql | tr '\n' ' ')
# The export's query reads no setting when no filter is given; set them anyway, as an export does.
settings="SELECT set_config('assay.roster_domain', '', false), set_config('assay.roster_language', '', false), set_config('assay.roster_country', '', false), set_config('assay.roster_min_tier', '', false), set_config('assay.roster_key', '', false)"
psql "$url" -q -o /dev/null -c "$settings" -c "CREATE TABLE roster_plain AS $query" -c "VACUUM ANALYZE roster_plain"
t() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
plains="" psqls="" assays=""
for repeat in $(seq 1 "$repeats"); do
    plain_s=$(t psql "$url" -q -c "\\copy roster_plain TO '$work/roster-plain.csv' WITH (FORMAT csv, HEADER true)")
    psql_s=$(t psql "$url" -q -o /dev/null -c "$settings" -c "\\copy ($query) TO '$work/roster-psql.csv' WITH (FORMAT csv, HEADER true)")
    assay_s=$(t "$assay" roster export --format csv --out "$work/roster-assay.csv" 2>/dev/null)
    echo "repeat $repeat: plain table ${plain_s} s, same query ${psql_s} s, assay ${assay_s} s"
    plains="$plains $plain_s" psqls="$psqls $psql_s" assays="$assays $assay_s"
done
plain_s=$(echo "$plains" | median) psql_s=$(echo "$psqls" | median) assay_s=$(echo "$assays" | median)
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
same=$(cmp -s "$work/roster-psql.csv" "$work/roster-assay.csv" && cmp -s "$work/roster-plain.csv" "$work/roster-assay.csv" && echo "identical" || echo "DIFFERENT")
echo "members:                              $n"
echo "psql \\copy (plain table), median:     ${plain_s} s"
echo "psql \\copy (same query), median:      ${psql_s} s"
echo "assay roster export --out, median:    ${assay_s} s"
echo "ratio to the plain table:             $(awk -v a="$assay_s" -v b="$plain_s" 'BEGIN { printf "%.2f", a / b }')x  (target ≤ 1.5x)"
echo "ratio to the same query:              $(awk -v a="$assay_s" -v b="$psql_s" 'BEGIN { printf "%.2f", a / b }')x"
echo "files:                                $same ($(du -h "$work/roster-assay.csv" | cut -f1))"
"$assay" db stop >/dev/null
