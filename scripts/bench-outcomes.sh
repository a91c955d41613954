#!/usr/bin/env bash
# Work-outcomes benchmark (issue 19, item 5), in one run on a fresh embedded cluster:
#  1. `assay outcomes import` of ROWS expert-periods (ROWS/4 pool members × 4 quarters) against
#     `psql \copy` of the same file into a plain table of the same columns (target ≤ 4x);
#  2. `assay validity report` on MEMBERS pool members whose evidence screens show 50 items
#     each (target < 5 s), with the default 1000 bootstrap replicates.
#
# usage: scripts/bench-outcomes.sh [ROWS] [MEMBERS]   (defaults 1,000,000 and 100,000)
# BENCH_PHASE=setup builds the cluster, the data and the file and stops (any binary will do);
# BENCH_PHASE=measure then times the import and the report on them (once).
# EXPLAIN=1 also prints the plans of the report's, the review's and the renewal floor's reads of work_outcomes.
# ASSAY_BIN=path uses that binary instead of building a release one (to check the script only:
# a debug binary's times are not the benchmark's).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
members=${2:-100000}
if [ -n "${ASSAY_BIN:-}" ]; then
    assay=$ASSAY_BIN
else
    scripts/install-deps.sh
    swift build -c release --product assay >/dev/null
    assay=$PWD/.build/release/assay
fi
work=$PWD/.build-bench
mkdir -p "$work"; chmod 755 "$work"
export ASSAY_HOME="$work/outcomes-home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
phase=${BENCH_PHASE:-all}
if [ "$phase" = measure ]; then
    # The cluster and file a `BENCH_PHASE=setup` run left (measured once: it removes members).
    "$assay" db start >/dev/null 2>&1 || true
    url=$("$assay" db url)
    psql "$url" -q -c "TRUNCATE work_outcomes, plain_outcomes"
