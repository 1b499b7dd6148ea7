#!/usr/bin/env bash
# Regenerates the derived parts of examples/rootfs (the sample PGW-200 device): the programs and
# the library built from this folder (musl, dynamically linked, so they run in the image), musl
# itself, the third-party program stand-ins, the busybox applet links, zoneinfo, the CA
# certificates, terminfo and the wireless regulatory database, all from Debian packages of this
# machine. Everything else in the rootfs is hand-written text. Run as root from anywhere; the
# output is committed, so the demo never needs this script.
set -euo pipefail
SRC=$(cd "$(dirname "$0")" && pwd)
R=$SRC/../rootfs
need=(musl-tools tzdata ca-certificates wireless-regdb ncurses-base)
missing=$(for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
[ -z "$missing" ] || apt-get install -y -qq $missing >/dev/null

# The vendor's programs and library.
CC="musl-gcc -Os -s -Wall -Wextra -Werror -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wl,-z,noseparate-code,--hash-style=gnu"
BUILD=$(mktemp -d)
trap 'rm -rf "$BUILD"' EXIT
mkdir -p "$R/usr/lib" "$R/usr/bin" "$R/usr/sbin" "$R/opt/plant-monitor/bin" "$R/lib"
$CC -shared -fPIC -nostdlib -Wl,-soname,libplantio.so.1 -o "$R/usr/lib/libplantio.so.1.2.0" "$SRC/libplantio.c"
ln -sfn libplantio.so.1.2.0 "$R/usr/lib/libplantio.so.1"
ln -sfn "$R/usr/lib/libplantio.so.1.2.0" "$BUILD/libplantio.so"
$CC -o "$R/opt/plant-monitor/bin/monitor" "$SRC/monitor.c" -L"$BUILD" -lplantio
$CC -o "$R/usr/bin/pgw-info" "$SRC/pgw-info.c"
$CC -o "$R/usr/sbin/pgw-ledctl" "$SRC/pgw-ledctl.c"
$CC -o "$BUILD/standin" "$SRC/standin.c"
install -m 0755 /usr/lib/x86_64-linux-musl/libc.so "$R/lib/ld-musl-x86_64.so.1"
ln -sfn ld-musl-x86_64.so.1 "$R/lib/libc.musl-x86_64.so.1"

# One stand-in for each third-party program whose configuration the image carries.
while read -r path; do
  mkdir -p "$R/$(dirname "$path")" && install -m 0755 "$BUILD/standin" "$R/$path"
done <"$SRC/standins.txt"

# BusyBox applets: "DIR applet..." lines; each applet a symlink to /bin/busybox.
while read -r dir applets; do
  [ -n "$dir" ] && [ "${dir:0:1}" != '#' ] || continue
  target=$(echo "$dir" | sed 's|[^/]*|..|g')/bin/busybox
  [ "$dir" = bin ] && target=busybox
  mkdir -p "$R/$dir"
  for a in $applets; do ln -sfn "$target" "$R/$dir/$a"; done
done <"$SRC/busybox.links"
ln -sfn busybox "$R/bin/sh"

# Zoneinfo (slim TZif, compiled from Debian's tzdata; links as symlinks like Debian's).
Z=$R/usr/share/zoneinfo
rm -rf "$Z" && mkdir -p "$Z"
grep -v '^L ' /usr/share/zoneinfo/tzdata.zi >"$BUILD/zones.zi"
zic -b slim -d "$Z" "$BUILD/zones.zi"
zone_links() { # DIR: the tzdata links (backward names) as relative symlinks, as in Debian
  grep '^L ' /usr/share/zoneinfo/tzdata.zi | while read -r _ target link; do
    mkdir -p "$1/$(dirname "$link")"
    ln -sfn "$(realpath -m --relative-to="$1/$(dirname "$link")" "$1/$target")" "$1/$link"
  done
}
zone_links "$Z"
cp /usr/share/zoneinfo/{zone.tab,zone1970.tab,iso3166.tab,leap-seconds.list} "$Z/"
# right/: the same zones with leap seconds (chrony's leapsectz right/UTC); posix/ links, as in Debian.
zic -b slim -L /usr/share/zoneinfo/leapseconds -d "$Z/right" "$BUILD/zones.zi" 2>&1 | grep -v obsolescent || true
zone_links "$Z/right"
mkdir -p "$Z/posix"
for entry in "$Z"/*; do
  name=$(basename "$entry")
  case "$name" in posix | right | *.tab | *.list) continue ;; esac
  ln -sfn "../$name" "$Z/posix/$name"
done

# CA certificates: the Mozilla set as Debian ships it, the .pem and hash links, the bundle.
CA=$R/usr/share/ca-certificates/mozilla
rm -rf "$CA" "$R/etc/ssl/certs" && mkdir -p "$CA" "$R/etc/ssl/certs"
cp /usr/share/ca-certificates/mozilla/*.crt "$CA/"
{ echo '# The CA certificates this gateway trusts (update-ca-certificates(8) format).'
  (cd "$CA" && ls *.crt | sed 's|^|mozilla/|'); } >"$R/etc/ca-certificates.conf"
for crt in "$CA"/*.crt; do
  name=$(basename "$crt" .crt)
  ln -sfn "/usr/share/ca-certificates/mozilla/$name.crt" "$R/etc/ssl/certs/$name.pem"
  hash=$(openssl x509 -hash -noout -in "$crt")
  n=0; while [ -L "$R/etc/ssl/certs/$hash.$n" ]; do n=$((n + 1)); done
  ln -sfn "$name.pem" "$R/etc/ssl/certs/$hash.$n"
done
cat "$CA"/*.crt >"$R/etc/ssl/certs/ca-certificates.crt"

# Terminfo for the serial console and ssh sessions; the wireless regulatory database.
for t in l/linux v/vt100 v/vt102 v/vt220 x/xterm x/xterm-256color s/screen d/dumb; do
  mkdir -p "$R/usr/share/terminfo/${t%%/*}"
  cp "$(ls /lib/terminfo/$t /usr/share/terminfo/$t 2>/dev/null | head -1)" "$R/usr/share/terminfo/$t"
done
mkdir -p "$R/lib/firmware"
cp /lib/firmware/regulatory.db-upstream "$R/lib/firmware/regulatory.db"
cp /lib/firmware/regulatory.db.p7s-upstream "$R/lib/firmware/regulatory.db.p7s"

# Licence notices of what is real in the image.
for p in musl tzdata ca-certificates wireless-regdb ncurses-base; do
  mkdir -p "$R/usr/share/doc/$p" && cp "/usr/share/doc/$p/copyright" "$R/usr/share/doc/$p/copyright"
done
echo "examples/rootfs: derived parts rebuilt"
