/**
 * `layerdeck init-script`: writes the device's init script (the seed's `overlay_init`), which
 * boots the whole system on the overlay. See docs/device-setup.md.
 */
import { chmodSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import {
  OVERLAY_INIT_DEFAULTS as D,
  overlayInitOptions,
  renderOverlayInit,
} from '../boot/overlayInit.ts'

interface InitScriptFlags {
  out?: string
  storageDevice?: string
  storageFs?: string
  tmpfsSize?: string
  deviceWait?: string
  base?: string
  layerdeck?: string
  realInit?: string
  newRoot?: string
  mountWait?: string
}

export function registerInitScript(program: Command): void {
  program
    .command('init-script')
    .description(
      'write the init script that boots the whole system on the overlay (init=/sbin/overlay_init)',
    )
    .option('--out <file>', 'write the script to FILE (mode 0755) instead of standard output')
    .option(
      '--storage-device <dev>',
      'default storage block device, e.g. /dev/mmcblk0p3 (layerdeck.storage=)',
    )
    .option(
      '--storage-fs <type>',
      `its filesystem; ext2/3/4 are checked with e2fsck -p (default: ${D.storageFs})`,
    )
    .option(
      '--tmpfs-size <size>',
      'default to RAM storage of SIZE instead, e.g. 64M (layerdeck.tmpfs=)',
    )
    .option(
      '--device-wait <seconds>',
      `how long to wait for the storage device (default: ${D.deviceWait})`,
    )
    .option('--base <dir>', `the read-only base (default: ${D.base}, the root filesystem)`)
    .option('--layerdeck <path>', `the layerdeck command on the device (default: ${D.layerdeck})`)
    .option('--real-init <path>', `the init to run on the overlay (default: ${D.realInit})`)
    .option(
      '--new-root <dir>',
      `an empty directory of the base to mount the overlay on (default: ${D.newRoot})`,
    )
    .option(
      '--mount-wait <seconds>',
      `how long to wait for the overlay to mount (default: ${D.mountWait})`,
    )
    .addHelpText(
      'after',
      '\nOn failure the script says what on the console, records it in /run/layerdeck/state\n' +
        '(layerdeck boot-status) and boots the plain read-only system: it never switches to RAM\n' +
        'storage on its own. Example:\n' +
        '  layerdeck init-script --storage-device /dev/mmcblk0p3 --out /sbin/overlay_init',
    )
    .action((flags: InitScriptFlags) => {
      const { out, ...raw } = flags
      const script = renderOverlayInit(overlayInitOptions(raw))
      if (out === undefined) {
        process.stdout.write(script)
        return
      }
      writeFileSync(out, script, { mode: 0o755 })
      chmodSync(out, 0o755)
      process.stderr.write(
        `layerdeck: wrote ${out}: install it as /sbin/overlay_init and boot with init=/sbin/overlay_init\n`,
      )
    })
}
