/**
 * restore decides "storage in use" from evidence no user can fake. `nobody` runs a process whose
 * command line reads `mount --storage S` (it used to block every restore of S); a live
 * `layerdeck run` on a storage whose socket sits in the /run/layerdeck fallback (a restore used
 * to swap upper/ under it) is found: the offline swap is refused, the CLI restores through it live.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, asUser, hashTree, sh, shOk, shellQuote, tempDir } from '@layerdeck/testkit'
import { restoreBackup } from '@layerdeck/core'
import { buildBusyboxRootfs } from '../boot/testing/busyboxRootfs.ts'

const NOBODY = 65534
const cli = (args: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  sh(`${LAYERDECK_BIN} ${args}`, { timeoutMs: 60_000 })

let dir: ReturnType<typeof tempDir>
let base: string
let archive: string
let sentinel: string

beforeAll(async () => {
  dir = tempDir('layerdeck-inuse-')
  base = `${dir.path}/base`
  mkdirSync(base)
  buildBusyboxRootfs(base)
  const source = `${dir.path}/source`
  mkdirSync(`${source}/upper/etc`, { recursive: true })
  mkdirSync(`${source}/work`)
  writeFileSync(`${source}/upper/etc/from-backup`, 'restored\n')
  archive = `${dir.path}/backup.tar.gz`
  await shOk(`${LAYERDECK_BIN} backup --storage ${source} --out ${archive}`)
  sentinel = `${dir.path}/sentinel`
  mkdirSync(sentinel)
  writeFileSync(`${sentinel}/host-file`, 'outside every storage\n')
})
afterAll(() => dir.cleanup())

function newStorage(name: string): string {
  const storage = `${dir.path}/${name}`
  mkdirSync(`${storage}/upper/etc`, { recursive: true })
  mkdirSync(`${storage}/work`)
  writeFileSync(`${storage}/upper/etc/current`, 'current\n')
  return storage
}

describe('restore: is the storage in use?', () => {
  it("a command line nobody faked does not block the restore", async () => {
    const storage = newStorage('faked')
    const before = await hashTree(sentinel)
    const fake = `cd / && exec /usr/bin/python3 -c 'import time; time.sleep(40)' mount --base ${base} --storage ${storage} /mnt`
    const faker = spawn('bash', ['-c', asUser(fake, NOBODY)], { stdio: 'ignore' })
    try {
      await new Promise((r) => setTimeout(r, 500))
      expect(await shOk(`cat /proc/${faker.pid}/cmdline | tr '\\0' ' '`)).toContain(`mount --base ${base} --storage ${storage}`)
      const r = await cli(`restore ${archive} --storage ${storage} --yes`)
      expect(r.stderr).not.toMatch(/in use/)
      expect(r.code, r.stderr).toBe(0)
      expect(await shOk(`cat ${storage}/upper/etc/from-backup ${storage}/upper/etc/current`)).toBe('restored\ncurrent\n')
      expect(await hashTree(sentinel)).toBe(before)
    } finally {
      faker.kill('SIGKILL')
    }
  })

  it('a live layerdeck run whose socket is in /run/layerdeck is found: never swapped offline, restored live', async () => {
    const storage = newStorage(`live-${'s'.repeat(90)}`)
    const sock = `/run/layerdeck/${createHash('sha256').update(storage).digest('hex').slice(0, 16)}.sock`
    const upperBefore = await hashTree(`${storage}/upper`)
    // The program waits for the restored file to show through its own root, then prints it.
    const waitFor = 'for i in $(seq 150); do if [ -e /etc/from-backup ]; then cat /etc/from-backup; exit 0; fi; sleep 0.1; done; exit 1'
    const run = spawn(LAYERDECK_BIN, ['run', '--base', base, '--storage', storage, '--', '/bin/sh', '-c', waitFor], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    run.stdout.on('data', (d: Buffer) => (out += d.toString()))
    run.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const ended = new Promise<number | null>((r) => run.on('exit', r))
    try {
      for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50))
      expect(existsSync(sock), err).toBe(true)
      // The offline path (the library call a script or the agent might make) refuses to swap.
      await expect(restoreBackup({ storage, file: archive, replace: false })).rejects.toThrow(/is in use: (layerdeck \(pid \d+\) is serving it|a LayerDeck daemon holds its lock)/)
      expect(await hashTree(`${storage}/upper`)).toBe(upperBefore)
      // The CLI finds the daemon through the fallback socket and restores through it, live.
      const r = await cli(`restore ${archive} --storage ${shellQuote(storage)} --yes`)
      expect(r.code, r.stderr).toBe(0)
      expect(await ended).toBe(0)
      expect(out).toBe('restored\n')
    } finally {
      run.kill('SIGTERM')
      await ended
    }
  })
})
