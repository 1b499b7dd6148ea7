#!/usr/bin/env bash
# Compiles fuse-native from its (patched) source into build/Release/fuse.node, which
# node-gyp-build loads before the prebuilt binary. Our patch (patches/fuse-native@2.2.6.patch)
# tells the filesystem which uid/gid/pid made each request, so files that non-root users create
# through the mount are theirs. Without a compiler the prebuilt binary is used (files created by
# non-root users are then owned by root) and this script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
FN=$(readlink -f node_modules/.pnpm/node_modules/fuse-native)
FSL=$(readlink -f node_modules/.pnpm/node_modules/fuse-shared-library-linux)
NM=$(readlink -f node_modules/.pnpm/node_modules/napi-macros)
OUT=$FN/build/Release/fuse.node
NODE_INC=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node
[[ -f $NODE_INC/node_api.h ]] || NODE_INC=/usr/include/node
LIBFUSE=$(ldconfig -p | awk '/libfuse\.so\.2 /{print $NF; exit}')

if [[ -f $OUT && $OUT -nt $FN/fuse-native.c ]]; then exit 0; fi
if ! command -v cc >/dev/null || [[ ! -f $NODE_INC/node_api.h ]] || [[ -z $LIBFUSE ]]; then
  echo "build-fuse-native: no C compiler, Node headers or libfuse.so.2: using the prebuilt binary (files created by non-root users will be owned by root)" >&2
  exit 0
fi
mkdir -p "$(dirname "$OUT")"
cc -shared -fPIC -O2 -Wall -Wno-unused-result -DNAPI_VERSION=3 \
  -I"$NODE_INC" -I"$NM" -I"$FSL/libfuse/include" -D_FILE_OFFSET_BITS=64 \
  "$FN/fuse-native.c" -o "$OUT.tmp" "$LIBFUSE" -lpthread
mv "$OUT.tmp" "$OUT"
echo "build-fuse-native: built $OUT"
