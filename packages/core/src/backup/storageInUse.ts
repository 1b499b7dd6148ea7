/**
 * Is a storage in use by a mount? A restore rewrites upper/ under a mount's feet, so it is
 * refused while the kernel (overlay with upperdir=STORAGE/upper) or a LayerDeck daemon serves it.
 *
 * A FUSE mount's line in /proc/self/mountinfo does not name its storage, so a LayerDeck daemon is
 * found by its control socket (STORAGE/work/layerdeck/control.sock accepting a connection) or,
 * until every daemon has one, by a running `layerdeck mount ... --storage DIR` process.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { connect } from 'node:net'
import { resolve } from 'node:path'
import { storagePaths } from '../engine/storageFormat.ts'

export const CONTROL_SOCKET = 'control.sock'

export async function storageInUse(storage: string): Promise<string | undefined> {
  const real = realpathSync(storage)
  return kernelMount(real) ?? daemonProcess(real) ?? (await controlSocket(real))
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))
}

/** A kernel overlay mount whose upperdir is this storage's upper/. */
export function kernelMount(storage: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string | undefined {
  const upper = storagePaths(storage).upper
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ')
    if (left === undefined || right === undefined) continue
    const [fstype, , options = ''] = right.split(' ')
    if (fstype !== 'overlay') continue
    const upperdir = options.split(',').find((o) => o.startsWith('upperdir='))
    if (upperdir !== undefined && unescape(upperdir.slice('upperdir='.length)) === upper) {
      const mountpoint = unescape(left.split(' ')[4] ?? '?')
      return `the kernel has it mounted at ${mountpoint}: unmount it first (umount ${mountpoint})`
    }
  }
  return undefined
}

/** A `layerdeck mount --storage DIR` process (any program run with `mount` and `--storage`). */
function daemonProcess(storage: string): string | undefined {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n) && n !== String(process.pid))
  } catch {
    return undefined
  }
  for (const pid of pids) {
    const args = readArgs(pid)
    if (args === undefined || !args.includes('mount')) continue
    const dir = storageArg(args)
    if (dir === undefined) continue
    if (sameDir(pid, dir, storage)) {
      return `layerdeck (pid ${pid}) is serving it: stop that mount first (kill -TERM ${pid})`
    }
  }
  return undefined
}

function readArgs(pid: string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
  } catch {
    return undefined
  }
}

function storageArg(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--storage') return args[i + 1]
    if (a.startsWith('--storage=')) return a.slice('--storage='.length)
  }
  return undefined
}

function sameDir(pid: string, dir: string, storage: string): boolean {
  try {
    const cwd = realpathSync(`/proc/${pid}/cwd`)
    return realpathSync(resolve(cwd, dir)) === storage
  } catch {
    return false
  }
}

/** The control channel of a live daemon (a stale socket file refuses connections). */
function controlSocket(storage: string): Promise<string | undefined> {
  const socket = `${storagePaths(storage).staging}/${CONTROL_SOCKET}`
  if (!existsSync(socket)) return Promise.resolve(undefined)
  return new Promise((done) => {
    const client = connect(socket)
    const finish = (answer: string | undefined): void => {
      client.destroy()
      done(answer)
    }
    client.setTimeout(1000, () => finish(undefined))
    client.once('connect', () => finish(`a LayerDeck daemon is serving it (${socket} answers): stop the mount first`))
    client.once('error', () => finish(undefined))
  })
}
