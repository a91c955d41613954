#!/usr/bin/env bash
# The main job: installs what is missing, builds assay, starts the embedded PostgreSQL cluster
# in ./.assay (or $ASSAY_HOME), applies the migrations and shows the database status.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build
.build/debug/assay db start
.build/debug/assay db status
