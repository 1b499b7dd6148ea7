#!/usr/bin/env bash
# Builds what goes on a device: one JavaScript file for the whole CLI (esbuild), LayerDeck's
# native module (safe system calls + the libfuse3 binding) built for this machine's CPU, and the
# native packages the agent loads at run time. Usage: scripts/bundle.sh [OUT_DIR]
# (default dist/device/layerdeck). On the device: copy OUT_DIR to /opt/layerdeck and link
# /opt/layerdeck/bin/layerdeck into PATH. The device needs Node.js >= 20.19 and libfuse3.so.3.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-dist/device/layerdeck}
rm -rf "$OUT" && mkdir -p "$OUT/bin" "$OUT/node_modules"

# Native packages the bundle keeps outside the JavaScript file (they load a .node binary).
EXTERNAL=(@node-rs/argon2)
externals=()
for pkg in "${EXTERNAL[@]}"; do externals+=("--external:$pkg"); done
node_modules/.bin/esbuild apps/agent/src/main.ts --bundle --platform=node --format=esm --target=node20 \
  --conditions=@layerdeck/source "${externals[@]}" --log-level=warning \
  --banner:js="import { createRequire as __layerdeckRequire } from 'node:module'; const require = __layerdeckRequire(import.meta.url);" \
  --outfile="$OUT/layerdeck.mjs"

bash scripts/build-native.sh
cp packages/core/native/build/layerdeck-sys.node packages/core/native/build/layerdeck-fuse.node "$OUT/"

# An external package and the platform package holding its binary (no tests, sources, other CPUs).
copy_package() {
  local src
  src=$(readlink -f "node_modules/.pnpm/node_modules/$1" 2>/dev/null || true)
  [[ -d $src ]] || return 1
  mkdir -p "$OUT/node_modules/$(dirname "$1")"
  cp -rL "$src" "$OUT/node_modules/$1"
  rm -rf "$OUT/node_modules/$1/node_modules" "$OUT/node_modules/$1/test" "$OUT/node_modules/$1/"*.md
}
arch=$(node -p 'process.arch')
for pkg in "${EXTERNAL[@]}"; do
  if copy_package "$pkg"; then
    copy_package "$pkg-linux-$arch-gnu" || echo "bundle: warning: no $pkg binary for linux-$arch" >&2
  fi
done
rmdir "$OUT/node_modules" 2>/dev/null || true

# The dashboard, when built (apps/dashboard/dist), is served by `layerdeck serve` from here.
if [[ -d apps/dashboard/dist ]]; then cp -r apps/dashboard/dist "$OUT/dashboard"; fi

cat > "$OUT/bin/layerdeck" <<'SH'
#!/bin/sh
# layerdeck on a device: the bundled CLI beside this script's folder.
exec node "$(dirname "$(readlink -f "$0")")/../layerdeck.mjs" "$@"
SH
chmod 755 "$OUT/bin/layerdeck"
echo "bundle: $OUT ($(du -sh "$OUT" | cut -f1), layerdeck.mjs $(du -h "$OUT/layerdeck.mjs" | cut -f1))"
