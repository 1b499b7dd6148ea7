# The systems under test: how to mount each one over the base and how to take it down.
# Sourced by bench/run.sh. Every mount is fresh (empty storage) and lives under $RUN.
#
#   raw             the directory itself, no mount (the reference every ratio is taken against)
#   kernel          kernel overlayfs
#   fuse-overlayfs  fuse-overlayfs (FUSE 3, C)
#   unionfs         unionfs-fuse in copy-on-write mode (FUSE 2, C)
#   passthrough     bench/passthrough/passthrough.ts: LayerDeck's FUSE binding with no overlay logic (the ceiling)
#   layerdeck       bin/layerdeck mount
#   previous        LayerDeck at another commit: $LAYERDECK_PREVIOUS is a checkout of it, set up
#                   with its own scripts/setup.sh (before/after figures of a change, in one run)

ALL_SYSTEMS=(raw kernel fuse-overlayfs unionfs passthrough layerdeck)
[[ -n ${LAYERDECK_PREVIOUS:-} ]] && ALL_SYSTEMS+=(previous)
PIDS=()        # every daemon this run started (signalled only while still our child)
DAEMON_PID=''  # the daemon serving the current mount, if any
MOUNTED=''     # the current mountpoint, if any

# is_our_child PID: true while PID is a live (or unreaped) child of this shell, so a PID the
# system has reused for someone else's process is never signalled.
is_our_child() {
  [[ $(awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null) == "$$" ]]
}

is_mounted() {
  awk -v m="$1" '$5 == m { found = 1 } END { exit !found }' /proc/self/mountinfo
}

# start_daemon LOG CMD...: runs a FUSE server in the foreground, in the background of this shell.
start_daemon() {
  local logfile=$1
  shift
  "$@" >"$logfile" 2>&1 </dev/null &
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
}

# wait_ready LOG PATTERN MNT: until PATTERN is in LOG (or, with PATTERN '', MNT is mounted).
wait_ready() {
  local logfile=$1 pattern=$2 mnt=$3 i
  for ((i = 0; i < 600; i++)); do
    if [[ -n $pattern ]]; then
      grep -q -- "$pattern" "$logfile" && return 0
    elif is_mounted "$mnt"; then
      return 0
    fi
    is_our_child "$DAEMON_PID" || break
    sleep 0.05
  done
  warn "mount did not come up; daemon output:"
  tail -n 20 "$logfile" >&2
  return 1
}

# mount_system SYSTEM ROOT: makes the system's view of the base at $RUN/mnt and sets VIEW.
# ROOT is what raw and passthrough serve (the base, or a scratch copy for writing workloads);
# the overlays always stack a fresh storage on the base.
mount_system() {
  local sys=$1 root=$2 storage=$RUN/storage mnt=$RUN/mnt logfile=$RUN/daemon.log
  DAEMON_PID='' MOUNTED=''
  if [[ $sys == raw ]]; then
    VIEW=$root
    return 0
  fi
  rm -rf --one-file-system "$storage"
  mkdir -p "$storage/upper" "$storage/work" "$mnt"
  : >"$logfile"
  case $sys in
    kernel)
      mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$storage/upper,workdir=$storage/work" "$mnt" ;;
    fuse-overlayfs)
      start_daemon "$logfile" fuse-overlayfs -f -o "lowerdir=$BASE,upperdir=$storage/upper,workdir=$storage/work" "$mnt"
      wait_ready "$logfile" '' "$mnt" ;;
    unionfs)
      start_daemon "$logfile" unionfs -f -o cow,allow_other "$storage/upper=RW:$BASE=RO" "$mnt"
      wait_ready "$logfile" '' "$mnt" ;;
    passthrough)
      start_daemon "$logfile" node --conditions=@layerdeck/source --import "$REPO/node_modules/tsx/dist/esm/index.mjs" \
        "$REPO/bench/passthrough/passthrough.ts" "$root" "$mnt"
      wait_ready "$logfile" 'passthrough: mounted' "$mnt" ;;
    layerdeck)
      start_daemon "$logfile" "$REPO/bin/layerdeck" mount --base "$BASE" --storage "$storage" "$mnt"
      wait_ready "$logfile" 'layerdeck: mounted' "$mnt" ;;
    previous)
      start_daemon "$logfile" "$LAYERDECK_PREVIOUS/bin/layerdeck" mount --base "$BASE" --storage "$storage" "$mnt"
      wait_ready "$logfile" 'layerdeck: mounted' "$mnt" ;;
    *) die "unknown system $sys" ;;
  esac || return 1
  MOUNTED=$mnt
  VIEW=$mnt
}

