#!/usr/bin/env bash
# Load benchmark of `assay serve` (issue 14, item 7): N concurrent candidate sessions over real
# SSH (scripts/bench/door_load.py, asyncssh in the scratch virtualenv .build-bench-venv, never a
# dependency of the product), for each N: session setup time, code check round trip p50/p99,
# then every session answering its whole screen (20 questions) at a think time (THINK, 2 s) with
# the answer round trip p50/p99 (Enter to "Saved."), failures, the server's RSS with all N
# connected and at the end, its CPU seconds, the generator's own CPU. Then, in the same run,
# pgbench on the database side of an answer at the door's pool size (8) and at 32 clients: the
# bare write (the floor), migration 013's one-statement answer (what the door and screen take
# send now) and CandidateSession's five-statement transaction (what they sent before), each
# with latency p50/p99 and transactions per second; last, for each N, item 7's ratio: the answer
# p99 (every answer) over the same write's pgbench p99, and over the bare UPDATE's. Not a timed test.
#
# Each N gets screens of its own (begun a minute ago, nothing answered); pgbench gets 1,000 more
# that no session touched.
#
# usage: scripts/bench-door.sh [N ...]   (default: 50 200 1000)
#        ASSAY_BIN=path/to/assay to use another build (default: a release build made here)
#        THINK=seconds per answer (2), CONNECTIONS=the server's pool (8), ANSWERS per session (20)
#        PGBENCH_SECONDS per pgbench run (15); OVERLAP=1: sessions answer while others' checks still run
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 200 1000)
think=${THINK:-2}
connections=${CONNECTIONS:-8}
answers=${ANSWERS:-20}
sessions_total=0
for n in "${sizes[@]}"; do sessions_total=$((sessions_total + n)); done
pgbench_screens=1000
screens_total=$((sessions_total + pgbench_screens))
scripts/install-deps.sh
if [ -z "${ASSAY_BIN:-}" ]; then
    swift build -c release --product assay >/dev/null
    assay=$root/.build/release/assay
else
    assay=$ASSAY_BIN
fi
work=$root/.build-bench
mkdir -p "$work"; chmod 755 "$work"
export ASSAY_HOME="$work/door-home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
"$assay" db stop >/dev/null 2>&1 || true
rm -rf "$ASSAY_HOME"
"$assay" db start >/dev/null
"$assay" bank sync --actor bench >/dev/null

# One candidate invited through assay; more screens cloned from theirs in SQL (this database is
# the benchmark's own), each with its code, expert and items, begun a minute ago: one per session
# of every N, then 1,000 for pgbench.
"$assay" intake add --email door@example.org --name "Door Candidate" --country FR --languages fr,en \
    --domains physics --degree phd --years 5 >/dev/null
"$assay" screen invite door@example.org --bank physics-core >/dev/null
url=$("$assay" db url)
psql "$url" -q -v ON_ERROR_STOP=1 -v total="$screens_total" <<'SQL'
CREATE TABLE bench_door_codes (n int PRIMARY KEY, code text NOT NULL, screen_id bigint);
INSERT INTO bench_door_codes (n, code)
SELECT g, upper(substr(md5(random()::text) || md5(random()::text), 1, 32)) FROM generate_series(1, :total) g;
INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
SELECT 'bench' || n || '@example.org', 'Bench ' || n, 'FR', '{fr}', 'phd', 5 FROM bench_door_codes;
WITH template AS (SELECT * FROM screens ORDER BY id LIMIT 1),
cloned AS (
    INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by,
                         invite_expires_at, started_at, deadline)
    SELECT e.id, t.bank_id, t.bank_slug, encode(sha256(convert_to(c.code, 'UTF8')), 'hex'), 'in_progress', t.seed,
           t.time_limit_minutes, 'bench', now() + interval '7 days', now() - interval '1 minute', now() + interval '1 day'
    FROM bench_door_codes c JOIN experts e ON e.email = 'bench' || c.n || '@example.org', template t
    RETURNING id, invite_hash)
