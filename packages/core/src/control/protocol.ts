/**
 * The control channel between a mount's daemon and the CLI (and the agent): a unix socket at
 * STORAGE/work/layerdeck/control.sock (in a root-only 0700 directory, socket mode 0600),
 * newline-delimited JSON. One request per line, `{ id, op, ...args }`; one answer per request,
 * `{ id, ok: true, result }` or `{ id, ok: false, error: { code, message } }`. `watch` answers
 * once and then streams `{ event }` lines until the client hangs up.
 */
import { createHash } from 'node:crypto'
import type { Socket } from 'node:net'
import type { ChangeEvent } from '../engine/events.ts'
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { RestoreLimits } from '../backup/archiveValidator.ts'

export const SOCKET_NAME = 'control.sock'
export const MOUNT_RECORD_NAME = 'mount.json'

/** A unix socket path holds at most 107 bytes (sun_path). */
const SUN_PATH_MAX = 107
/** Where the socket goes when the storage's own path is too long for one. */
export const SOCKET_FALLBACK_DIR = '/run/layerdeck'

/** work/layerdeck/control.sock, or /run/layerdeck/<hash of the storage>.sock when that is too long. */
export function socketPath(paths: StoragePaths): string {
  const own = `${paths.staging}/${SOCKET_NAME}`
  if (Buffer.byteLength(own) <= SUN_PATH_MAX) return own
  return `${SOCKET_FALLBACK_DIR}/${createHash('sha256').update(paths.root).digest('hex').slice(0, 16)}.sock`
}
export const mountRecordPath = (paths: StoragePaths): string =>
  `${paths.staging}/${MOUNT_RECORD_NAME}`

/**
 * Requests. revert, reset, undo and restore first look at the open files the change would
 * strand (see OpenFile); with any, they answer EBUSY with `openFiles` and change nothing,
 * unless `force` is set. A dry run answers the plan with the same `openFiles` list.
 */
export type ControlRequest =
  | { id: number; op: 'info' }
  | { id: number; op: 'status' }
  | { id: number; op: 'handles' }
  | { id: number; op: 'revert'; paths: string[]; added?: boolean; dryRun?: boolean; force?: boolean }
  | { id: number; op: 'reset'; keep?: string[]; dryRun?: boolean; force?: boolean }
  | { id: number; op: 'undo'; force?: boolean }
  | { id: number; op: 'purge' }
  | {
      id: number
      op: 'restore'
      /** A backup archive the daemon can read (a path on the device). */
      archive: string
      replace?: boolean
      dryRun?: boolean
      force?: boolean
      /** Refusal limits (entries, bytes...); the defaults otherwise. */
      limits?: Partial<RestoreLimits>
    }
  | { id: number; op: 'snapshot' }
  | { id: number; op: 'release'; snapshot: string }
  | { id: number; op: 'watch' }

export type ControlOp = ControlRequest['op']

export type ControlResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ControlError }

export interface ControlError {
  /** errno code: EBUSY (open files would be stranded), EINVAL, ENOENT, ENOSPC, ... */
  code: string
  message: string
  /** With EBUSY from revert/reset/undo/restore: the open files the change would strand. */
  openFiles?: OpenFile[]
  /** A refused backup or restore: its BackupError problem (invalid-input, too-large, ...). */
  problem?: string
}

/** An open file on the mount, and who holds it. */
export interface OpenFile {
  /** Overlay path the file was opened at. */
  path: string
  pid: number
  uid: number
  /** /proc/PID/comm while the process lives. */
  command?: string
  /** Opened for writing: a revert or reset would strand what it writes next. */
  write: boolean
}

/** What a mount's daemon tells about itself (also written to work/layerdeck/mount.json). */
export interface MountInfo {
  base: string
  storage: string
  mountpoint: string
  pid: number
  since: number
  /** The FUSE binding and LayerDeck version serving the mount (live answers only). */
  engine?: string
  version?: string
  /** The storage was full at mount time: bookkeeping notes could not be written. */
  storageFull?: boolean
}

/** A change made through the mount, or an undo action the daemon ran. */
export type ControlEvent =
  | ChangeEvent
  | { kind: 'revert'; path: string; time: number }
  | { kind: 'reset' | 'undo' | 'purge' | 'restore'; path: '/'; time: number }
  /** The last event a watcher gets: the mount went away (unmounted, daemon stopping). */
  | { kind: 'unmount'; path: '/'; time: number }

export interface EventLine {
  event: ControlEvent
}

/** A request line longer than this drops the client (requests are small; paths are < 64 KiB). */
export const MAX_REQUEST_LINE = 1 << 20
/** An answer line longer than this drops the connection on the client side. */
export const MAX_ANSWER_LINE = 512 << 20

export interface LineLimit {
  /** Longest line accepted, in UTF-16 code units (at most as many as its UTF-8 bytes). */
  maxLine: number
  /** Called once when a line grows past maxLine; nothing more is read from the socket. */
  onOverflow(): void
}

/**
 * Calls `onLine` with each non-empty line a socket sends (the protocol is one JSON per line).
 * Each chunk is scanned once; what waits for its newline is kept as pieces and capped by
 * `limit.maxLine`, so a peer that never sends one can neither grow the buffer without end nor
 * make every read rescan it.
 */
export function onLines(
  socket: Socket,
  onLine: (line: string) => void,
  limit: LineLimit = { maxLine: MAX_ANSWER_LINE, onOverflow: () => socket.destroy() },
): void {
  let pending: string[] = []
  let pendingLength = 0
  let overflowed = false
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    if (overflowed) return
    let start = 0
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', start)) {
      const line = pending.join('') + chunk.slice(start, i)
      pending = []
      pendingLength = 0
      start = i + 1
      if (line.length > limit.maxLine) return overflow()
      if (line.trim() !== '') onLine(line)
      if (socket.destroyed) return
    }
    if (start < chunk.length) {
      pending.push(chunk.slice(start))
      pendingLength += chunk.length - start
      if (pendingLength > limit.maxLine) overflow()
    }
  })
  function overflow(): void {
    overflowed = true
    pending = []
    pendingLength = 0
    socket.pause()
    limit.onOverflow()
  }
}
