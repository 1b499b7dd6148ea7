/**
 * How `layerdeck mount` ends, run as people and init systems do from other processes: SIGINT and
 * SIGTERM unmount cleanly (exit 0); unmounted from outside (fusermount -u, umount, umount -l with
 * files open) the daemon exits 0 at once and the storage mounts again; a crash's dead mount is
 * cleaned up; wrong words replaced by what to do.
 */
import { mkdirSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, isMounted, sh, shOk, startMount } from '@layerdeck/testkit'
import { layerdeck, mountArgs, withDirs, type Dirs } from './testing/mountDirs.ts'

describe('layerdeck mount: stopping', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'unmounts cleanly on %s and exits 0, even with a file open',
    async (signal) => {
      await withDirs(async (d) => {
        const mount = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
        const holder = sh(`exec 3< ${d.mnt}/file; sleep 2`)
        await new Promise((r) => setTimeout(r, 300))
        const exited = new Promise<number | null>((resolve) => mount.child.on('exit', resolve))
        mount.child.kill(signal)
        const code = await exited
        await holder
        await mount.stop()
        expect(code).toBe(0)
        expect(mount.output()).toMatch(/layerdeck: unmounted \S+\n$/)
        expect(isMounted(d.mnt)).toBe(false)
        expect(readdirSync(d.storage).sort()).toEqual(['upper', 'work'])
      })
    },
  )
})

describe('layerdeck mount: the mount ends from outside', () => {
  /** Waits for the daemon to exit on its own; its exit code, or 'running' after `ms`. */
  const exitOf = (mount: Awaited<ReturnType<typeof startMount>>, ms = 5000): Promise<number | null | 'running'> =>
    new Promise((resolve) => {
      if (mount.child.exitCode !== null) {
        resolve(mount.child.exitCode)
        return
      }
      const timer = setTimeout(() => resolve('running'), ms)
      mount.child.on('exit', (code) => {
        clearTimeout(timer)
        resolve(code)
      })
    })
  /** The same storage mounts again at once and serves its change. */
  const remounts = async (d: Dirs): Promise<void> => {
    const again = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
    try {
      expect(await shOk(`cat ${d.mnt}/file`)).toBe('changed\n')
    } finally {
      expect(await again.stop()).toBe(0)
    }
  }

  it.each([
    ['fusermount -u', (m: string) => `fusermount3 -u ${m}`],
    ['umount', (m: string) => `umount ${m}`],
  ])('exits 0 when unmounted with %s, and the storage mounts again', async (_name, unmount) => {
    await withDirs(async (d) => {
      const mount = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
      await shOk(`echo changed > ${d.mnt}/file`)
      await shOk(unmount(d.mnt))
      expect(await exitOf(mount)).toBe(0)
      expect(mount.output()).toMatch(/was unmounted from outside; stopping\n$/)
      expect(readdirSync(`${d.storage}/work/layerdeck`)).not.toContain('control.sock')
      await remounts(d)
    })
  })

  it('exits 0 after umount -l while a file is open: the open file fails, never hangs', async () => {
    await withDirs(async (d) => {
      const mount = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
      await shOk(`echo changed > ${d.mnt}/file`)
      // Holds the file open across the lazy unmount, then reads and writes through it.
      const holder = sh(`exec 3<>${d.mnt}/file; sleep 1.5; cat <&3 && echo read-ok; echo x >&3 && echo write-ok; echo done`, { timeoutMs: 20_000 })
      await new Promise((r) => setTimeout(r, 400))
      await shOk(`umount -l ${d.mnt}`)
      expect(await exitOf(mount)).toBe(0)
      expect(mount.output()).toMatch(/left the mount table \(lazy unmount\); its open files were abandoned; stopping\n$/)
      const held = await holder
      expect(held.stdout).toMatch(/done\n$/)
      expect(held.stdout).not.toMatch(/write-ok/)
      await remounts(d)
    })
  })

  it('exits 0 on SIGTERM right after an external unmount', async () => {
    await withDirs(async (d) => {
      const mount = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
      await shOk(`echo changed > ${d.mnt}/file`)
      await shOk(`fusermount3 -u ${d.mnt}`)
      mount.child.kill('SIGTERM')
      expect(await exitOf(mount)).toBe(0)
      await remounts(d)
    })
  })
})

describe('layerdeck mount: clear words', () => {
  it('cleans up a dead mount of its own storage left by a crashed daemon, and mounts', async () => {
    await withDirs(async (d) => {
      const first = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
      first.child.kill('SIGKILL')
      await new Promise((r) => first.child.on('exit', r))
      await new Promise((r) => setTimeout(r, 1100)) // past the kernel's attribute cache
      expect((await sh(`stat ${d.mnt}`)).stderr).toMatch(/Transport endpoint is not connected/)
      const again = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
      expect(again.output()).toMatch(/cleaned up a dead mount of this storage at \S+ \(its daemon had died\)/)
      expect(await shOk(`cat ${d.mnt}/file`)).toBe('base\n')
      expect(await again.stop()).toBe(0)
    })
  })

  it('names a dead mount of another storage and says how to clear it', async () => {
    await withDirs(async (d) => {
      mkdirSync(`${d.root}/other`)
      const other = await startMount({ base: d.base, storage: `${d.root}/other`, mountpoint: d.mnt })
      other.child.kill('SIGKILL')
      await new Promise((r) => other.child.on('exit', r))
      const r = await layerdeck(mountArgs(d.base, d.storage, d.mnt))
      expect(r.code).not.toBe(0)
      expect(r.stderr).toBe(`layerdeck: ${d.mnt} holds a dead mount (its daemon is gone): run fusermount -uz ${d.mnt} and mount again\n`)
    })
  })

  it('refuses a storage whose upper/ is a symlink, with a one-line reason (never EIO later)', async () => {
    await withDirs(async (d) => {
      mkdirSync(`${d.root}/elsewhere`)
      await shOk(`ln -s ${d.root}/elsewhere ${d.storage}/upper`)
      const r = await layerdeck(mountArgs(d.base, d.storage, d.mnt))
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(/^layerdeck: \S+\/storage\/upper is a symbolic link \(to \S+\/elsewhere\): give the folder that really holds upper\/ and work\/ as --storage\n$/)
      expect(isMounted(d.mnt)).toBe(false)
    })
  })

  it('says in words when a command needs a base nobody knows', async () => {
    await withDirs(async (d) => {
      mkdirSync(`${d.storage}/upper`)
      mkdirSync(`${d.storage}/work`)
      const r = await sh(`${LAYERDECK_BIN} status --storage ${d.storage}`)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(/^layerdeck: status needs the base \(the read-only factory tree\) of \S+, and nothing tells it: .*give --base DIR\n$/)
      expect(r.stderr).not.toMatch(/EINVAL/)
    })
  })
})
