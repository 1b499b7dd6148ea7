#!/usr/bin/env bash
# Changes a merged tree in every way a program can. Usage: mutate.sh DIR (a mount or a plain copy)
set -euo pipefail
cd "$1"
printf 'added line\n' >> etc/hosts                   # modify (append) a base file
truncate -s 8 etc/trunc                              # truncate a base file
printf 'new content\n' > etc/overwrite               # O_TRUNC rewrite
rm etc/passwd                                        # delete a base file
rm -r opt/app/conf                                   # delete a base directory with children
rm -r usr/lib/deep; mkdir usr/lib/deep; printf 'fresh\n' > usr/lib/deep/new   # opaque: deleted + recreated
mv usr/lib/deep usr/lib/deep.moved; mkdir usr/lib/deep                # move an opaque dir away, reuse its name
mv etc/net etc/network                               # rename a base directory with children
mv etc/shadow etc/shadow.bak                         # rename a base file
printf 'brand new\n' > etc/new.conf                  # create
mkdir -p home/user/docs; printf 'doc\n' > home/user/docs/readme   # new tree
mv etc/new.conf etc/hosts.new; mv etc/hosts.new etc/init.d/hosts  # rename a new file into a base dir
printf 'replacement\n' > srv/repl; mv srv/repl srv/hard2          # rename over an existing base target
ln -s ../etc/hosts srv/link-to-hosts                 # symlink
ln srv/hard1 srv/hard3                               # hard link of a base file
chmod 700 etc/init.d/rcS                             # chmod
chown 123:456 etc/owned                              # chown
touch -d '2001-02-03 04:05:06' var/log/messages      # utimens
setfattr -n user.size -v large srv/xattr             # set xattr
setfattr -x user.color srv/xattr                     # remove xattr
mkfifo srv/fifo2                                     # FIFO
rm srv/fifo                                          # delete a FIFO
rmdir emptydir; printf 'now a file\n' > emptydir     # dir replaced by a file
rm var/log/messages; printf 'recreated\n' > var/log/messages   # delete + recreate
mv opt/app opt/application; mkdir opt/app            # rename dir, reuse its name
printf 'changed\n' > data/src/s1; rm data/src/s2       # copy-up + whiteout inside a base dir...
mv data/src data/empty                               # ...then rename it over an empty base dir
rm -r data/gone; mkdir data/newdir; printf 'n\n' > data/newdir/n; mv data/newdir data/gone   # new dir onto a deleted name
rm data/file; ln etc/hosts data/file                 # hard link onto a deleted name
chmod 700 data; chown 7:8 data                       # metadata of a base directory
printf 'more' | dd of=srv/sparse bs=1 seek=2097152 conv=notrunc status=none   # write beyond EOF (hole)
