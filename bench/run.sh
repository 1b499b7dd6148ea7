#!/usr/bin/env bash
# LayerDeck side-by-side benchmark (issue 2): the same workloads on the same fixtures through the
# raw directory, kernel overlayfs, fuse-overlayfs, unionfs-fuse, a bare passthrough on LayerDeck's own FUSE binding
# and LayerDeck, interleaved (each repetition runs every workload on each system in turn).
# Prints one table of medians and writes it to bench/results/<date>.md. See bench/README.md.
#
# Usage: bench/run.sh [--reps N] [--quick] [--only SYSTEM,...] [--workloads ID,...] [--rebuild]
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BENCH_DIR=${LAYERDECK_BENCH_DIR:-/var/tmp/layerdeck-bench}

log() { printf 'bench: %s\n' "$*" >&2; }
warn() { printf 'bench: warning: %s\n' "$*" >&2; }
die() {
  printf 'bench: %s\n' "$*" >&2
  exit 1
}

# shellcheck source=lib/fixtures.sh
source "$REPO/bench/lib/fixtures.sh"
# shellcheck source=lib/systems.sh
source "$REPO/bench/lib/systems.sh"
# shellcheck source=lib/workloads.sh
source "$REPO/bench/lib/workloads.sh"
# shellcheck source=lib/report.sh
source "$REPO/bench/lib/report.sh"

usage() {
  cat <<EOF
Usage: bench/run.sh [--reps N] [--quick] [--only SYSTEM,...] [--workloads ID,...] [--rebuild]
  --reps N       repetitions (default 5; 1 with --quick); the table shows medians
  --quick        small fixtures and 1 repetition: a smoke run of a minute or two
  --only LIST    comma-separated systems from: ${ALL_SYSTEMS[*]} (raw always runs: it is the reference)
  --workloads L  comma-separated workloads from: ${WORKLOADS[*]}
  --rebuild      rebuild the fixtures even if a matching set exists
Bench data lives in \$LAYERDECK_BENCH_DIR (default /var/tmp/layerdeck-bench). Needs root.
EOF
}

