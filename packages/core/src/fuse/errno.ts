/** The one table from engine errors (Node errno codes) to the negative errno FUSE expects. */
import { constants } from 'node:os'

const ERRNO = constants.errno as Record<string, number>
const EIO = -(ERRNO.EIO ?? 5)

export function toFuseError(err: unknown, onUnexpected: (err: unknown) => void): number {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err).code : undefined
  if (typeof code === 'string') {
    if (code === 'ENOTSUP') return -(ERRNO.EOPNOTSUPP ?? 95)
    const errno = ERRNO[code]
    if (errno !== undefined) return -errno
  }
  onUnexpected(err)
  return EIO
}
