#!/usr/bin/env bash
# Installs whatever is missing, then runs every check: lint, types, unit, integration.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh busybox-static squashfs-tools
echo "== lint"; pnpm -s lint
echo "== typecheck"; pnpm -s typecheck
echo "== unit"; pnpm -s vitest run --project unit
echo "== integration (real FUSE mounts)"; pnpm -s vitest run --project integration
