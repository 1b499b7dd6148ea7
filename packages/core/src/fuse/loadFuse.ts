/** Loads fuse-native, turning a missing libfuse.so.2 into an actionable message. */
import { createRequire } from 'node:module'
import type FuseClass from 'fuse-native'

export class MountError extends Error {
  override name = 'MountError'
}

let cached: typeof FuseClass | undefined

export function loadFuse(): typeof FuseClass {
  if (cached !== undefined) return cached
  const require = createRequire(import.meta.url)
  try {
    cached = require('fuse-native') as typeof FuseClass
    return cached
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    if (/libfuse\.so\.2/.test(message)) {
      throw new MountError('libfuse.so.2 is missing: install it with `apt-get install -y libfuse2` (Debian 13: libfuse2t64)')
    }
    throw new MountError(`cannot load fuse-native: ${message}`)
  }
}
