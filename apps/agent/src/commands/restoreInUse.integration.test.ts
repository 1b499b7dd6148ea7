/**
 * restore decides "storage in use" from evidence no user can fake. `nobody` runs a process whose
 * command line reads `mount --storage S` (it used to block every restore of S); a live
 * `layerdeck run` on a storage whose socket sits in the /run/layerdeck fallback (a restore used
 * to swap upper/ under it) is refused, and its storage is left as it was.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, asUser, hashTree, sh, shOk, shellQuote, tempDir } from '@layerdeck/testkit'
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

  it('a live layerdeck run whose socket is in /run/layerdeck is found; upper/ is not swapped', async () => {
    const storage = newStorage(`live-${'s'.repeat(90)}`)
    const sock = `/run/layerdeck/${createHash('sha256').update(storage).digest('hex').slice(0, 16)}.sock`
    const upperBefore = await hashTree(`${storage}/upper`)
    const run = spawn(LAYERDECK_BIN, ['run', '--base', base, '--storage', storage, '--', '/bin/sh', '-c', 'sleep 12'], { stdio: 'ignore' })
    const ended = new Promise((r) => run.on('exit', r))
    try {
      for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50))
      expect(existsSync(sock)).toBe(true)
      const r = await cli(`restore ${archive} --storage ${shellQuote(storage)} --yes`)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(/is in use: layerdeck \(pid \d+\) is serving it at .*stop that mount first/)
      expect(await hashTree(`${storage}/upper`)).toBe(upperBefore)
    } finally {
      run.kill('SIGTERM')
      await ended
    }
  })
})
