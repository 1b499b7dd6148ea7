# The workloads. Sourced by bench/run.sh. Each one has:
#   wl_label ID          the row title
#   wl_writes ID         true when it changes the tree (then raw and passthrough get a scratch copy)
#   wl_scratch ID DIR    fills DIR with what the workload changes (raw and passthrough only)
#   wl_prepare ID        untimed step right before the timed command ($VIEW is mounted)
#   wl_command ID        the timed command, run by `bash -c` in a child process with V=$VIEW
# The timed command runs against a fresh mount with an empty storage; the lower filesystem
# (the base on ext4) is warm in the page cache except for "seq read cold".

WORKLOADS=(read-cold read-warm write-fsync copy-up find stat-all read-all create delete sed-i)

wl_label() {
  case $1 in
    read-cold) echo "seq read ${BIG_MB} MiB, cold" ;;
    read-warm) echo "seq read ${BIG_MB} MiB, warm" ;;
    write-fsync) echo "seq write ${BIG_MB} MiB + fsync" ;;
    copy-up) echo "copy-up: append 1 B to ${COPYUP_MB} MiB base file" ;;
    find) echo "find, $TREE_FILES files / $TREE_DIRS dirs" ;;
    stat-all) echo "stat every entry (find -printf)" ;;
    read-all) echo "read every small file (cat)" ;;
    create) echo "create $CREATE_N files (in $CREATE_DIRS new dirs)" ;;
    delete) echo "delete $DELETE_N base files" ;;
    sed-i) echo "sed -i on $SED_FILES_N config files" ;;
  esac
}

wl_writes() {
  case $1 in
    write-fsync | copy-up | create | delete | sed-i) return 0 ;;
    *) return 1 ;;
  esac
}

wl_scratch() {
  local dir=$2 g
  mkdir -p "$dir"
  case $1 in
    copy-up) cp -a "$BASE/copyup.bin" "$dir/" ;;
    delete)
      mkdir -p "$dir/tree"
      for g in $DELETE_DIRS; do cp -a "$BASE/$g" "$dir/tree/"; done ;;
    sed-i) cp -a "$BASE/etc" "$dir/" ;;
  esac
}

drop_caches() {
  sync
  echo 3 >/proc/sys/vm/drop_caches
}

wl_prepare() {
  case $1 in
    read-cold) drop_caches ;;
    read-warm) dd if="$VIEW/big.bin" of=/dev/null bs=1M status=none ;;
    # The base file is in the page cache: copy-up measures copying, not the disk.
    copy-up) cat "$BASE/copyup.bin" >/dev/null ;;
  esac
}

wl_command() {
  case $1 in
    read-cold | read-warm) echo 'dd if="$V/big.bin" of=/dev/null bs=1M status=none' ;;
    write-fsync) echo 'dd if=/dev/zero of="$V/new.bin" bs=1M count="$BIG_MB" conv=fsync status=none' ;;
    copy-up) echo 'printf x >>"$V/copyup.bin"' ;;
    find) echo 'find "$V/tree" >/dev/null' ;;
    stat-all) echo 'find "$V/tree" -printf "%i %s %m %U %G %T@\n" >/dev/null' ;;
    read-all) echo 'find "$V/tree" -type f -exec cat {} + >/dev/null' ;;
    create) echo 'for ((d = 0; d < CREATE_DIRS; d++)); do mkdir -p "$V/new/d$d"; for ((f = 0; f < 100; f++)); do printf "%s\n" "$f" >"$V/new/d$d/f$f"; done; done' ;;
    delete) echo 'cd "$V" && find $DELETE_DIRS -type f -delete' ;;
    sed-i) echo 'cd "$V/etc" && sed -i "s/^option_07 = .*/option_07 = changed/" $SED_FILES' ;;
  esac
}

# time_workload ID: prints the wall time of the timed command in microseconds, or "fail".
time_workload() {
  local cmd t0 t1 status=0
  cmd=$(wl_command "$1")
  t0=$(date +%s%N)
  V=$VIEW timeout -k 5 600 bash -c "$cmd" >/dev/null 2>"$RUN/workload.err" || status=$?
  t1=$(date +%s%N)
  if ((status != 0)); then
    warn "$1 failed (exit $status): $(head -c 300 "$RUN/workload.err")"
    echo fail
  else
    echo $(((t1 - t0) / 1000))
  fi
}
