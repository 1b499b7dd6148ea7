#!/usr/bin/env bash
# Builds what goes on a device: one JavaScript file for the whole CLI (esbuild) plus the two
# native packages it loads at run time (our patched fuse-native, @napi-rs/xattr), for this
# machine's CPU. Usage: scripts/bundle.sh [OUT_DIR]   (default dist/device/layerdeck)
# On the device: copy OUT_DIR to /opt/layerdeck and link /opt/layerdeck/bin/layerdeck into PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-dist/device/layerdeck}
rm -rf "$OUT" && mkdir -p "$OUT/bin" "$OUT/node_modules"

node_modules/.bin/esbuild apps/agent/src/main.ts --bundle --platform=node --format=esm --target=node20 \
  --conditions=@layerdeck/source --external:fuse-native --external:@napi-rs/xattr --log-level=warning \
  --banner:js="import { createRequire as __layerdeckRequire } from 'node:module'; const require = __layerdeckRequire(import.meta.url);" \
  --outfile="$OUT/layerdeck.mjs"

# The native packages and what they require at run time (no tests, sources or other CPUs' binaries).
PACKAGES=(fuse-native nanoresource inherits node-gyp-build fuse-shared-library fuse-shared-library-linux
  @napi-rs/xattr "@napi-rs/xattr-linux-$(node -p 'process.arch')-gnu")
for pkg in "${PACKAGES[@]}"; do
  src=$(readlink -f "node_modules/.pnpm/node_modules/$pkg" 2>/dev/null || true)
  [[ -d $src ]] || { echo "bundle: $pkg is not installed (run scripts/setup.sh)" >&2; exit 1; }
  mkdir -p "$OUT/node_modules/$(dirname "$pkg")"
  cp -rL "$src" "$OUT/node_modules/$pkg"
  rm -rf "$OUT/node_modules/$pkg/node_modules" "$OUT/node_modules/$pkg/test" "$OUT/node_modules/$pkg/example"*
done
rm -f "$OUT/node_modules/fuse-native/fuse-native.c" "$OUT/node_modules/fuse-native/binding.gyp"
find "$OUT/node_modules/fuse-native/prebuilds" -mindepth 1 -maxdepth 1 ! -name "linux-$(node -p 'process.arch')" -exec rm -rf {} +
[[ -f $OUT/node_modules/fuse-native/build/Release/fuse.node ]] ||
  echo "bundle: warning: no patched fuse-native build; the prebuilt binary is used (run scripts/build-fuse-native.sh)" >&2

cat > "$OUT/bin/layerdeck" <<'SH'
#!/bin/sh
# layerdeck on a device: the bundled CLI beside this script's folder.
exec node "$(dirname "$(readlink -f "$0")")/../layerdeck.mjs" "$@"
SH
chmod 755 "$OUT/bin/layerdeck"
echo "bundle: $OUT ($(du -sh "$OUT" | cut -f1), layerdeck.mjs $(du -h "$OUT/layerdeck.mjs" | cut -f1))"
