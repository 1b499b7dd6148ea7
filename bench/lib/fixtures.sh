# Fixture sizes and the one-time build of the read-only base. Sourced by bench/run.sh.
#
# The base holds:
#   big.bin      BIG_MB MiB of random data (sequential reads)
#   copyup.bin   COPYUP_MB MiB of random data (first-write copy-up)
#   tree/gGG/dDD/fFF.txt  TREE_GROUPS x DIRS_PER_GROUP leaf directories of FILES_PER_DIR small files
#   etc/conf-NNN.conf     ETC_FILES config files of 40 "option_NN = value" lines
# It is built once per profile and reused while its stamp matches (--rebuild forces a new one).

FIXTURE_VERSION=1

# set_profile full|quick: fixture sizes and workload sizes.
set_profile() {
  case $1 in
    full)
      BIG_MB=256 COPYUP_MB=64 TREE_GROUPS=40 DIRS_PER_GROUP=25 FILES_PER_DIR=20 ETC_FILES=200
      CREATE_DIRS=50 DELETE_GROUPS=10 SED_FILES_N=50
      ;;
    quick)
      BIG_MB=32 COPYUP_MB=16 TREE_GROUPS=10 DIRS_PER_GROUP=10 FILES_PER_DIR=20 ETC_FILES=200
      CREATE_DIRS=10 DELETE_GROUPS=5 SED_FILES_N=50
      ;;
    *) die "unknown profile $1" ;;
  esac
  PROFILE=$1
  TREE_FILES=$((TREE_GROUPS * DIRS_PER_GROUP * FILES_PER_DIR))
  TREE_DIRS=$((TREE_GROUPS * DIRS_PER_GROUP + TREE_GROUPS))
  CREATE_N=$((CREATE_DIRS * 100))
  DELETE_N=$((DELETE_GROUPS * DIRS_PER_GROUP * FILES_PER_DIR))
  DELETE_DIRS=$(for ((g = 0; g < DELETE_GROUPS; g++)); do printf 'tree/g%02d ' "$g"; done)
  SED_FILES=$(for ((i = 0; i < SED_FILES_N; i++)); do printf 'conf-%03d.conf ' "$i"; done)
  FIXTURE_SPEC="v$FIXTURE_VERSION big=$BIG_MB copyup=$COPYUP_MB tree=${TREE_GROUPS}x${DIRS_PER_GROUP}x$FILES_PER_DIR etc=$ETC_FILES"
  export BIG_MB CREATE_DIRS DELETE_DIRS SED_FILES
}

# ensure_fixtures DIR: builds the base at DIR unless a matching one is there. Serialised with
# flock, so two bench runs never build the same base at once.
ensure_fixtures() {
  local dir=$1
  mkdir -p "$(dirname "$dir")"
  exec {lock_fd}>"$dir.lock"
  flock "$lock_fd"
  if [[ -f $dir/.fixture && $(<"$dir/.fixture") == "$FIXTURE_SPEC" && $REBUILD -eq 0 ]]; then
    log "fixtures: reusing $dir ($FIXTURE_SPEC)"
  else
    build_fixtures "$dir"
  fi
  exec {lock_fd}>&-
}

build_fixtures() {
  local dir=$1 tmp="$1.building"
  local t0=$SECONDS
  log "fixtures: building $dir ($FIXTURE_SPEC)"
  rm -rf --one-file-system "$tmp" "$dir"
  mkdir -p "$tmp/tree" "$tmp/etc"
  head -c "${BIG_MB}M" /dev/urandom >"$tmp/big.bin"
  head -c "${COPYUP_MB}M" /dev/urandom >"$tmp/copyup.bin"
  build_tree "$tmp/tree"
  build_etc "$tmp/etc"
  sync
  echo "$FIXTURE_SPEC" >"$tmp/.fixture"
  mv "$tmp" "$dir"
  log "fixtures: built in $((SECONDS - t0)) s"
}

# Small files of 128..4095 bytes, sizes spread deterministically.
build_tree() {
  local root=$1 blob g d f n dir
  blob=$(head -c 3072 /dev/urandom | base64 -w0)
  for ((g = 0; g < TREE_GROUPS; g++)); do
    for ((d = 0; d < DIRS_PER_GROUP; d++)); do
      dir=$(printf '%s/g%02d/d%02d' "$root" "$g" "$d")
      mkdir -p "$dir"
      for ((f = 0; f < FILES_PER_DIR; f++)); do
        n=$(((g * 7919 + d * 104729 + f * 1299709) % 3968 + 127))
        printf '%s\n' "${blob:0:n}" >"$dir/f$f.txt"
      done
    done
  done
}

build_etc() {
  local root=$1 i k
  for ((i = 0; i < ETC_FILES; i++)); do
    for ((k = 0; k < 40; k++)); do
      printf 'option_%02d = value_%d_%d\n' "$k" "$i" "$k"
    done >"$(printf '%s/conf-%03d.conf' "$root" "$i")"
  done
}

# Reads the base through the page cache (after the cold-read phase dropped it), so every
# later workload starts with the same warm lower filesystem.
warm_base() {
  find "$BASE" -type f -exec cat {} + >/dev/null
}
