/**
 * `layerdeck run` against a real busybox root filesystem: a shell script chrooted into the
 * overlay edits, creates and deletes files; storage gets the changes, the base stays
 * byte-identical, the exit status comes through, and no mount is left behind.
 */
import { execFile, spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, forceUnmount, hashTree, sh, shOk, tempDir } from '@layerdeck/testkit'
import { buildBusyboxRootfs } from '../boot/testing/busyboxRootfs.ts'
import { RUN_DIR } from './runStorage.ts'

interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

function layerdeck(args: string[], timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      LAYERDECK_BIN,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        resolve({
          code: err === null ? 0 : typeof err.code === 'number' ? err.code : null,
          stdout,
          stderr,
        })
      },
    )
  })
}

/** Mounts and private directories of `layerdeck run` still present (must be none after a run). */
function leftovers(): string[] {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((path) => path.startsWith(`${RUN_DIR}/run-`))
  let dirs: string[] = []
  try {
    dirs = readdirSync(RUN_DIR).filter((name) => name.startsWith('run-'))
  } catch {
    // no /run/layerdeck yet: nothing left over
  }
  return [...mounts, ...dirs]
}

/** The script the chrooted shell runs: edits, creates and deletes, and checks the binds. */
const EDIT = `
set -e
echo hello > /etc/new.conf
echo changed >> /etc/device.conf
rm /etc/motd
mkdir -p /var/lib/app && echo data > /var/lib/app/db
test -r /proc/self/status && test -c /dev/null && test -d /sys/kernel
cat /etc/device.conf
exit 7
`

let dir: ReturnType<typeof tempDir>
let base: string
let baseHash: string

beforeAll(async () => {
  dir = tempDir('layerdeck-run-')
  base = join(dir.path, 'base')
  mkdirSync(base)
  buildBusyboxRootfs(base)
  baseHash = await hashTree(base)
})

afterAll(() => {
  for (const path of leftovers().filter((p) => p.startsWith('/'))) forceUnmount(path)
  dir.cleanup()
})

function newStorage(name: string): string {
  const storage = join(dir.path, name)
  mkdirSync(storage)
  return storage
}

