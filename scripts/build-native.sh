#!/usr/bin/env bash
# Compiles LayerDeck's native modules (packages/core/native/*.c) into packages/core/native/build/:
#   layerdeck-sys.node   the system calls the engine needs (never following a symlink, byte-exact
#                        names, nanosecond times); needs nothing but libc, so every command works
#                        on a device without libfuse (a storage the kernel mounts)
#   layerdeck-fuse.node  the libfuse3 low-level FUSE binding (links libfuse3.so.3)
# Needs cc, Node's headers and libfuse3-dev (scripts/setup.sh installs them). Rebuilds only when a
# source file is newer than the modules. Usage: scripts/build-native.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=packages/core/native
OUT=${1:-$SRC/build}
NODE_INC=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node
[[ -f $NODE_INC/node_api.h ]] || NODE_INC=/usr/include/node

STAMP=$OUT/layerdeck-fuse.node
if [[ -f $OUT/layerdeck-sys.node && -f $STAMP ]] &&
  [[ -z $(find "$SRC" -maxdepth 1 \( -name '*.c' -o -name '*.h' \) -newer "$STAMP") ]]; then exit 0; fi
command -v cc >/dev/null || { echo "build-native: no C compiler: apt-get install -y gcc" >&2; exit 1; }
[[ -f $NODE_INC/node_api.h ]] || { echo "build-native: Node's headers are missing ($NODE_INC/node_api.h)" >&2; exit 1; }
pkg-config --exists fuse3 2>/dev/null || { echo "build-native: libfuse3 headers are missing: apt-get install -y libfuse3-dev" >&2; exit 1; }
mkdir -p "$OUT"
CFLAGS=(-shared -fPIC -O2 -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration -DNAPI_VERSION=8 -I"$NODE_INC")
cc "${CFLAGS[@]}" -DLD_MODULE=sys "$SRC"/layerdeck.c "$SRC"/names.c "$SRC"/util.c "$SRC"/sys.c -o "$OUT/layerdeck-sys.node.tmp"
# shellcheck disable=SC2046
cc "${CFLAGS[@]}" -DLD_MODULE=fuse $(pkg-config --cflags fuse3) "$SRC"/layerdeck.c "$SRC"/names.c "$SRC"/util.c \
  "$SRC"/fuse.c "$SRC"/fuse_ops.c -o "$OUT/layerdeck-fuse.node.tmp" $(pkg-config --libs fuse3) -lpthread
mv "$OUT/layerdeck-sys.node.tmp" "$OUT/layerdeck-sys.node"
mv "$OUT/layerdeck-fuse.node.tmp" "$OUT/layerdeck-fuse.node"
echo "build-native: built $OUT/layerdeck-sys.node and $OUT/layerdeck-fuse.node"
