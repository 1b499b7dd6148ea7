/**
 * The control socket's directory must be reachable by its owner only: whoever can connect to the
 * socket can reset the storage. The daemon makes sure of it before it listens (a 0700 directory
 * it owns, never through a symlink; a directory someone else owns is refused); the client checks
 * the same before it trusts whoever answers there.
 */
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, type Stats } from 'node:fs'

const ownUid = (): number => process.geteuid?.() ?? 0
const who = (uid: number): string => (uid === 0 ? 'root' : `uid ${uid}`)
/** A person's sentence (no errno dressing), with the code for callers that branch on it. */
const refusal = (message: string): Error => Object.assign(new Error(message), { code: 'EPERM' })

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** Why `st` (the lstat of `dir`) cannot hold the socket, or undefined when it can. */
function unsafeReason(dir: string, st: Stats): string | undefined {
  if (st.isSymbolicLink()) return `${dir} is a symbolic link: remove it (rm ${dir}) and start the mount again`
  if (!st.isDirectory()) return `${dir} is not a directory: remove it and start the mount again`
  if (st.uid !== ownUid())
    return `${dir} is owned by uid ${st.uid}, not ${who(ownUid())}: someone else made it, so sockets in it cannot be trusted; remove it (rm -r ${dir}) and start the mount again`
  return undefined
}

/**
 * Makes `dir` a directory this process owns with mode 0700: created when missing; a directory it
 * owns with a wider mode is tightened (through a descriptor opened without following links);
 * anything else is refused with what to do. Returns a note when it repaired the mode.
 */
export function secureSocketDir(dir: string): string | undefined {
  let st = lstatOrUndefined(dir)
  if (st === undefined) {
    try {
      mkdirSync(dir, { mode: 0o700 })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    st = lstatSync(dir)
  }
  const reason = unsafeReason(dir, st)
  if (reason !== undefined) throw refusal(reason)
  if ((st.mode & 0o777) === 0o700) return undefined
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)
  try {
    const now = fstatSync(fd)
    if (now.ino !== st.ino || now.dev !== st.dev || now.uid !== ownUid())
      throw refusal(`${dir} changed while it was checked: start the mount again`)
    fchmodSync(fd, 0o700)
  } finally {
    closeSync(fd)
  }
  return `${dir} was mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}: made it 0700 (only ${who(ownUid())} may reach the control socket)`
}

/**
 * The client's check before it talks to a socket: the directory is no link, is owned by this
 * process's user and writable by nobody else, and the socket itself is owned by this user. So a
 * socket another user planted is never taken for the daemon. False when there is no socket.
 */
export function trustedSocket(path: string): boolean {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/'
  const dst = lstatOrUndefined(dir)
  if (dst === undefined) return false
  const reason = unsafeReason(dir, dst) ?? ((dst.mode & 0o022) !== 0 ? `${dir} is writable by other users: make it 0700` : undefined)
  if (reason !== undefined) throw refusal(reason)
  const st = lstatOrUndefined(path)
  if (st === undefined) return false
  if (!st.isSocket() || st.uid !== ownUid())
    throw refusal(
      `${path} is not a socket made by ${who(ownUid())}: someone else put it there; remove it and start the mount again`,
    )
  return true
}
