#!/usr/bin/env bash
# Installs whatever is missing on a Debian machine: system packages, pnpm, node modules.
# Usage: scripts/setup.sh [extra Debian packages...]
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
# fuse3: fusermount3 and libfuse3; libfuse3-dev + gcc + pkg-config: LayerDeck's native module
# (scripts/build-native.sh); attr: getfattr in tests.
PACKAGES=(fuse3 libfuse3-dev gcc pkg-config attr "$@")
# chromium: the dashboard's screenshots and browser checks (playwright-core drives /usr/bin/chromium).
PACKAGES+=(chromium)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # apt may be busy right after boot: wait for its lock instead of failing.
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g --silent "pnpm@$PNPM_VERSION" 2>&1 | grep -v 'Unknown user config' || true
fi

pnpm install --frozen-lockfile --reporter=silent
# LayerDeck's native module: the system calls and the libfuse3 binding (see the script).
bash scripts/build-native.sh