UPDATE bench_door_codes c SET screen_id = cloned.id FROM cloned
 WHERE cloned.invite_hash = encode(sha256(convert_to(c.code, 'UTF8')), 'hex');
INSERT INTO screen_items (screen_id, position, item_id, choice_order, max_points)
SELECT c.screen_id, si.position, si.item_id, si.choice_order, si.max_points
FROM bench_door_codes c, screen_items si WHERE si.screen_id = (SELECT min(id) FROM screens);
ANALYZE;
SQL
codes="$work/door-codes.txt"
psql "$url" -Atc "SELECT code FROM bench_door_codes ORDER BY n" >"$codes"

venv=$root/.build-bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import asyncssh" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet asyncssh
fi
ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "assay: $assay; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); think $think s, pool $connections"
offset=0
for n in "${sizes[@]}"; do
    sed -n "$((offset + 1)),$((offset + n))p" "$codes" >"$work/door-codes-$n.txt"
    offset=$((offset + n))
    "$assay" serve --listen 127.0.0.1:0 --host-key "$work/door-host-key" --max-sessions 5000 \
        --max-sessions-per-address 5000 --connections "$connections" >"$work/serve.out" 2>"$work/serve.log" &
    server=$!
    port=""
    for _ in $(seq 1 300); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "assay serve did not start: $(cat "$work/serve.log")" >&2; kill "$server"; exit 1; }
    "$venv/bin/python" scripts/bench/door_load.py --port "$port" --codes "$work/door-codes-$n.txt" --sessions "$n" \
        --server-pid "$server" --ramp "$(python3 -c "print(max(5, $n / 50))")" --think "$think" --answers "$answers" ${OVERLAP:+--overlap} \
        | tee "$work/door-figures-$n.json"
    kill -TERM "$server"
    wait "$server" || true
done

# The database side of an answer, with pgbench, on the 1,000 screens no session touched.
echo "pgbench: load $(cut -d' ' -f1-3 /proc/loadavg)"
for clients in 8 32; do
    for script in floor door session; do
        rm -f "$work"/pgbench_log.*
        (cd "$work" && pgbench -n -c "$clients" -j 2 -T "${PGBENCH_SECONDS:-15}" -D first=$((sessions_total + 1)) -D last="$screens_total" -l -f "$root/scripts/bench/door/$script.sql" "$url" >"$work/pgbench.out" 2>&1) \
            || { cat "$work/pgbench.out" >&2; exit 1; }
        cat "$work"/pgbench_log.* | python3 scripts/bench/door_pgbench.py "$work/pgbench.out" "$script" "$clients" | tee "$work/pgbench-$script-$clients.txt"
    done
done
rm -f "$work"/pgbench_log.*
# Item 7's figure: the answer round trip's p99 (every answer of every session, the last ones
# included) against the p99 of the same write under pgbench at the door's pool size (the
# one-statement answer, screen_door_answer), and against the bare UPDATE of the row.
p99() { sed -n 's/.* p99 *\([0-9.]*\) ms.*/\1/p' "$work/pgbench-$1-$connections.txt" 2>/dev/null; }
door_p99=$(p99 door); floor_p99=$(p99 floor)
for n in "${sizes[@]}"; do
    python3 - "$work/door-figures-$n.json" "$door_p99" "$floor_p99" "$connections" <<'PY'
import json, sys
figures = json.load(open(sys.argv[1]))
door, floor, clients = float(sys.argv[2] or "nan"), float(sys.argv[3] or "nan"), sys.argv[4]
every, answers, echo = figures["all_answers_ms_p99"], figures["answer_ms_p99"], figures["echo_ms_p99"]
print(f"N={figures['sessions']}: answer p99 {every} ms (all answers; answers 1-19 alone {answers} ms; the typed line's echo, no database, {echo} ms)")
print(f"  = {every / door:.1f}x the same write's pgbench p99 ({door} ms, screen_door_answer, {clients} clients; target <= 5x)")
print(f"  = {every / floor:.1f}x the bare UPDATE's pgbench p99 ({floor} ms)")
PY
done
echo "end: load $(cut -d' ' -f1-3 /proc/loadavg)"
"$assay" db stop >/dev/null
