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

export type ControlRequest =
  | { id: number; op: 'info' }
  | { id: number; op: 'status' }
  | { id: number; op: 'revert'; paths: string[]; added?: boolean; dryRun?: boolean }
  | { id: number; op: 'reset'; keep?: string[]; dryRun?: boolean }
  | { id: number; op: 'undo' }
  | { id: number; op: 'purge' }
  | { id: number; op: 'watch' }

export type ControlOp = ControlRequest['op']

export type ControlResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }

/** What a mount's daemon tells about itself (also written to work/layerdeck/mount.json). */
export interface MountInfo {
  base: string
  storage: string
  mountpoint: string
  pid: number
  since: number
}

/** A change made through the mount, or an undo action the daemon ran. */
export type ControlEvent =
  | ChangeEvent
  | { kind: 'revert'; path: string; time: number }
  | { kind: 'reset' | 'undo' | 'purge'; path: '/'; time: number }

export interface EventLine {
  event: ControlEvent
}

/** Calls `onLine` with each non-empty line a socket sends (the protocol is one JSON per line). */
export function onLines(socket: Socket, onLine: (line: string) => void): void {
  let buffer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i)
      buffer = buffer.slice(i + 1)
      if (line.trim() !== '') onLine(line)
    }
  })
}