parse_args() {
  REPS='' QUICK=0 ONLY='' ONLY_WL='' REBUILD=0
  while (($# > 0)); do
    case $1 in
      --reps) REPS=${2:-}; shift ;;
      --reps=*) REPS=${1#--reps=} ;;
      --quick) QUICK=1 ;;
      --only) ONLY=${2:-}; shift ;;
      --only=*) ONLY=${1#--only=} ;;
      --workloads) ONLY_WL=${2:-}; shift ;;
      --workloads=*) ONLY_WL=${1#--workloads=} ;;
      --rebuild) REBUILD=1 ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done
  [[ -z $REPS ]] && REPS=$((QUICK ? 1 : 5))
  [[ $REPS =~ ^[1-9][0-9]*$ ]] || die "--reps needs a positive integer"
  SYSTEMS=(raw)
  local sys
  for sys in "${ALL_SYSTEMS[@]:1}"; do
    if [[ -z $ONLY || ",$ONLY," == *",$sys,"* ]]; then SYSTEMS+=("$sys"); fi
  done
  for sys in ${ONLY//,/ }; do
    [[ " ${ALL_SYSTEMS[*]} " == *" $sys "* ]] || die "unknown system '$sys' (known: ${ALL_SYSTEMS[*]})"
  done
  local wl selected=()
  for wl in ${ONLY_WL//,/ }; do
    [[ " ${WORKLOADS[*]} " == *" $wl "* ]] || die "unknown workload '$wl' (known: ${WORKLOADS[*]})"
  done
  for wl in "${WORKLOADS[@]}"; do
    if [[ -z $ONLY_WL || ",$ONLY_WL," == *",$wl,"* ]]; then selected+=("$wl"); fi
  done
  WORKLOADS=("${selected[@]}")
}

has_system() { [[ " ${SYSTEMS[*]} " == *" $1 "* ]]; }

# Installs the peers when missing (LayerDeck's own native module comes from scripts/setup.sh).
install_peers() {
  local need=()
  if has_system fuse-overlayfs && ! command -v fuse-overlayfs >/dev/null; then need+=(fuse-overlayfs); fi
  if has_system unionfs && ! command -v unionfs >/dev/null; then need+=(unionfs-fuse); fi
  if ! command -v fusermount >/dev/null && ! command -v fusermount3 >/dev/null; then need+=(fuse3); fi
  ((${#need[@]} > 0)) || return 0
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
    { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
      apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } ||
    die "cannot install ${need[*]}"
}

preflight() {
  ((EUID == 0)) || die "run as root: the bench mounts filesystems and drops the page cache"
  [[ -c /dev/fuse ]] || die "/dev/fuse is missing"
  grep -qw overlay /proc/filesystems || modprobe overlay || die "kernel overlayfs is not available"
  if has_system passthrough || has_system layerdeck; then
    [[ -f $REPO/node_modules/tsx/dist/esm/index.mjs ]] || die "node modules missing: run pnpm install"
  fi
}

header() {
  local fs
  fs=$(findmnt -no FSTYPE,SOURCE,OPTIONS -T "$BENCH_DIR" | awk '{ print $1 " on " $2 " (" $3 ")" }')
  echo "# LayerDeck benchmark, $START_DATE"
  echo
  echo "- date: $START_DATE"
  echo "- kernel: $(uname -r) ($(uname -m))"
  echo "- CPU: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- bench dir: $BENCH_DIR, $fs"
  echo "- profile: $PROFILE ($FIXTURE_SPEC), $REPS repetition(s), systems in turn, order rotated each repetition"
  echo "- process start (timeout + bash -c, included in every time): $(process_overhead) ms"
  local sys
  for sys in "${SYSTEMS[@]:1}"; do echo "- $sys: $(system_version "$sys")"; done
}

# Median wall time of an empty timed command, to read the smallest numbers against.
process_overhead() {
  local i s=()
  for ((i = 0; i < 9; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    timeout -k 5 600 bash -c : || true
    t1=$(date +%s%N)
    s+=($(((t1 - t0) / 1000)))
  done
  printf '%s\n' "${s[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[5] / 1000 }'
}

# run_one WORKLOAD SYSTEM REP: one timed run on a fresh mount; appends the sample.
run_one() {
  local wl=$1 sys=$2 rep=$3 root=$BASE us=fail
  if wl_writes "$wl" && [[ $sys == raw || $sys == passthrough ]]; then
    root=$RUN/scratch
    rm -rf --one-file-system "$root"
    wl_scratch "$wl" "$root"
  fi
  if mount_system "$sys" "$root"; then
    if wl_prepare "$wl"; then
      us=$(time_workload "$wl")
    else
      warn "$wl on $sys: preparation failed"
    fi
    unmount_system "$sys" || us=fail
  else
    warn "$wl on $sys: mount failed"
    unmount_system "$sys" || true
  fi
  printf '%s\t%s\t%s\t%s\n' "$wl" "$sys" "$rep" "$us" >>"$SAMPLES"
  if wl_writes "$wl"; then
    rm -rf --one-file-system "$RUN/scratch" "$RUN/storage"
    sync
  fi
  if [[ $us == fail ]]; then log "rep $rep/$REPS  $wl  $sys: FAILED"; else log "rep $rep/$REPS  $wl  $sys: $((us / 1000)) ms"; fi
}

run_all() {
  local rep wl i n=${#SYSTEMS[@]} warmed=0 t0=$SECONDS
  for ((rep = 1; rep <= REPS; rep++)); do
    if ((rep > 1)); then
      log "repetition $((rep - 1)) done after $((SECONDS - t0)) s; about $(((SECONDS - t0) * (REPS - rep + 1) / (rep - 1))) s to go"
    fi
    for wl in "${WORKLOADS[@]}"; do
      if [[ $wl != read-cold && $warmed -ne $rep ]]; then
        warm_base
        warmed=$rep
      fi
      for ((i = 0; i < n; i++)); do
        run_one "$wl" "${SYSTEMS[$(((i + rep - 1) % n))]}" "$rep"
      done
    done
  done
}

main() {
  parse_args "$@"
  preflight
  install_peers
  set_profile "$( ((QUICK)) && echo quick || echo full)"
  BASE=$BENCH_DIR/base-$PROFILE
  ensure_fixtures "$BASE"
  RUN=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
  trap 'set +e; cleanup_all' EXIT
  trap 'exit 130' INT TERM HUP
  SAMPLES=$RUN/samples.tsv
  : >"$SAMPLES"
  START_DATE=$(date '+%Y-%m-%d %H:%M:%S %Z')
  local stamp t0=$SECONDS report=$RUN/report.md labels=$RUN/labels.tsv medians_file=$RUN/medians.tsv wl
  stamp=$(date '+%Y-%m-%dT%H%M%S')
  header >"$report"
  log "systems: ${SYSTEMS[*]}; $REPS repetition(s); data in $RUN"
  run_all
  for wl in "${WORKLOADS[@]}"; do printf '%s\t%s\n' "$wl" "$(wl_label "$wl")"; done >"$labels"
  medians "$SAMPLES" >"$medians_file"
  {
    echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg); run took $((SECONDS - t0)) s"
    echo
    echo "Medians in ms; (x raw) = time / raw time; LD/X = LayerDeck time / X time (lower is better for LayerDeck)."
    echo
    table "$medians_file" "$labels" "${SYSTEMS[@]}"
    echo
    echo "## Targets"
    echo
    targets "$medians_file" "$labels"
    echo
    echo "## Samples (us)"
    echo
    echo '```'
    printf 'workload\tsystem\trep\tus\n'
    cat "$SAMPLES"
    echo '```'
  } >>"$report"
  mkdir -p "$REPO/bench/results"
  cp "$report" "$REPO/bench/results/$stamp.md"
  sed '/^## Samples/,$d' "$report"
  log "written to bench/results/$stamp.md"
}

main "$@"
