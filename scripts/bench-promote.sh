#!/usr/bin/env bash
# Promotion benchmark: `assay pool promote` (set-based) of N experts with a passing screen each,
# against the former implementation (one statement per change: `--row-by-row`, kept for this and
# for the equivalence test) on an identical copy of the database, in one run. The two results
# are compared: same pool rows, same events.
#
# usage: scripts/bench-promote.sh [N]   (default 20,000; target < 2 s)
#
# The copy for the former implementation has the roster_entries triggers of migration 011
# disabled, as the former code ran without them; the set-based run keeps them (their cost is part
# of its time).
# ASSAY_BIN=path/to/release/assay uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
scripts/install-deps.sh
if [ -n "${ASSAY_BIN:-}" ]; then  # a release binary built elsewhere: no build here
    assay=$(realpath "$ASSAY_BIN")
else
    swift build -c release --product assay >/dev/null
    assay=$PWD/.build/release/assay
fi
work=$PWD/.build-bench
mkdir -p "$work"; chmod 755 "$work"
export ASSAY_HOME="$work/promote-home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
"$assay" db stop >/dev/null 2>&1 || true
rm -rf "$ASSAY_HOME"
"$assay" db start >/dev/null
"$assay" bank sync --actor bench >/dev/null
url=$("$assay" db url)
psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
SELECT setseed(0.3);
INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
SELECT 'passed-' || g || '@example.org', 'Passed ' || g, 'FR', '{fr,en}', (ARRAY['md', 'phd', 'master'])[1 + g % 3], g % 15 FROM generate_series(1, $n) g;
INSERT INTO applications (expert_id, source, external_id, domains, status, applied_at)
SELECT id, 'bench', email, '{medicine}', 'passed', now() - interval '30 days' FROM experts;
INSERT INTO screens (expert_id, application_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by, invite_expires_at,
                     submitted_at, scored_at, score_percent, passed)
SELECT a.expert_id, a.id, b.id, b.slug, encode(sha256(convert_to('promote-' || a.id, 'UTF8')), 'hex'), 'scored', 1, 40, 'bench', now(),
       now() - interval '2 days', now() - interval '2 days', round((70 + random() * 30)::numeric, 1)::float8, true
FROM applications a, banks b WHERE b.slug = 'medicine-core' AND b.is_current;
VACUUM ANALYZE;
SQL
psql "$url" -q -c "CREATE DATABASE assay_rows TEMPLATE assay"
rows_url=${url/\/assay\?//assay_rows?}
psql "$rows_url" -q -c "ALTER TABLE pool_members DISABLE TRIGGER pool_members_roster_insert, DISABLE TRIGGER pool_members_roster_update"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
old_s=$(t "$assay" pool promote --row-by-row --actor bench --database-url "$rows_url")
new_s=$(t "$assay" pool promote --actor bench)
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
dump() {
    psql "$1" -At -c "SELECT expert_id, domain, tier, tier_rank, status, score, evidence_screens, rule, expires_at - promoted_at FROM pool_members ORDER BY expert_id, domain"
    psql "$1" -At -c "SELECT actor, action, subject_type, subject_id, reason, details FROM events WHERE action LIKE 'pool.%' ORDER BY id"
    psql "$1" -At -c "SELECT id, status FROM applications ORDER BY id"
}
dump "$rows_url" > "$work/promote-rows.txt"
dump "$url" > "$work/promote-set.txt"
members=$(psql "$url" -At -c "SELECT count(*) FROM pool_members")
same=$(cmp -s "$work/promote-rows.txt" "$work/promote-set.txt" && echo "identical" || echo "DIFFERENT")
echo "passing screens:                 $n"
echo "former, one statement per change: ${old_s} s"
echo "set-based:                        ${new_s} s  ($members members; target < 2 s)"
echo "ratio:                            $(awk -v a="$old_s" -v b="$new_s" 'BEGIN { printf "%.1f", a / b }')x faster"
echo "pool rows, events, applications:  $same"
"$assay" db stop >/dev/null
