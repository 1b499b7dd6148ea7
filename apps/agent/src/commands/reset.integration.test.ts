/**
 * reset through the real CLI: live through the mount's daemon with --keep, --dry-run, --undo and
 * --purge while a process holds a file open; and a reset SIGKILLed at chosen steps, after which
 * the next mount finds the old state or a clean reset, never a mix.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LAYERDECK_BIN,
  REPO_ROOT,
  sh,
  shOk,
  startMount,
  tempDir,
  type MountProcess,
} from '@layerdeck/testkit'

const layerdeck = (args: string): Promise<string> => shOk(`${LAYERDECK_BIN} ${args}`)

/** Runs resetStorage in a child process that SIGKILLs itself at its n-th write to the disk. */
const KILLER = `
import { createNodeSys, resetStorage, storagePaths } from '${REPO_ROOT}/packages/core/src/index.ts'
const writes = new Set(['rename', 'unlink', 'rmdir', 'mkdir', 'link', 'symlink', 'copyFile', 'setXattr', 'removeXattr', 'mknod', 'write', 'fsync', 'lchown', 'chmod', 'lutimes', 'fchown', 'fchmod', 'futimes'])
const killAt = Number(process.env.KILL_AT)
let count = 0
const real = createNodeSys()
const sys = Object.fromEntries(Object.entries(real).map(([name, fn]) => [name, (...args) => {
  if (writes.has(name) && ++count === killAt) process.kill(process.pid, 'SIGKILL')
  return fn(...args)
}]))
resetStorage(sys, storagePaths(process.argv[2]), { keep: ['/etc/config/network'] })
console.log(count)
`

