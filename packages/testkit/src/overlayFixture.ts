/**
 * One overlay for one test: fresh temp dirs (base, storage, mount point), a base filled by a
 * shell script, a real `layerdeck mount`, and cleanup in every case (stop, force-unmount, rm).
 */
import { chmodSync, mkdirSync } from 'node:fs'
import { startMount, type MountProcess } from './mountProcess.ts'
import { sh, shOk, type ShResult } from './shell.ts'
import { tempDir } from './tempDir.ts'
import { hashTree } from './treeSnapshot.ts'

export interface OverlayFixture {
  /** The temp dir holding base/, storage/ and mnt/. */
  root: string
  base: string
  storage: string
  mnt: string
  mount: MountProcess
}

export interface OverlayFixtureOptions {
  /** Where the storage lives (e.g. a small tmpfs); default ROOT/storage. */
  storage?: string
  /** Called before the temp dir is removed (e.g. to unmount a tmpfs), even when the test failed. */
  cleanup?: () => Promise<void> | void
  /** Let every user reach the mount point (the temp dir is 0700 otherwise). */
  reachableByAll?: boolean
}

/**
 * Runs `fn` against a fresh mount whose base was filled by `baseScript` (run in the base dir), and
 * fails when the base was written meanwhile: the base is never written, whatever the test did.
 */
export async function withOverlay(
  baseScript: string,
  fn: (f: OverlayFixture) => Promise<void>,
  options: OverlayFixtureOptions = {},
): Promise<void> {
  const tmp = tempDir()
  let mount: MountProcess | undefined
  try {
    const root = tmp.path
    const base = `${root}/base`
    const storage = options.storage ?? `${root}/storage`
    const mnt = `${root}/mnt`
    for (const dir of [base, storage, mnt]) mkdirSync(dir, { recursive: true })
    if (baseScript.trim() !== '') await shOk(baseScript, { cwd: base })
    if (options.reachableByAll === true) chmodSync(root, 0o755)
    const before = await hashTree(base)
    mount = await startMount({ base, storage, mountpoint: mnt })
    await fn({ root, base, storage, mnt, mount })
    if ((await hashTree(base)) !== before) throw new Error(`the base ${base} was written during the test`)
  } finally {
    try {
      await mount?.stop()
    } finally {
      try {
        await options.cleanup?.()
      } finally {
        tmp.cleanup()
      }
    }
  }
}

/** Runs a Python 3 script (Debian's, so every user can run it) in a child process. */
export function py(
  script: string,
  options: { cwd?: string; user?: number } = {},
): Promise<ShResult> {
  const run = `/usr/bin/python3 - <<'LAYERDECK_PY'\n${script}\nLAYERDECK_PY`
  return sh(asUser(run, options.user), options.cwd === undefined ? {} : { cwd: options.cwd })
}

/** Like py, but rejects with the output when the script fails. */
export async function pyOk(
  script: string,
  options: { cwd?: string; user?: number } = {},
): Promise<string> {
  const r = await py(script, options)
  if (r.code !== 0) throw new Error(`python exit ${r.code}:\n${script}\n${r.stdout}${r.stderr}`)
  return r.stdout
}

const PRELUDE = `import errno, json, os, sys
def attempt(fn, *args, **kwargs):
    """Runs fn; returns 'ok' (or its result) or the errno name it failed with."""
    try:
        r = fn(*args, **kwargs)
        return 'ok' if r is None else r
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
def slurp(path):
    with open(path, 'rb') as f:
        return f.read().decode('latin-1')
def put(path, data, mode='w'):
    with open(path, mode) as f:
        f.write(data)
`

/**
 * Runs a Python probe with helpers (attempt, slurp, put, json, os, errno) and parses the JSON
 * it prints last. Rejects when the script fails.
 */
export async function pyJson<T = Record<string, unknown>>(
  script: string,
  options: { cwd?: string; user?: number } = {},
): Promise<T> {
  const out = await pyOk(`${PRELUDE}\n${script}`, options)
  const last = out.trim().split('\n').pop() ?? ''
  return JSON.parse(last) as T
}

/** Wraps a bash script to run as another uid/gid (same number) with no supplementary groups. */
export function asUser(script: string, uid?: number): string {
  if (uid === undefined) return script
  return `setpriv --reuid=${uid} --regid=${uid} --clear-groups bash -c ${shellQuote(script)}`
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}
