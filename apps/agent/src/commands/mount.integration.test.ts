/**
 * `layerdeck mount` with bad input, run as a user would: every failure is one line on stderr
 * that says what happened and what to do, the exit code is non-zero, nothing is created and
 * nothing is mounted. SIGINT and SIGTERM unmount cleanly with exit 0.
 */
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  LAYERDECK_BIN,
  asUser,
  isMounted,
  sh,
  shOk,
  startMount,
  tempDir,
  type ShResult,
} from '@layerdeck/testkit'

interface Dirs {
  root: string
  base: string
  storage: string
  mnt: string
}

/** Fresh base/storage/mnt dirs (reachable by every user) for one test; cleaned afterwards. */
async function withDirs(fn: (d: Dirs) => Promise<void>): Promise<void> {
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
function layerdeck(args: string, wrap: (cmd: string) => string = (c) => c): Promise<ShResult> {
  return sh(wrap(`timeout -s TERM 20 ${LAYERDECK_BIN} ${args}`), { timeoutMs: 30_000 })
}

/** One line, "layerdeck: <what happened>: <what to do>", exit non-zero, nothing created. */
function expectOneLineFailure(r: ShResult, message: RegExp, d: Dirs, storage = d.storage): void {
  expect(r.code, r.stdout + r.stderr).not.toBe(0)
  expect(r.stdout).toBe('')
  expect(r.stderr.endsWith('\n')).toBe(true)
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(/^layerdeck: \S.*\S\n$/)
  expect(r.stderr).toMatch(message)
  expect(isMounted(d.mnt)).toBe(false)
  expect(readdirSync(storage).filter((n) => n !== 'notes.txt')).toEqual([])
}

const mountArgs = (base: string, storage: string, mnt: string): string =>
  `mount --base ${base} --storage ${storage} ${mnt}`

describe('layerdeck mount: bad input', () => {
  const cases: Array<[string, (d: Dirs) => string, RegExp]> = [
    [
      'a missing base',
      (d) => mountArgs(`${d.root}/nope`, d.storage, d.mnt),
      /base \S+\/nope does not exist: create it or fix --base/,
    ],
    [
      'a base that is a file',
      (d) => mountArgs(`${d.base}/file`, d.storage, d.mnt),
      /base \S+ is not a directory: --base needs a directory/,
    ],
    [
      'a missing storage',
      (d) => mountArgs(d.base, `${d.root}/nope`, d.mnt),
      /storage \S+\/nope does not exist: create it or fix --storage/,
    ],
    [
      'a storage that is a file',
      (d) => mountArgs(d.base, `${d.base}/file`, d.mnt),
      /storage \S+ is not a directory/,
    ],
    [
      'a missing mount point',
      (d) => mountArgs(d.base, d.storage, `${d.root}/nope`),
      /mount point \S+\/nope does not exist: create it/,
    ],
    [
      'a mount point that is a file',
      (d) => mountArgs(d.base, d.storage, `${d.base}/file`),
      /mount point \S+ is not a directory/,
    ],
    [
      'a mount point that is the base itself',
      (d) => mountArgs(d.base, d.storage, d.base),
      /mount point \S+ is the base itself: bind the base elsewhere first/,
    ],
    [
      'a mount point inside the base (the overlay would contain itself)',
      (d) => (mkdirSync(`${d.base}/sub`), mountArgs(d.base, d.storage, `${d.base}/sub`)),
      /mount point \S+\/sub is inside the base: bind the base elsewhere first/,
    ],
    [
      'a mount point that is not empty',
      (d) => (writeFileSync(`${d.mnt}/keep`, 'x'), mountArgs(d.base, d.storage, d.mnt)),
      /mount point \S+ is not empty: mount on an empty directory/,
    ],
    [
      'no --base',
      (d) => `mount --storage ${d.storage} ${d.mnt}`,
      /required option '--base <dir>' not specified \(see layerdeck mount --help\)/,
    ],
    [
      'no --storage',
      (d) => `mount --base ${d.base} ${d.mnt}`,
      /required option '--storage <dir>' not specified/,
    ],
    [
      'no mount point',
      (d) => `mount --base ${d.base} --storage ${d.storage}`,
      /missing required argument 'mountpoint'/,
    ],
    [
      'an unknown flag',
      (d) => `mount --base ${d.base} --storage ${d.storage} --bogus ${d.mnt}`,
      /unknown option '--bogus'/,
    ],
  ]
  it.each(cases)('fails on %s', async (_name, args, message) => {
    await withDirs(async (d) => expectOneLineFailure(await layerdeck(args(d)), message, d))
  })

  it('fails on a storage inside the base, a base inside the storage and a mount point inside the storage', async () => {
    await withDirs(async (d) => {
      mkdirSync(`${d.base}/storage`)
      mkdirSync(`${d.storage}/base`)
      mkdirSync(`${d.storage}/mnt`)
      const overlap = /overlap: put the storage on its own directory outside the base/
      expectOneLineFailure(
        await layerdeck(mountArgs(d.base, `${d.base}/storage`, d.mnt)),
        overlap,
        d,
        `${d.base}/storage`,
      )
      const r = await layerdeck(mountArgs(`${d.storage}/base`, d.storage, d.mnt))
      expect(r.stderr).toMatch(overlap)
      expect(r.code).not.toBe(0)
      const r2 = await layerdeck(mountArgs(d.base, d.storage, `${d.storage}/mnt`))
      expect(r2.stderr).toMatch(/overlap: mount somewhere outside the storage\n$/)
      expect(readdirSync(d.storage).sort()).toEqual(['base', 'mnt'])
    })
  })

  it('fails on a non-empty storage that is not in overlayfs format', async () => {
    await withDirs(async (d) => {
      writeFileSync(`${d.storage}/notes.txt`, 'not a storage')
      const r = await layerdeck(mountArgs(d.base, d.storage, d.mnt))
      expectOneLineFailure(
        r,
        /is not empty and has no upper\/ folder \(found notes\.txt\): give an empty directory/,
        d,
      )
      expect(readdirSync(d.storage)).toEqual(['notes.txt'])
    })
  })

  it('fails on a mount point that is already mounted', async () => {
    await withDirs(async (d) => {
      await shOk(`mount -t tmpfs tmpfs ${d.mnt}`)
      try {
        const r = await layerdeck(mountArgs(d.base, d.storage, d.mnt))
        expect(r.code).not.toBe(0)
        expect(r.stderr).toMatch(
          /^layerdeck: \S+ is already a mount point: unmount it first \(fusermount -u \S+\) or pick another\n$/,
        )
        expect(readdirSync(d.storage)).toEqual([])
      } finally {
        await shOk(`umount ${d.mnt}`)
      }
    })
  })

  it('fails when not run as root', async () => {
    await withDirs(async (d) => {
      const r = await layerdeck(mountArgs(d.base, d.storage, d.mnt), (c) => asUser(c, 65534))
      expectOneLineFailure(r, /mounting needs root .*: run it with sudo or as root/, d)
    })
  })

  it('fails when /dev/fuse is missing (a mount namespace with an empty /dev)', async () => {
    await withDirs(async (d) => {
      const r = await layerdeck(
        mountArgs(d.base, d.storage, d.mnt),
        (c) => `unshare --mount bash -c 'mount -t tmpfs tmpfs /dev && ${c}'`,
      )
      expectOneLineFailure(
        r,
        /\/dev\/fuse is missing: load the fuse kernel module \(modprobe fuse\)/,
        d,
      )
    })
  })

  it('fails when libfuse3.so.3 cannot be loaded (hidden in a mount namespace)', async () => {
    const lib = (
      await shOk(`readlink -f "$(ldconfig -p | awk '/libfuse3\\.so\\.3 /{print $NF; exit}')"`)
    ).trim()
    await withDirs(async (d) => {
      const r = await layerdeck(
        mountArgs(d.base, d.storage, d.mnt),
        (c) => `unshare --mount bash -c 'mount --bind /dev/null ${lib} && ${c}'`,
      )
      expectOneLineFailure(
        r,
        /libfuse3\.so\.3 is missing: install it \(Debian: apt-get install -y fuse3/,
        d,
      )
    })
  })

  it('describes every flag in --help', async () => {
    const top = await shOk(`${LAYERDECK_BIN} --help`)
    expect(top).toMatch(/^Usage: layerdeck \[options\] \[command\]/)
    expect(top).toMatch(
      /\n {2}mount \[options\] <mountpoint> +merge BASE \(read-only\) and STORAGE \(writable\)/,
    )
    expect(top).toMatch(/\n {2}-h, --help +display help for command/)
    const help = await shOk(`${LAYERDECK_BIN} mount --help`)
    expect(help).toMatch(/^Usage: layerdeck mount \[options\] <mountpoint>/)
    expect(help).toMatch(/\n {2}mountpoint +an existing empty directory to mount on/)
    expect(help).toMatch(/\n {2}--base <dir> +the read-only base directory \(never written\)/)
    expect(help).toMatch(/\n {2}--storage <dir> +the writable storage directory/)
    expect(help).toMatch(/\n {2}-h, --help +display help for command/)
    expect(help).toMatch(/SIGINT or SIGTERM/)
    // Every option line of both help texts carries a description.
    for (const text of [top, help]) {
      const options = text.split('Options:\n')[1]?.split('\n\n')[0] ?? ''
      for (const line of options.split('\n').filter((l) => /^ {2}-/.test(l)))
        expect(line).toMatch(/^ {2}-\S.* {2,}\S/)
    }
  })
})

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
