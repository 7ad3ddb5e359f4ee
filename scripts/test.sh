#!/usr/bin/env bash
# Installs everything (scripts/install.sh) and runs the whole test suite. Extra arguments select test files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node scripts/run-tests.mjs "$@"
