#!/usr/bin/env bash
# Compiles LayerDeck's native module (packages/core/native/*.c) into
# packages/core/native/build/layerdeck.node: the system calls the engine needs (never following a
# symlink, byte-exact names, nanosecond times) and the libfuse3 low-level FUSE binding.
# Needs cc, Node's headers and libfuse3-dev (scripts/setup.sh installs them). Rebuilds only when a
# source file is newer than the module. Usage: scripts/build-native.sh [OUT_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=packages/core/native
OUT=${1:-$SRC/build/layerdeck.node}
NODE_INC=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node
[[ -f $NODE_INC/node_api.h ]] || NODE_INC=/usr/include/node

if [[ -f $OUT ]] && [[ -z $(find "$SRC" -maxdepth 1 \( -name '*.c' -o -name '*.h' \) -newer "$OUT") ]]; then exit 0; fi
command -v cc >/dev/null || { echo "build-native: no C compiler: apt-get install -y gcc" >&2; exit 1; }
[[ -f $NODE_INC/node_api.h ]] || { echo "build-native: Node's headers are missing ($NODE_INC/node_api.h)" >&2; exit 1; }
pkg-config --exists fuse3 2>/dev/null || { echo "build-native: libfuse3 headers are missing: apt-get install -y libfuse3-dev" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
# shellcheck disable=SC2046
cc -shared -fPIC -O2 -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration \
  -DNAPI_VERSION=8 -DFUSE_USE_VERSION=314 -I"$NODE_INC" $(pkg-config --cflags fuse3) \
  "$SRC"/*.c -o "$OUT.tmp" $(pkg-config --libs fuse3) -lpthread
mv "$OUT.tmp" "$OUT"
echo "build-native: built $OUT"
