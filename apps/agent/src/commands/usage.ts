/** `layerdeck usage`: where the storage's space goes, and whether editing a base file would fit. */
import type { Command } from 'commander'
import { copyUpFits, requireBase, storageUsage, type Usage } from '@layerdeck/core'
import {
  formatBytes,
  openTarget,
  overlayPaths,
  print,
  printJson,
  storageOptions,
  type StorageFlags,
} from './statusCli.ts'
import { showPath } from './display.ts'

interface UsageFlags extends StorageFlags {
  fits?: string
  top?: string
}

export function registerUsage(program: Command): void {
  storageOptions(program.command('usage'))
    .description(
      'size and free space of the storage, bytes per top-level folder, largest files, changes by kind, what a reset frees',
    )
    .option(
      '--fits <path>',
      'say whether editing this base file would fit (its copy-up needs its whole size)',
    )
    .option('--top <n>', 'how many of the largest files to list', '10')
    .addHelpText('after', '\nExample: layerdeck usage --storage /overlay --fits /usr/lib/big.so')
    .action(async (flags: UsageFlags) => {
      const { sys, target } = await openTarget(flags)
      if (flags.fits !== undefined) {
        const [path] = overlayPaths([flags.fits], target)
        const fit = copyUpFits(
          sys,
          target.paths,
          requireBase(target, 'usage --fits'),
          path as string,
        )
        if (flags.json === true) printJson(fit)
        else if (fit.inStorage)
          print(`${showPath(fit.path)} is already in storage: editing it needs no copy-up`)
        else
          print(
            `${showPath(fit.path)}: a copy-up needs ${formatBytes(fit.needs)}, ${formatBytes(fit.available)} available: ${fit.fits ? 'fits' : 'does NOT fit'}`,
          )
        if (!fit.fits) process.exitCode = 1
        return
      }
      const usage = storageUsage({
        sys,
        paths: target.paths,
        base: target.base,
        top: Number(flags.top ?? 10),
      })
      if (flags.json === true) printJson({ storage: target.paths.root, ...usage })
      else printUsage(usage)
    })
}

function printUsage(u: Usage): void {
  const fs = u.filesystem
  print(
    `storage filesystem: ${formatBytes(fs.size)}, ${formatBytes(fs.used)} used (${fs.usedPercent}%), ${formatBytes(fs.available)} available`,
  )
  print(`held in storage: ${formatBytes(u.held)}`)
  for (const f of u.byFolder)
    print(`  ${formatBytes(f.bytes).padStart(10)}  ${showPath(f.folder)} (${f.entries} entries)`)
  if (u.largest.length > 0) print('largest files:')
  for (const f of u.largest) print(`  ${formatBytes(f.bytes).padStart(10)}  ${showPath(f.path)}`)
  if (u.changes !== null) {
    print(
      `changes: ${Object.entries(u.changes)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}`,
    )
  }
  print(
    `a reset frees ${formatBytes(u.resetFrees)}${u.undoHeld > 0 ? `; the undo state of the last reset holds ${formatBytes(u.undoHeld)}` : ''}`,
  )
  for (const w of u.warnings) print(`warning: ${w}`)
}
