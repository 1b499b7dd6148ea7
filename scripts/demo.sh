#!/usr/bin/env bash
# Installs whatever is missing, then starts the demo device: the sample factory image
# (examples/rootfs, packed as a read-only squashfs like a real device) merged with a fresh
# storage at /var/tmp/layerdeck-demo/device. Ctrl-C unmounts everything.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bash scripts/setup.sh squashfs-tools

DEMO=${LAYERDECK_DEMO_DIR:-/var/tmp/layerdeck-demo}
ROM=$DEMO/rom
STORAGE=$DEMO/storage
DEVICE=$DEMO/device

is_mounted() { grep -qs " $1 " /proc/self/mounts; }
cleanup() {
  is_mounted "$DEVICE" && fusermount -uz "$DEVICE" 2>/dev/null || true
  is_mounted "$ROM" && umount "$ROM" 2>/dev/null || true
}
trap cleanup EXIT

cleanup
mkdir -p "$ROM" "$DEVICE"
rm -rf "$STORAGE" && mkdir -p "$STORAGE"

# The factory image: squashfs when loop devices work, the plain folder otherwise.
BASE=$ROM
if mksquashfs "$ROOT/examples/rootfs" "$DEMO/factory.sqfs" -noappend -quiet -no-progress \
     -action 'guid(0,0)@true' -pf "$ROOT/examples/rootfs.pseudo" -all-time 1794636000 \
     -mkfs-time 1794636000 -wildcards -e '... .keep' >/dev/null 2>&1 \
   && mount -t squashfs -o loop,ro "$DEMO/factory.sqfs" "$ROM" 2>/dev/null; then
  echo "demo: factory image $DEMO/factory.sqfs mounted read-only at $ROM"
else
  BASE=$ROOT/examples/rootfs
  echo "demo: loop devices unavailable; using $BASE as the read-only base"
fi

cat <<EOF
demo: storage (writable)  $STORAGE
demo: the device's files  $DEVICE
demo: try, in another terminal (in $ROOT):
        echo '10.0.0.5 historian' >> $DEVICE/etc/hosts
        rm $DEVICE/etc/motd
        ls -l $STORAGE/upper/etc                                  # the kernel's overlayfs format
        pnpm layerdeck status --storage $STORAGE                  # what changed
        pnpm layerdeck diff --storage $STORAGE /etc/hosts         # how
        pnpm layerdeck status --storage $STORAGE --watch          # changes as they happen
        pnpm layerdeck reset --storage $STORAGE --yes             # factory reset, live
        pnpm layerdeck reset --storage $STORAGE --undo --yes      # ...and back
demo: Ctrl-C to stop (unmounts everything)
EOF
"$ROOT/bin/layerdeck" mount --base "$BASE" --storage "$STORAGE" "$DEVICE"
