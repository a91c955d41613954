#!/usr/bin/env bash
# Campaign benchmark: `assay screen invite --bank medicine-core --domain medicine --status received
# --out FILE` of N applicants in one transaction, against the former way, one `assay screen
# invite EXPERT` process per applicant, timed on SAMPLE other applicants in the same run and
# scaled to N (BENCH_SAMPLE=N times all of them: about 50 ms each on a quiet machine).
#
# usage: scripts/bench-invite.sh [N] [SAMPLE]   (defaults 5,000 and 200; target: N=5,000 in < 5 s)
# ASSAY_BIN=path/to/release/assay uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
sample=${2:-${BENCH_SAMPLE:-200}}
scripts/install-deps.sh
if [ -n "${ASSAY_BIN:-}" ]; then  # a release binary built elsewhere: no build here
    assay=$(realpath "$ASSAY_BIN")
else
    swift build -c release --product assay >/dev/null
    assay=$PWD/.build/release/assay
fi
work=$PWD/.build-bench
mkdir -p "$work"; chmod 755 "$work"
export ASSAY_HOME="$work/invite-home"
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
"$assay" db stop >/dev/null 2>&1 || true
rm -rf "$ASSAY_HOME"
"$assay" db start >/dev/null
"$assay" bank sync --actor bench >/dev/null
url=$("$assay" db url)
applicants() {  # PREFIX COUNT: experts with one application each, in medicine, received
    psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
SELECT '$1-' || g || '@example.org', 'Applicant ' || g, 'FR', '{fr,en}', 'md', 10 FROM generate_series(1, $2) g;
INSERT INTO applications (expert_id, source, external_id, domains, applied_at)
SELECT id, '$1', email, '{medicine}', now() - interval '1 day' FROM experts WHERE email LIKE '$1-%';
ANALYZE;
SQL
}
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

applicants campaign "$n"
rm -f "$work/invite-codes.csv"
bulk_s=$(t "$assay" screen invite --bank medicine-core --domain medicine --status received --out "$work/invite-codes.csv" --actor bench --format json)
rows=$(($(wc -l < "$work/invite-codes.csv") - 1))
screens=$(psql "$url" -At -c "SELECT count(*) FROM screens")
items=$(psql "$url" -At -c "SELECT count(*) FROM screen_items")

applicants single "$sample"
psql "$url" -At -c "SELECT email FROM experts WHERE email LIKE 'single-%' ORDER BY id" > "$work/invite-single.txt"
start=$(date +%s.%N)
while read -r email; do "$assay" screen invite "$email" --bank medicine-core --actor bench >/dev/null; done < "$work/invite-single.txt"
end=$(date +%s.%N)
single_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
scaled=$(awk -v s="$single_s" -v k="$sample" -v n="$n" 'BEGIN { printf "%.1f", s / k * n }')
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo "campaign, one process, one transaction:   ${bulk_s} s for $rows invitations ($screens screens, $items screen items; codes file mode $(stat -c %a "$work/invite-codes.csv"))"
echo "one process per invitation:                ${single_s} s for $sample, $(awk -v s="$single_s" -v k="$sample" 'BEGIN { printf "%.1f", 1000 * s / k }') ms each → ${scaled} s for $n"
echo "ratio (one process each / campaign):       $(awk -v a="$scaled" -v b="$bulk_s" 'BEGIN { printf "%.0f", a / b }')x   (target: $n in < 5 s)"
"$assay" db stop >/dev/null
