#!/usr/bin/env bash
# The agent's benchmark: bash bench/agent/run.sh (root: it mounts). See bench/agent/README.md.
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
[[ $(id -u) -eq 0 ]] || { echo "bench/agent: run as root (it mounts the demo device)" >&2; exit 1; }
exec node --conditions=@layerdeck/source --import "$REPO/node_modules/tsx/dist/esm/index.mjs" "$REPO/bench/agent/bench.ts"
