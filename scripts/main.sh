#!/usr/bin/env bash
# Installs everything (scripts/install.sh) and runs the main job: the hostnet walk-through.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec ./bin/hostnet demo "$@"
