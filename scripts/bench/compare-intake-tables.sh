#!/usr/bin/env bash
# Checks that two assay binaries import a file into the same tables and the same rejects file.
#
# usage: scripts/bench/compare-intake-tables.sh BASELINE_ASSAY CANDIDATE_ASSAY FILE.csv
#        COMPARE_OVERLAP=1 scripts/bench/compare-intake-tables.sh …   the merge path instead
#
# For each binary: a fresh embedded cluster (its own ASSAY_HOME under .build-bench/compare),
# banks synced, `assay intake import FILE --rejects …`, then experts and applications dumped
# with every column except applications.id (which follows the order rows reach the server).
# Times the import wrote are shown as the instant they equal (the event's time, the
# applications' receipt time), so that two runs compare. Prints the import's summary, the
# dumps' checksums and whether the dumps and rejects files are byte-identical (exit 1 if not).
# With COMPARE_OVERLAP=1 the file's first row is imported alone first, so that the whole file
# overlaps the database and goes through the merge; the times the imports wrote are then left
# out (two transactions' times no longer compare) and only the summaries' first lines compared.
set -euo pipefail
cd "$(dirname "$0")/../.."
base=$(realpath "$1"); candidate=$(realpath "$2"); file=$(realpath "$3")
work="$PWD/.build-bench/compare"
rm -rf "$work"; mkdir -p "$work"; chmod 755 "$work" "$PWD/.build-bench"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
experts="SELECT id, email, full_name, country, languages, highest_degree, years_experience,
    CASE WHEN created_at = (SELECT created_at FROM events WHERE action = 'intake.import') THEN 'event' ELSE created_at::text END,
    CASE WHEN updated_at = (SELECT created_at FROM events WHERE action = 'intake.import') THEN 'event' ELSE updated_at::text END
  FROM experts ORDER BY id"
applications="SELECT expert_id, source, external_id, domains, resume_text, status, applied_at,
    CASE WHEN received_at = (SELECT min(received_at) FROM applications) THEN 'received' ELSE received_at::text END,
    CASE WHEN updated_at = (SELECT min(received_at) FROM applications) THEN 'received' ELSE updated_at::text END,
    event_id
  FROM applications ORDER BY source, external_id"
if [ -n "${COMPARE_OVERLAP:-}" ]; then
    head -2 "$file" > "$work/first-row.csv"
    experts="SELECT id, email, full_name, country, languages, highest_degree, years_experience FROM experts ORDER BY id"
    applications="SELECT expert_id, source, external_id, domains, resume_text, status, applied_at, event_id FROM applications ORDER BY source, external_id"
fi
for side in base candidate; do
    assay=$([ "$side" = base ] && echo "$base" || echo "$candidate")
    export ASSAY_HOME="$work/$side-home"
    "$assay" db start >/dev/null
    "$assay" bank sync --actor bench >/dev/null
    [ -z "${COMPARE_OVERLAP:-}" ] || "$assay" intake import "$work/first-row.csv" --quiet --actor bench >/dev/null
    "$assay" intake import "$file" --quiet --rejects "$work/$side-rejects.csv" --actor bench > "$work/$side-output.txt"
    head -1 "$work/$side-output.txt" > "$work/$side-summary.txt"
    url=$("$assay" db url)
    psql "$url" -q -c "\\copy ($experts) TO '$work/$side-experts.txt'"
    psql "$url" -q -c "\\copy ($applications) TO '$work/$side-applications.txt'"
    "$assay" db stop >/dev/null
    echo "$side: $(cat "$work/$side-output.txt")"
done
status=0
for part in experts.txt applications.txt rejects.csv summary.txt; do
    if cmp -s "$work/base-$part" "$work/candidate-$part"; then
        echo "$part: identical ($(wc -l < "$work/base-$part") lines, sha256 $(sha256sum "$work/base-$part" | cut -c1-16))"
    else
        echo "$part: DIFFERENT"; status=1
    fi
done
exit $status