else
"$assay" db stop >/dev/null 2>&1 || true
rm -rf "$ASSAY_HOME"
"$assay" db start >/dev/null
"$assay" bank sync --actor bench >/dev/null
url=$("$assay" db url)
pool=$(( rows / 4 > members ? rows / 4 : members ))
# Experts, one scored screen each on medicine-core with its first 50 items (credit driven by a
# latent ability), and pool membership for all of them; made set-based in SQL.
psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
\o /dev/null
SELECT setseed(0.19);
\o
CREATE TEMP TABLE ability AS SELECT g, (random() + random() + random() - 1.5) * 2 AS a FROM generate_series(1, $pool) g;
INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
SELECT 'member' || g || '@example.org', 'Member ' || g, 'FR', '{fr,en}', 'md', g % 40 FROM generate_series(1, $pool) g;
CREATE TEMP TABLE chosen AS
SELECT bi.item_id, bi.position FROM bank_items bi JOIN banks b ON b.id = bi.bank_id
WHERE b.slug = 'medicine-core' AND b.is_current ORDER BY bi.position LIMIT 50;
INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by, invite_expires_at, score_percent, passed, theta)
SELECT e.id, b.id, b.slug, encode(sha256(convert_to(e.email, 'UTF8')), 'hex'), 'scored', 1, 40, 'bench', now(), 0, true, a.a
FROM experts e JOIN ability a ON e.email = 'member' || a.g || '@example.org'
CROSS JOIN (SELECT id, slug FROM banks WHERE slug = 'medicine-core' AND is_current) b;
INSERT INTO screen_items (screen_id, position, item_id, max_points, points, correct)
SELECT s.id, c.position, c.item_id, 1, p.v, p.v = 1
FROM screens s CROSS JOIN chosen c
CROSS JOIN LATERAL (SELECT CASE WHEN random() < 1 / (1 + exp(-(1.5 * s.theta - (c.position - 25) / 12.0))) THEN 1.0 ELSE 0.0 END AS v) p;
UPDATE screens s SET score_percent = t.pct FROM (SELECT screen_id, 100 * avg(points) AS pct FROM screen_items GROUP BY screen_id) t WHERE t.screen_id = s.id;
INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, expires_at)
SELECT s.expert_id, 'medicine', 'contributor', 1, s.score_percent, ARRAY[s.id], 'bench', now() + interval '1 year' FROM screens s;
ANALYZE;
CREATE TABLE plain_outcomes (expert text, domain text, project text, period_end date, metric text, value double precision, tasks integer);
SQL
# The outcomes file: ROWS expert-periods, quality rising with ability.
psql "$url" -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT e.email AS expert, 'medicine' AS domain, 'bench' AS project, q.period_end, 'gold_accuracy' AS metric, round(least(1, greatest(0, 0.8 + 0.05 * s.theta + (random() - 0.5) * 0.1))::numeric, 3) AS value, 10 + (e.id % 90) AS tasks FROM experts e JOIN screens s ON s.expert_id = e.id CROSS JOIN (VALUES (date '2026-03-31'), (date '2026-06-30'), (date '2026-09-30'), (date '2025-12-31')) q(period_end) ORDER BY e.id, q.period_end LIMIT $rows) TO '$work/outcomes.csv' WITH (FORMAT csv, HEADER true)"
fi
[ "$phase" = setup ] && exit 0
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }'; }
# CPU seconds (user + system) of a command, written to $work/cpu; the wall time is t's.
cpu() { /usr/bin/time -f "%U %S" -o "$work/cpu.raw" "$@"; awk '{ printf "%.2f", $1 + $2 }' "$work/cpu.raw" > "$work/cpu"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load)
psql_s=$(t psql "$url" -q -c "\\copy plain_outcomes FROM '$work/outcomes.csv' WITH (FORMAT csv, HEADER true)")
import_s=$(t cpu "$assay" outcomes import "$work/outcomes.csv")
import_cpu=$(cat "$work/cpu")
ratio=$(awk -v a="$import_s" -v b="$psql_s" 'BEGIN { printf "%.2f", a / b }')
stored=$(psql "$url" -Atc "SELECT count(*) FROM work_outcomes")
# The report on MEMBERS members: keep outcomes of the first MEMBERS experts only.
psql "$url" -q -c "DELETE FROM pool_members WHERE expert_id > (SELECT min(id) + $members - 1 FROM experts)"
psql -q "$url" -c "ANALYZE"
report_s=$(t cpu "$assay" validity report --bank medicine-core --metric gold_accuracy --format json --out "$work/validity.json")
report_cpu=$(cat "$work/cpu")
load_after=$(load)
echo "load average before:       $load_before"
echo "outcome rows:              $rows ($stored stored)"
echo "psql \\copy (plain table):  ${psql_s} s"
echo "assay outcomes import:     ${import_s} s (client CPU ${import_cpu} s)"
echo "ratio:                     ${ratio}x  (target ≤ 4x)"
echo "validity report:           ${report_s} s (client CPU ${report_cpu} s) on $members members × 50 items  (target < 5 s)"
echo "load average after:        $load_after"
# The plans of the statements that read work_outcomes (migration 023 dropped work_outcomes_metric_idx).
if [ -n "${EXPLAIN:-}" ]; then
    psql "$url" -q <<'SQL'
\echo '-- validity report: members outcomes of a metric'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT expert_id, domain, sum(value * tasks) / sum(tasks) AS value, sum(tasks)::bigint AS tasks FROM work_outcomes WHERE metric = 'gold_accuracy' GROUP BY expert_id, domain;
\echo '-- pool review'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT m.expert_id, e.email, m.domain, sum(o.value * o.tasks) / sum(o.tasks) AS value, sum(o.tasks)::bigint AS tasks, array_agg(o.id ORDER BY o.id) AS outcome_ids FROM pool_members m JOIN experts e ON e.id = m.expert_id JOIN work_outcomes o ON o.expert_id = m.expert_id AND o.domain = m.domain AND o.metric = 'gold_accuracy' WHERE m.status = 'active' AND m.expires_at > now() AND o.period_end > current_date - 365 GROUP BY m.expert_id, e.email, m.domain HAVING sum(o.tasks) >= 10 AND sum(o.value * o.tasks) / sum(o.tasks) < 0.75 ORDER BY m.domain, m.expert_id;
\echo '-- renewal floor (1,000 members judged)'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT o.expert_id, sum(o.value * o.tasks) / sum(o.tasks) AS value, sum(o.tasks)::bigint AS tasks, array_agg(o.id ORDER BY o.id) AS ids FROM work_outcomes o WHERE o.expert_id = ANY (ARRAY(SELECT expert_id FROM pool_members ORDER BY expert_id LIMIT 1000)) AND o.domain = 'medicine' AND o.metric = 'gold_accuracy' AND o.period_end > current_date - 365 GROUP BY o.expert_id;
SQL
fi
"$assay" db stop >/dev/null