# wait_exit PID SECONDS: true once PID (a child of this shell) has exited and been reaped.
wait_exit() {
  local pid=$1 i
  for ((i = 0; i < $2 * 20; i++)); do
    if ! is_our_child "$pid"; then
      local status=0
      wait "$pid" 2>/dev/null || status=$?
      # 127: reaped already (by an earlier wait_exit): nothing to report.
      ((status == 0 || status == 127)) || warn "daemon $pid exited with status $status"
      return 0
    fi
    sleep 0.05
  done
  return 1
}

# unmount_system SYSTEM: takes the current mount down; the daemon must exit by itself.
unmount_system() {
  local sys=$1 ok=0
  if [[ -n $MOUNTED ]]; then
    case $sys in
      kernel) umount "$MOUNTED" || ok=1 ;;
      fuse-overlayfs | unionfs) umount "$MOUNTED" || ok=1 ;;
      passthrough | layerdeck | previous) is_our_child "$DAEMON_PID" && kill -TERM "$DAEMON_PID" || ok=1 ;;
    esac
  fi
  if [[ -n $DAEMON_PID ]] && ! wait_exit "$DAEMON_PID" 20; then
    warn "$sys: daemon $DAEMON_PID did not exit; killing it"
    is_our_child "$DAEMON_PID" && kill -KILL "$DAEMON_PID"
    wait_exit "$DAEMON_PID" 5 || true
    ok=1
  fi
  if [[ -n $MOUNTED ]] && is_mounted "$MOUNTED"; then
    warn "$sys: $MOUNTED still mounted; detaching it"
    fusermount -uz "$MOUNTED" 2>/dev/null || umount -l "$MOUNTED" || true
    ok=1
  fi
  DAEMON_PID='' MOUNTED=''
  return $ok
}

# cleanup_all: at exit. Stops the daemons this run started (by PID), then detaches anything
# still mounted under $RUN, then removes $RUN (never across a mount).
cleanup_all() {
  local pid mnt
  for pid in "${PIDS[@]}"; do is_our_child "$pid" && kill -TERM "$pid"; done
  for pid in "${PIDS[@]}"; do
    wait_exit "$pid" 10 || { is_our_child "$pid" && kill -KILL "$pid"; wait_exit "$pid" 5; } || true
  done
  [[ -n ${RUN:-} && -d $RUN ]] || return 0
  while read -r mnt; do
    fusermount -uz "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || warn "cannot unmount $mnt"
  done < <(awk -v r="$RUN/" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  if awk -v r="$RUN/" 'index($5, r) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    warn "something is still mounted under $RUN; leaving it in place"
  else
    rm -rf --one-file-system "$RUN"
  fi
}

system_version() {
  case $1 in
    raw) echo "-" ;;
    kernel) echo "overlayfs, Linux $(uname -r)" ;;
    fuse-overlayfs) fuse-overlayfs --version 2>&1 | awk '/fuse-overlayfs: version/ { print $3 }' ;;
    unionfs) dpkg-query -W -f='${Version}' unionfs-fuse 2>/dev/null || echo '?' ;;
    passthrough) echo "LayerDeck's libfuse3 binding (libfuse $(pkg-config --modversion fuse3 2>/dev/null || echo '?')), Node $(node --version)" ;;
    layerdeck) echo "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet HEAD -- packages apps 2>/dev/null || echo '+dirty'), Node $(node --version)" ;;
    previous) echo "$(git -C "$LAYERDECK_PREVIOUS" rev-parse --short HEAD 2>/dev/null) at $LAYERDECK_PREVIOUS, Node $(node --version)" ;;
  esac
}
