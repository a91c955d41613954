#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, and runs every test target.
# Tests start their own throwaway PostgreSQL cluster unless ASSAY_TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
