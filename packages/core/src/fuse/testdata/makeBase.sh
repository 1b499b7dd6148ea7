#!/usr/bin/env bash
# Builds the equivalence fixture: a small base with every kind of entry. Usage: makeBase.sh DIR
set -euo pipefail
B=$1
mkdir -p "$B"/etc/init.d "$B"/etc/net "$B"/usr/lib/deep/er "$B"/var/log "$B"/opt/app/conf "$B"/srv
printf '127.0.0.1 localhost\n' > "$B/etc/hosts"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$B/etc/passwd"
printf 'config-a\n' > "$B/etc/net/a.conf"
printf 'config-b\n' > "$B/etc/net/b.conf"
printf '#!/bin/sh\necho start\n' > "$B/etc/init.d/rcS"; chmod 755 "$B/etc/init.d/rcS"
printf 'truncate me please\n' > "$B/etc/trunc"
printf 'overwrite me\n' > "$B/etc/overwrite"
printf 'secret\n' > "$B/etc/shadow"; chmod 600 "$B/etc/shadow"
printf 'owned\n' > "$B/etc/owned"; chown 1000:1000 "$B/etc/owned"
printf 'lib\n' > "$B/usr/lib/libx.so.1"; ln -s libx.so.1 "$B/usr/lib/libx.so"
printf 'deep\n' > "$B/usr/lib/deep/er/file"
printf 'log\n' > "$B/var/log/messages"
printf 'app\n' > "$B/opt/app/bin"; printf 'c1\n' > "$B/opt/app/conf/c1"; printf 'c2\n' > "$B/opt/app/conf/c2"
printf 'hard\n' > "$B/srv/hard1"; ln "$B/srv/hard1" "$B/srv/hard2"
printf 'x\n' > "$B/srv/xattr"; setfattr -n user.color -v blue "$B/srv/xattr"
mkfifo "$B/srv/fifo"
truncate -s 1M "$B/srv/sparse"; printf 'tail' | dd of="$B/srv/sparse" bs=1 seek=1048572 conv=notrunc status=none
chmod 1777 "$B/var/log"
mkdir "$B/emptydir"
mkdir -p "$B/data/src/sub" "$B/data/empty" "$B/data/gone"
printf 's1\n' > "$B/data/src/s1"; printf 's2\n' > "$B/data/src/s2"; printf 's3\n' > "$B/data/src/sub/s3"
printf 'g\n' > "$B/data/gone/g"; printf 'f\n' > "$B/data/file"
chmod 750 "$B/data/src/sub"
