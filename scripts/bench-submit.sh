#!/usr/bin/env bash
# Submit benchmark: the time to submit (score and flag) a screen when the database holds SMALL
# scored screens, then LARGE, on the same bank, in one run; and the shared-wrong-answer check
# alone, as it is now (uncommon wrong answers through screen_items_wrong_answer_idx) and as it
# was (every answer to the item), and how many shared_wrong_answers flags each finds.
#
# usage: scripts/bench-submit.sh [SMALL] [LARGE] [SUBMITS]   (defaults 100, 100,000 and 20)
#
# Screens are generated in SQL (scripts/bench/screens.sql): 20 of medicine-core's 81 items each,
# candidates right 45–95% of the time, wrong answers spread 60/25/15% over three distractors.
# At each size SUBMITS new candidates are invited (assay screen invite --experts), their answers
# stored the same way (scripts/bench/answer-screens.sql), and each screen submitted by
# `assay screen take` (every question answered, so it submits at once); the script prints
# the median of those process times, the median execution time of each check query on the same
# screens (EXPLAIN ANALYZE), the flags found, and the ratios large/small.
# ASSAY_BIN=path/to/release/assay uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${1:-100}
large=${2:-100000}
submits=${3:-20}
scripts/install-deps.sh
if [ -n "${ASSAY_BIN:-}" ]; then  # a release binary built elsewhere: no build here
    assay=$(realpath "$ASSAY_BIN")
else
    swift build -c release --product assay >/dev/null
    assay=$PWD/.build/release/assay
fi
work=$PWD/.build-bench
mkdir -p "$work"; chmod 755 "$work"
export ASSAY_HOME="$work/submit-home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
"$assay" db stop >/dev/null 2>&1 || true
rm -rf "$ASSAY_HOME"
"$assay" db start >/dev/null
"$assay" bank sync --actor bench >/dev/null
url=$("$assay" db url)
checks=$(python3 - <<'PY'
import re
s = open('Sources/AssayCore/Scoring/IntegrityFlags.swift').read()
for name, label, types in (('sharedWrongAnswers', 'new_check', 'bigint, text[], int'), ('sharedWrongAnswersByScan', 'old_check', 'bigint, text[]')):
    body = re.search(r'static let ' + name + r' = """\n(.*?)\n        """', s, re.S).group(1)
    print('PREPARE %s(%s) AS %s;' % (label, types, ' '.join(body.split())))
PY
)
uncommon=$(sed -n 's/.*static let uncommonAnswerScreens = \([0-9]*\).*/\1/p' Sources/AssayCore/Scoring/IntegrityFlags.swift)
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

generate() {  # screens FROM..TO
    psql "$url" -q -v bank=medicine-core -v from="$1" -v to="$2" -f scripts/bench/screens.sql
    psql "$url" -q -c "VACUUM ANALYZE screens" -c "VACUUM ANALYZE screen_items"
}

measure() {  # label
    local label=$1 list="$work/submit-experts-$1.txt" codes="$work/submit-codes-$1.csv"
    psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
SELECT 'measure-$label-' || g || '@screens.invalid', 'Measured ' || g, 'FR', '{en}', 'md', 10 FROM generate_series(1, $submits) g;
INSERT INTO applications (expert_id, source, external_id, domains, applied_at)
SELECT id, 'bench', email, '{medicine}', now() FROM experts WHERE email LIKE 'measure-$label-%';
SQL
    psql "$url" -At -c "SELECT email FROM experts WHERE email LIKE 'measure-$label-%' ORDER BY id" > "$list"
    rm -f "$codes"
    "$assay" screen invite --bank medicine-core --experts "$list" --out "$codes" --actor bench >/dev/null
    psql "$url" -q -v bank=medicine-core -v pattern="measure-$label-%" -f scripts/bench/answer-screens.sql
    local times="" code start end
    while IFS=, read -r code _; do
        [ "$code" = "code" ] && continue
        start=$(date +%s.%N)
        ASSAY_INVITE_CODE="$code" "$assay" screen take </dev/null >/dev/null
        end=$(date +%s.%N)
        times="$times $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')"
    done < "$codes"
    local ids new="" old="" id
    ids=$(psql "$url" -At -c "SELECT s.id FROM screens s JOIN experts e ON e.id = s.expert_id WHERE e.email LIKE 'measure-$label-%' ORDER BY s.id")
    for id in $ids; do
        new="$new $( { echo "$checks"; echo "EXPLAIN (ANALYZE, TIMING OFF) EXECUTE new_check($id, '{awaiting_review,scored}', $uncommon);"; } | psql "$url" -At | sed -n 's/^Execution Time: \(.*\) ms$/\1/p')"
        old="$old $( { echo "$checks"; echo "EXPLAIN (ANALYZE, TIMING OFF) EXECUTE old_check($id, '{awaiting_review,scored}');"; } | psql "$url" -At | sed -n 's/^Execution Time: \(.*\) ms$/\1/p')"
    done
    # Pairs each check finds for these screens (now, against every screen submitted).
    local flags=0 old_flags=0
    for id in $ids; do
        flags=$((flags + $( { echo "$checks"; echo "EXECUTE new_check($id, '{awaiting_review,scored}', $uncommon);"; } | psql "$url" -At | grep -c '|' || true)))
        old_flags=$((old_flags + $( { echo "$checks"; echo "EXECUTE old_check($id, '{awaiting_review,scored}');"; } | psql "$url" -At | grep -c '|' || true)))
    done
    flags=$(awk -v a="$flags" -v n="$submits" 'BEGIN { printf "%.2f", a / n }')
    old_flags=$(awk -v a="$old_flags" -v n="$submits" 'BEGIN { printf "%.2f", a / n }')
    eval "submit_$label=$(echo "$times" | median)"
    eval "new_$label=$(echo "$new" | median)"
    eval "old_$label=$(echo "$old" | median)"
    eval "flags_$label=$flags"
    eval "oldflags_$label=$old_flags"
}

screens_now() { psql "$url" -At -c "SELECT count(*) FROM screens WHERE status = 'scored'"; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
generate 1 "$small"
measure small
n_small=$(screens_now)
generate $((small + 1)) "$large"
measure large
n_large=$(screens_now)
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf "%-44s %14s %14s %8s\n" "" "$n_small screens" "$n_large screens" "ratio"
printf "%-44s %12.1f ms %12.1f ms %7sx\n" "submit (assay screen take, median of $submits)" "$(awk -v v="$submit_small" 'BEGIN{print v*1000}')" "$(awk -v v="$submit_large" 'BEGIN{print v*1000}')" "$(ratio "$submit_large" "$submit_small")"
printf "%-44s %12.2f ms %12.2f ms %7sx\n" "shared-wrong-answer check, indexed (median)" "$new_small" "$new_large" "$(ratio "$new_large" "$new_small")"
printf "%-44s %12.2f ms %12.2f ms %7sx\n" "the same check as before, every answer (median)" "$old_small" "$old_large" "$(ratio "$old_large" "$old_small")"
printf "%-44s %15s %15s\n" "screens paired by the check (mean per screen)" "$flags_small" "$flags_large"
printf "%-44s %15s %15s\n" "  by the former check (mean per screen)" "$oldflags_small" "$oldflags_large"
"$assay" db stop >/dev/null