describe('reset', () => {
  const tmp = tempDir()
  const base = `${tmp.path}/base`
  const storage = `${tmp.path}/storage`
  const mnt = `${tmp.path}/mnt`
  let mount: MountProcess | undefined
  const status = async (): Promise<string[]> =>
    (
      JSON.parse(await layerdeck(`status --storage ${storage} --base ${base} --json`)) as {
        changes: Array<{ path: string; state: string }>
      }
    ).changes.map((c) => `${c.path} ${c.state}`)

  beforeAll(async () => {
    for (const d of [base, storage, mnt]) mkdirSync(d)
    await shOk(
      `cd ${base} && mkdir -p etc/config && echo base-hosts > etc/hosts && echo base-net > etc/config/network && echo hi > etc/motd`,
    )
    mount = await startMount({ base, storage, mountpoint: mnt })
    await shOk(
      `cd ${mnt} && echo changed > etc/hosts && echo lan=10.0.0.1 > etc/config/network && echo secret > etc/config/admin && echo p > .profile && rm etc/motd`,
    )
  })
  afterAll(async () => {
    await mount?.stop()
    tmp.cleanup()
  })

  it('resets live, keeping chosen paths, while a process holds a file open; undo and purge', async () => {
    const before = await status()
    const dry = JSON.parse(
      await layerdeck(
        `reset --storage ${storage} --keep ${mnt}/etc/config/network --dry-run --json`,
      ),
    ) as { goes: Array<{ path: string }>; frees: number }
    expect(dry.goes.map((c) => c.path)).toEqual([
      '/.profile',
      '/etc/config/admin',
      '/etc/hosts',
      '/etc/motd',
    ])
    expect(dry.frees).toBeGreaterThan(0)
    expect(await status()).toEqual(before)

    // A reader of a file that goes, a writer of a file that goes, a writer of a kept file.
    const holder = sh(
      `exec 3<${mnt}/etc/hosts; exec 4>>${mnt}/etc/config/admin; exec 5>>${mnt}/etc/config/network; sleep 5; ` +
        `cat <&3; echo more >&4 || echo 'admin write failed'; echo wan=dhcp >&5 && echo 'network written'`,
    )
    await new Promise((r) => setTimeout(r, 700))
    // Refused while a file that goes is open for writing, with the list; nothing changes.
    const refused = await sh(`${LAYERDECK_BIN} reset --storage ${storage} --keep /etc/config/network --yes`)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/EBUSY.*\/etc\/config\/admin \((ba)?sh \d+\).*--force/)
    expect(refused.stderr).not.toMatch(/network/)
    expect(await status()).toEqual(before)
    await layerdeck(`reset --storage ${storage} --keep /etc/config/network --yes --force`)
    // The reader keeps the version it opened; the stranded writer learns (EIO); the writer of the
    // kept file goes on writing into the file the mount shows.
    expect(await holder).toMatchObject({
      code: 0,
      stdout: 'changed\nadmin write failed\nnetwork written\n',
      stderr: expect.stringMatching(/Input\/output error/) as unknown,
    })
    expect(
      await shOk(`cd ${mnt} && ls -A . etc etc/config && cat etc/hosts etc/config/network`),
    ).toBe(
      '.:\netc\n\netc:\nconfig\nhosts\nmotd\n\netc/config:\nnetwork\nbase-hosts\nlan=10.0.0.1\nwan=dhcp\n',
    )
    expect(await status()).toEqual(['/etc/config/network modified'])

    await layerdeck(`reset --storage ${storage} --undo --yes`)
    expect(await status()).toEqual(before)
    expect(await shOk(`cat ${mnt}/etc/hosts ${mnt}/etc/config/network`)).toBe('changed\nlan=10.0.0.1\nwan=dhcp\n')

    await layerdeck(`reset --storage ${storage} --undo --yes`) // redo
    const purged = JSON.parse(
      await layerdeck(`reset --storage ${storage} --purge --yes --json`),
    ) as { freed: number }
    expect(purged.freed).toBeGreaterThan(0)
    expect((await sh(`${LAYERDECK_BIN} reset --storage ${storage} --undo --yes`)).stderr).toMatch(
      /nothing to undo/,
    )
    expect((await sh(`${LAYERDECK_BIN} reset --storage ${storage} < /dev/null`)).stderr).toMatch(
      /needs confirmation.*--yes/,
    )
  })

  it('a reset killed at any step leaves the old state or a clean reset for the next mount', async () => {
    await mount?.stop()
    mount = undefined
    await shOk(
      `cd ${storage}/upper && echo changed > etc/hosts && echo secret > etc/config/admin && echo p > .profile`,
    )
    const before = await status()
    const script = `${tmp.path}/killer.mts`
    writeFileSync(script, KILLER)
    const run = async (n: number): Promise<{ code: number; stdout: string }> => {
      const node = `node --conditions=@layerdeck/source --import ${REPO_ROOT}/node_modules/tsx/dist/esm/index.mjs`
      const out = await shOk(`KILL_AT=${n} ${node} ${script} ${storage}; echo "exit=$?"`)
      const m = /^(?<stdout>[\s\S]*)exit=(?<code>\d+)\n$/.exec(out)
      return { code: Number(m?.groups?.code), stdout: m?.groups?.stdout ?? '' }
    }
    const total = Number((await run(0)).stdout.trim())
    expect(total).toBeGreaterThan(5)
    await layerdeck(`reset --storage ${storage} --undo --yes`)
    await layerdeck(`reset --storage ${storage} --purge --yes`)
    expect(await status()).toEqual(before)
    const outcomes = new Set<string>()
    // The swap is the last 11 writes: journal (write, fsync, rename, dir fsync), the two renames,
    // fsyncs, journal removal. Kill while building, and just before and after each swap step.
    for (const n of [
      ...new Set([
        1,
        Math.floor(total / 2),
        total - 8,
        total - 7,
        total - 6,
        total - 5,
        total - 4,
        total,
      ]),
    ]) {
      expect((await run(n)).code).toBe(137)
      mount = await startMount({ base, storage, mountpoint: mnt })
      const now = await status()
      await mount.stop()
      mount = undefined
      if (now.length === before.length) {
        expect(now).toEqual(before)
        outcomes.add('old')
      } else {
        expect(now).toEqual(['/etc/config/network modified'])
        outcomes.add('reset')
        await layerdeck(`reset --storage ${storage} --undo --yes`)
      }
      await layerdeck(`reset --storage ${storage} --purge --yes`)
      expect(await status()).toEqual(before)
    }
    expect(outcomes).toEqual(new Set(['old', 'reset']))
  }, 300_000)
})
