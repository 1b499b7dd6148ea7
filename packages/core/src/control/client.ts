/** The client side of the control channel: one connection per request, or a watch stream. */
import { connect, type Socket } from 'node:net'
import { OverlayError } from '../engine/OverlayError.ts'
import { BackupError, type BackupProblem } from '../backup/BackupError.ts'
import type { StoragePaths } from '../engine/storageFormat.ts'
import { trustedSocket } from './socketDir.ts'
import {
  onLines,
  socketPath,
  type ControlError,
  type ControlEvent,
  type ControlRequest,
  type ControlResponse,
  type EventLine,
} from './protocol.ts'

type Body<R> = R extends unknown ? Omit<R, 'id'> : never
export type RequestBody = Body<ControlRequest>

/**
 * Connects to the daemon serving a storage; undefined when none is listening. Rejects (EPERM)
 * when the socket or its directory could have been made by another user (socketDir.ts).
 */
export function openControl(paths: StoragePaths, timeoutMs = 2000): Promise<Socket | undefined> {
  return new Promise((resolve, reject) => {
    try {
      if (!trustedSocket(socketPath(paths))) return resolve(undefined)
    } catch (err) {
      return reject(err instanceof Error ? err : new Error(String(err)))
    }
    const socket = connect(socketPath(paths))
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        new OverlayError(
          'ETIMEDOUT',
          'connect',
          socketPath(paths),
          'the daemon does not answer on its control socket',
        ),
      )
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      resolve(socket)
    })
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(undefined)
      else reject(err)
    })
  })
}

/** Calls `onLine` with each JSON value the socket sends. */
function readLines(socket: Socket, onLine: (value: unknown) => void): void {
  onLines(socket, (line) => onLine(JSON.parse(line)))
}

/** Sends one request and resolves with its result (rejects with the daemon's errno error). */
export function request(socket: Socket, body: RequestBody, timeoutMs = 120_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new OverlayError('ETIMEDOUT', body.op, '', 'the daemon did not answer in time')),
      timeoutMs,
    )
    const done = (fn: () => void): void => {
      clearTimeout(timer)
      fn()
    }
    readLines(socket, (value) => {
      const res = value as ControlResponse
      if (res.id !== 1) return
      if (res.ok) done(() => resolve(res.result))
      else done(() => reject(remoteError(res.error)))
    })
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(() => reject(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? stoppedBeforeAnswering(body.op) : err)),
    )
    socket.once('close', () => done(() => reject(stoppedBeforeAnswering(body.op))))
    socket.write(`${JSON.stringify({ ...body, id: 1 })}\n`)
  })
}

/** The daemon's refusal as the same error the library throws locally (a BackupError keeps its problem). */
function remoteError(error: ControlError): Error {
  const err = error.problem !== undefined ? new BackupError(error.problem as BackupProblem, error.message) : new Error(error.message)
  return Object.assign(err, { code: error.code, ...(error.openFiles ? { openFiles: error.openFiles } : {}) })
}

const CHANGES = new Set(['revert', 'reset', 'undo', 'purge', 'restore'])

/** What is known when the daemon went away with a request unanswered. */
function stoppedBeforeAnswering(op: string): Error {
  const change = CHANGES.has(op)
  const what = op === 'undo' ? 'undo' : op
  const message = change
    ? `the daemon stopped before answering: the ${what} may or may not have happened. A change it was making ` +
      "is finished or rolled back when the storage is next mounted or read: check with 'layerdeck status --storage DIR'"
    : "the daemon stopped before answering: is the mount still served? check with 'layerdeck status --storage DIR'"
  return Object.assign(new Error(message), { code: 'ECONNRESET' })
}

/** Connects, sends one request, hangs up. */
export async function call(paths: StoragePaths, body: RequestBody): Promise<unknown> {
  const socket = await openControl(paths)
  if (socket === undefined)
    throw new OverlayError(
      'ENOTCONN',
      body.op,
      paths.root,
      'no layerdeck daemon serves this storage',
    )
  try {
    return await request(socket, body)
  } finally {
    socket.end()
  }
}

/** Streams the daemon's events until `stop()`; resolves when the stream ends. */
export function watch(
  socket: Socket,
  onEvent: (event: ControlEvent) => void,
): { done: Promise<void>; stop(): void } {
  const done = new Promise<void>((resolve, reject) => {
    readLines(socket, (value) => {
      const line = value as Partial<EventLine> & Partial<ControlResponse>
      if (line.event !== undefined) onEvent(line.event)
      else if (line.ok === false && line.error !== undefined)
        reject(Object.assign(new Error(line.error.message), { code: line.error.code }))
    })
    socket.once('close', () => resolve())
    socket.once('error', reject)
  })
  socket.write(`${JSON.stringify({ id: 1, op: 'watch' })}\n`)
  return { done, stop: () => socket.end() }
}
