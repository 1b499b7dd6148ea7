#!/usr/bin/env bash
# Installs whatever is missing, then runs every check: lint, types, unit, integration.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh busybox-static squashfs-tools e2fsprogs util-linux python3
REPORTS=$(mktemp -d)
trap 'rm -rf "$REPORTS"' EXIT
echo "== lint"; pnpm -s lint
echo "== typecheck"; pnpm -s typecheck
echo "== unit"
pnpm -s vitest run --project unit --reporter=default --reporter=json --outputFile.json="$REPORTS/unit.json"
echo "== integration (real FUSE mounts)"
pnpm -s vitest run --project integration --reporter=default --reporter=json --outputFile.json="$REPORTS/integration.json"
# One closing line for both runs (expected failures of documented gaps count as passed).
node -e '
  let passed = 0, failed = 0
  for (const f of process.argv.slice(1)) {
    const r = JSON.parse(require("fs").readFileSync(f, "utf8"))
    passed += r.numPassedTests; failed += r.numFailedTests
  }
  console.log(`${passed} passed, ${failed} failed`)
' "$REPORTS/unit.json" "$REPORTS/integration.json"
