/** errno numbers from the native module as Node-style errors (code, syscall, path). */
import { constants } from 'node:os'
import { OverlayError } from '../engine/OverlayError.ts'

const NAMES = new Map<number, string>()
for (const [name, value] of Object.entries(constants.errno)) {
  if (!NAMES.has(value)) NAMES.set(value, name)
}
// Aliases the kernel never returns under their own number.
NAMES.set(constants.errno.EAGAIN, 'EAGAIN')
NAMES.set(constants.errno.ENOTSUP, 'ENOTSUP')

export function errnoName(errno: number): string {
  return NAMES.get(Math.abs(errno)) ?? 'EIO'
}

/** Throws the error for a negative result; returns a non-negative one. */
export function check(rc: number, syscall: string, path: string): number {
  if (rc >= 0) return rc
  throw new OverlayError(errnoName(rc), syscall, path)
}
