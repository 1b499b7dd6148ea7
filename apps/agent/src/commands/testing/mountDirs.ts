/** Fresh base/storage/mount-point folders and a bounded CLI run, for the mount command's tests. */
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { expect } from 'vitest'
import { LAYERDECK_BIN, isMounted, sh, tempDir, type ShResult } from '@layerdeck/testkit'

export interface Dirs {
  root: string
  base: string
  storage: string
  mnt: string
}

/** Fresh base/storage/mnt dirs (reachable by every user) for one test; cleaned afterwards. */
export async function withDirs(fn: (d: Dirs) => Promise<void>): Promise<void> {
  const tmp = tempDir()
  const d = {
    root: tmp.path,
    base: `${tmp.path}/base`,
    storage: `${tmp.path}/storage`,
    mnt: `${tmp.path}/mnt`,
  }
  try {
    chmodSync(d.root, 0o755)
    for (const dir of [d.base, d.storage, d.mnt]) mkdirSync(dir)
    writeFileSync(`${d.base}/file`, 'base\n')
    await fn(d)
  } finally {
    if (isMounted(d.mnt)) await sh(`fusermount -uz ${d.mnt} || umount -l ${d.mnt}`)
    tmp.cleanup()
  }
}

/** Runs the CLI (stopped after 20 s should it ever mount); `wrap` turns the command into a script. */
export function layerdeck(args: string, wrap: (cmd: string) => string = (c) => c): Promise<ShResult> {
  return sh(wrap(`timeout -s TERM 20 ${LAYERDECK_BIN} ${args}`), { timeoutMs: 30_000 })
}

/** One line, "layerdeck: <what happened>: <what to do>", exit non-zero, nothing created. */
export function expectOneLineFailure(r: ShResult, message: RegExp, d: Dirs, storage = d.storage): void {
  expect(r.code, r.stdout + r.stderr).not.toBe(0)
  expect(r.stdout).toBe('')
  expect(r.stderr.endsWith('\n')).toBe(true)
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(/^layerdeck: \S.*\S\n$/)
  expect(r.stderr).toMatch(message)
  expect(isMounted(d.mnt)).toBe(false)
  expect(readdirSync(storage).filter((n) => n !== 'notes.txt')).toEqual([])
}

export const mountArgs = (base: string, storage: string, mnt: string): string =>
  `mount --base ${base} --storage ${storage} ${mnt}`

