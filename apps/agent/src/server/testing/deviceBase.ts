/** A small device base for the agent's tests, and the technician's changes made through the mount. */
import { shOk } from '@layerdeck/testkit'

export const DEVICE_BASE = `
mkdir -p etc/config usr/bin big var/lib
printf 'NAME="Plant OS"\\nPRETTY_NAME="Plant OS 2026.11"\\nVERSION_ID=2026.11\\nBUILD_ID=r42\\n' > etc/os-release
echo gw-01 > etc/hostname
printf '127.0.0.1 localhost\\n10.0.0.1 scada\\n' > etc/hosts
echo 'factory motd' > etc/motd
printf 'config interface lan\\n\\toption ipaddr 192.168.1.1\\n' > etc/config/network
chmod 644 etc/config/network
printf 'ELF\\000\\001\\002\\003binary' > usr/bin/tool && chmod 755 usr/bin/tool
ln -s hosts etc/hosts.link
ln -s /etc etc-link
for i in $(seq -w 1 30); do echo "file $i" > big/f$i; done
echo raw > var/lib/$'inv\\xff'
`

/** Edits, adds, deletes and chmods through the mount, from a child process. */
export async function technicianChanges(mnt: string): Promise<void> {
  await shOk(`set -e
    echo '10.0.0.5 historian' >> ${mnt}/etc/hosts
    echo 'option x 1' > ${mnt}/etc/new.conf
    rm ${mnt}/etc/motd
    chmod 600 ${mnt}/etc/config/network`)
}
