#!/usr/bin/env bash
# The main job: installs what is missing, builds assay, starts the embedded PostgreSQL cluster
# in ./.assay (or $ASSAY_HOME), and runs the whole pipeline on the sample data (assay demo):
# banks synced, applicants imported, candidates screened, the pool promoted, the funnel printed,
# the roster written to ./roster.csv. The demo resets its own database (assay_demo) each run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build
.build/debug/assay db start
.build/debug/assay demo
.build/debug/assay db status
