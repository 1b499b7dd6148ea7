/**
 * What the inspect and undo commands (status, diff, usage, revert, reset) share: the --storage /
 * --base / --json options, finding where the storage stands, output, and confirmation prompts.
 */
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import {
  checkBase,
  checkStorage,
  createNodeSys,
  locateStorage,
  recoverStorage,
  toOverlayPath,
  displayPath,
  type OpenFile,
  type StorageTarget,
  type Sys,
} from '@layerdeck/core'

export interface StorageFlags {
  storage: string
  base?: string
  json?: boolean
}

export function storageOptions(cmd: Command, withBase = true): Command {
  cmd.requiredOption('--storage <dir>', 'the storage directory (holds upper/ and work/)')
  if (withBase)
    cmd.option(
      '--base <dir>',
      'the base directory (not needed when a mount or the last mount tells it)',
    )
  return cmd.option('--json', 'machine-readable output')
}

export interface Opened {
  sys: Sys
  target: StorageTarget
}

/**
 * Finds the storage (daemon, kernel mount or unmounted) and checks it is in overlayfs format.
 * An unmounted storage first gets an interrupted reset finished or rolled back (undo/recover.ts).
 */
export async function openTarget(flags: StorageFlags): Promise<Opened> {
  const sys = createNodeSys()
  const target = await locateStorage(flags.storage, flags.base)
  if (target.mode === 'offline') recoverStorage(sys, target.paths)
  checkStorage(sys, target.paths.root)
  if (target.base !== undefined) checkBase(sys, target.base)
  return { sys, target }
}

export const overlayPaths = (args: string[], target: StorageTarget): string[] =>
  args.map((a) => toOverlayPath(a, target.mountpoint))

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`)
}

/** The open files a live change would strand, as lines (none when there are none). */
export function describeOpenFiles(files: OpenFile[] | undefined): string[] {
  if (files === undefined || files.length === 0) return []
  return [
    `open for writing (the change refuses without --force; with it, their writes fail with EIO):`,
    ...files.map((f) => `  ${displayPath(f.path)}  ${displayPath(f.command ?? '?')} (pid ${f.pid}, uid ${f.uid})`),
  ]
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u += 1
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`
}

/**
 * Asks before a destructive action: `--yes` skips the question; on a terminal it asks; without a
 * terminal (a script) it refuses, saying to add --yes.
 */
export async function confirm(
  question: string,
  yes: boolean | undefined,
  action: string,
): Promise<void> {
  if (yes === true) return
  if (process.stdin.isTTY !== true) {
    throw new Error(
      `${action} needs confirmation and stdin is not a terminal: add --yes to run it from a script`,
    )
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve))
  rl.close()
  if (!/^y(es)?$/i.test(answer.trim())) throw new Error(`${action} cancelled: nothing changed`)
}