describe('layerdeck run --storage', () => {
  it('lands every change in storage, leaves the base untouched and passes the exit status', async () => {
    const storage = newStorage('storage')
    const r = await layerdeck([
      'run',
      '--base',
      base,
      '--storage',
      storage,
      '--',
      '/bin/sh',
      '-c',
      EDIT,
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(7)
    expect(r.stdout).toBe('mode=factory\nchanged\n')
    const upper = join(storage, 'upper')
    expect(await shOk(`cat ${upper}/etc/new.conf ${upper}/var/lib/app/db`)).toBe('hello\ndata\n')
    expect(await shOk(`cat ${upper}/etc/device.conf`)).toBe('mode=factory\nchanged\n')
    expect(await shOk(`stat -c '%F %t:%T' ${upper}/etc/motd`)).toBe('character special file 0:0\n')
    expect(await hashTree(base)).toBe(baseHash)
    expect(leftovers()).toEqual([])

    const again = await layerdeck([
      'run',
      '--base',
      base,
      '--storage',
      storage,
      '--',
      '/bin/sh',
      '-c',
      'cat /etc/new.conf; test ! -e /etc/motd',
    ])
    expect(again).toEqual({ code: 0, stdout: 'hello\n', stderr: '' })
    // run leaves the mount record mount leaves: later commands need no --base.
    const status = await layerdeck(['status', '--storage', storage])
    expect(status.stderr).toBe('')
    expect(status.stdout).toMatch(/^added +\/etc\/new\.conf$/m)
    expect(status.stdout).toMatch(/^deleted +\/etc\/motd$/m)
  })

  it('runs on a full storage, every change visible, writes refused with ENOSPC', async () => {
    const storage = newStorage('full')
    await shOk(`mount -t tmpfs -o size=2m layerdeck-test-full ${storage}`)
    try {
      const fill = `echo kept > /etc/new.conf; dd if=/dev/zero of=/var/filler bs=64k 2>/dev/null; true`
      expect((await layerdeck(['run', '--base', base, '--storage', storage, '--', '/bin/sh', '-c', fill])).code).toBe(0)
      const r = await layerdeck([
        'run', '--base', base, '--storage', storage, '--', '/bin/sh', '-c',
        'cat /etc/new.conf; echo more >> /etc/device.conf || echo refused',
      ])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe('kept\nrefused\n')
      expect(r.stderr).toMatch(/storage is full/)
      expect(r.stderr).toMatch(/No space left on device/)
    } finally {
      await shOk(`umount ${storage}`)
    }
    expect(leftovers()).toEqual([])
  })
})

describe('layerdeck run --tmpfs', () => {
  it('--tmpfs runs on a fresh tmpfs and discards it at exit', async () => {
    const script = `${EDIT.replace('exit 7', '')}\ncat /var/lib/app/db; df -kP / | tail -n 1 | awk '{ print $2 }'; exit 3`
    const r = await layerdeck([
      'run',
      '--base',
      base,
      '--tmpfs',
      '16M',
      '--',
      '/bin/sh',
      '-c',
      script,
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('mode=factory\nchanged\ndata\n16384\n')
    expect(await hashTree(base)).toBe(baseHash)
    expect(leftovers()).toEqual([])
  })

  it('--tmpfs with --storage keeps the tmpfs mounted on the storage', async () => {
    const storage = newStorage('kept-tmpfs')
    try {
      const r = await layerdeck([
        'run',
        '--base',
        base,
        '--storage',
        storage,
        '--tmpfs',
        '8M',
        '--',
        '/bin/sh',
        '-c',
        EDIT,
      ])
      expect(r.code).toBe(7)
      expect(r.stderr).toBe(
        `layerdeck: the tmpfs storage stays mounted on ${storage} (umount ${storage} to discard it)\n`,
      )
      expect(await shOk(`findmnt -n -o FSTYPE ${storage}; cat ${storage}/upper/etc/new.conf`)).toBe(
        'tmpfs\nhello\n',
      )
    } finally {
      await sh(`umount ${storage}`)
    }
    expect(await shOk(`ls -A ${storage}`)).toBe('')
    expect(leftovers()).toEqual([])
  })
})

describe('layerdeck run: signals and crashes', () => {
  it('forwards SIGTERM to the command and still unmounts', async () => {
    const script = 'trap "echo got TERM; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
    const child = spawn(
      LAYERDECK_BIN,
      ['run', '--base', base, '--tmpfs', '8M', '--', '/bin/sh', '-c', script],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out === 'ready\n') child.kill('SIGTERM')
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    clearTimeout(timer)
    expect(out).toBe('ready\ngot TERM\n')
    expect(code).toBe(42)
    expect(leftovers()).toEqual([])
  })

  it('reports a crash of the command as 128+signal and still unmounts', async () => {
    const r = await layerdeck([
      'run',
      '--base',
      base,
      '--tmpfs',
      '8M',
      '--',
      '/bin/sh',
      '-c',
      'kill -SEGV $$',
    ])
    expect(r.code).toBe(139)
    expect(leftovers()).toEqual([])
    const missing = await layerdeck([
      'run',
      '--base',
      base,
      '--tmpfs',
      '8M',
      '--',
      '/no/such/program',
    ])
    expect(missing.code).toBe(127)
    expect(leftovers()).toEqual([])
  })
})

describe('layerdeck run --base /', () => {
  it('runs a program on a throwaway copy-on-write view of the whole system', async () => {
    const marker = `/etc/layerdeck-run-test-${process.pid}`
    const r = await layerdeck([
      'run',
      '--base',
      '/',
      '--tmpfs',
      '32M',
      '--',
      '/bin/sh',
      '-c',
      `echo changed > ${marker} && cat ${marker} && rm /etc/hostname && test ! -e /etc/hostname; echo $?`,
    ])
    expect(r).toEqual({ code: 0, stdout: 'changed\n0\n', stderr: '' })
    expect((await sh(`test -e ${marker}`)).code).toBe(1)
    expect((await sh('test -e /etc/hostname')).code).toBe(0)
    expect(leftovers()).toEqual([])
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(RUN_DIR)
  })
})

describe('layerdeck run: bad input', () => {
  it.each([
    [['--storage', 'STORAGE', '--', '/bin/true'], /--base DIR is required/],
    [
      ['--base', '/no/such/base', '--storage', 'STORAGE', '--', '/bin/true'],
      /base \/no\/such\/base does not exist/,
    ],
    [['--base', 'BASE', '--', '/bin/true'], /give --storage DIR .* or --tmpfs SIZE/],
    [
      ['--base', 'BASE', '--tmpfs', '12X', '--', '/bin/true'],
      /--tmpfs takes a size .* \(e\.g\. 64M or 1G\), not '12X'/,
    ],
    [['--base', 'BASE', '--tmpfs', '8M'], /no command to run: put it after --/],
  ])('refuses bad input with one line and exit 125: %j', async (args, message) => {
    const storage = newStorage(`untouched-${Math.random().toString(36).slice(2)}`)
    const r = await layerdeck([
      'run',
      ...args.map((a) => (a === 'BASE' ? base : a === 'STORAGE' ? storage : a)),
    ])
    expect(r.code).toBe(125)
    expect(r.stderr).toMatch(/^layerdeck: [^\n]+\n$/)
    expect(r.stderr).toMatch(message)
    expect(readdirSync(storage)).toEqual([])
    expect(leftovers()).toEqual([])
  })
})
