#!/usr/bin/env bash
# `layerdeck status` on a 100,000-file base with 50 changes (issue 3): the answer must come in
# under 100 ms, whatever the size of the base, because change inspection walks the storage only.
#
# Builds the fixture (1,000 directories x 100 files; 50 changes of every kind made directly in
# storage/upper), bundles the CLI with esbuild the way it ships to a device (one .mjs, natives
# external), then prints the median wall time of N runs of:
#   - node -e 0                               (Node's own start-up, for reference)
#   - listChanges() in process                (the library: what the agent and the daemon pay)
#   - node layerdeck.mjs status --json         (the bundled CLI, start-up included)
#   - bin/layerdeck status --json              (the dev CLI through tsx, 3 runs, for reference)
# Usage: bench/status-bench.sh [RUNS]   (default 21; fixture in $LAYERDECK_BENCH_DIR or /var/tmp)
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
RUNS=${1:-21}
DIR=${LAYERDECK_BENCH_DIR:-/var/tmp/layerdeck-status-bench}
BASE=$DIR/base
STORAGE=$DIR/storage
BUNDLE=$REPO/packages/core/dist/bench/layerdeck.mjs

build_fixture() {
  rm -rf "$DIR"
  mkdir -p "$BASE" "$STORAGE/upper" "$STORAGE/work"
  for d in $(seq 0 999); do
    mkdir "$BASE/d$d"
    (cd "$BASE/d$d" && for f in $(seq 0 99); do printf 'line %s\n' "$f" > "f$f"; done)
  done
  local u=$STORAGE/upper
  for d in $(seq 0 9); do
    mkdir -p "$u/d$d"
    printf 'changed\n' > "$u/d$d/f1"                              # modified
    cp -p "$BASE/d$d/f2" "$u/d$d/f2" && chmod 600 "$u/d$d/f2"     # metadata-only
    cp -p "$BASE/d$d/f3" "$u/d$d/f3"                              # copy-up, nothing changed
    mknod "$u/d$d/f4" c 0 0                                       # deleted (whiteout)
    printf 'new\n' > "$u/d$d/new"                                 # added
  done
  touch "$DIR/.complete"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Wall time of one command in ms (output discarded).
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

[ -f "$DIR/.complete" ] || { echo "status-bench: building the fixture in $DIR" >&2; build_fixture; }
echo "status-bench: base $(find "$BASE" -type f | wc -l) files, storage $(find "$STORAGE/upper" -mindepth 2 | wc -l) changed entries" >&2

mkdir -p "$(dirname "$BUNDLE")"
"$REPO/node_modules/.bin/esbuild" "$REPO/apps/agent/src/main.ts" --bundle --platform=node --format=esm --target=node20 \
  --conditions=@layerdeck/source --external:fuse-native --external:@napi-rs/xattr --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" --outfile="$BUNDLE"

count=$(node "$BUNDLE" status --storage "$STORAGE" --base "$BASE" --json | grep -c '"path"')
[ "$count" = 50 ] || { echo "status-bench: expected 50 changes, got $count" >&2; exit 1; }

node_ms=$(for _ in $(seq "$RUNS"); do time_ms node -e 0; done | median)
lib_ms=$(cd "$REPO" && node --conditions=@layerdeck/source --import "$REPO/node_modules/tsx/dist/esm/index.mjs" --input-type=module -e "
  import { createNodeSys, listChanges, storagePaths } from '$REPO/packages/core/src/index.ts'
  const sys = createNodeSys(), q = { sys, paths: storagePaths('$STORAGE'), base: '$BASE' }
  const times = []
  for (let i = 0; i < $RUNS; i++) { const t = process.hrtime.bigint(); listChanges(q); times.push(Number(process.hrtime.bigint() - t) / 1e6) }
  times.sort((a, b) => a - b); console.log(times[Math.floor(times.length / 2)].toFixed(2))")
cli_ms=$(for _ in $(seq "$RUNS"); do time_ms node "$BUNDLE" status --storage "$STORAGE" --base "$BASE" --json; done | median)
dev_ms=$(for _ in 1 2 3; do time_ms "$REPO/bin/layerdeck" status --storage "$STORAGE" --base "$BASE" --json; done | median)

printf '%-46s %8s\n' "status on 100,000-file base, 50 changes" "median"
printf '%-46s %6s ms\n' "node -e 0 (start-up only)" "$node_ms"
printf '%-46s %6s ms\n' "listChanges() in process (library)" "$lib_ms"
printf '%-46s %6s ms\n' "node layerdeck.mjs status --json (bundled CLI)" "$cli_ms"
printf '%-46s %6s ms\n' "bin/layerdeck status --json (dev, tsx)" "$dev_ms"
