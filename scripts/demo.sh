#!/usr/bin/env bash
# `npm run demo`: installs whatever is missing, builds the dashboard, then starts the demo device in
# the foreground: the sample factory image (examples/rootfs, packed as a read-only squashfs like a
# real device) merged with a fresh storage, a technician's changes applied through the mount, and
# the agent with its dashboard on port 8080 on all interfaces. Prints the URL and a generated
# admin login. Ctrl-C stops the agent and unmounts everything. The start logic is
# apps/agent/src/demo/ (the e2e tests start the demo with the same code).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bash scripts/setup.sh squashfs-tools

# The dashboard build the agent serves (apps/dashboard/dist, pre-compressed), when the app has one.
if [[ -f apps/dashboard/package.json ]] && node -e 'process.exit(require("./apps/dashboard/package.json").scripts?.build ? 0 : 1)'; then
  echo "demo: building the dashboard"
  pnpm -s --filter @layerdeck/dashboard build >/dev/null
fi

exec node --conditions=@layerdeck/source --import "$ROOT/node_modules/tsx/dist/esm/index.mjs" "$ROOT/apps/agent/src/demo/main.ts"
