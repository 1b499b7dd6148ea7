/** Loads fuse-native, turning a missing libfuse.so.2 into an actionable message. */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import type FuseClass from 'fuse-native'

export class MountError extends Error {
  override name = 'MountError'
}

let cached: typeof FuseClass | undefined

/**
 * The uid/gid of the FUSE request being served, from our patched build of fuse-native
 * (scripts/build-fuse-native.sh); undefined with the stock prebuilt binary.
 */
export function loadCallerLookup(): (() => { uid: number; gid: number }) | undefined {
  const require = createRequire(import.meta.url)
  try {
    const dir = dirname(require.resolve('fuse-native/package.json'))
    const binding = require(`${dir}/build/Release/fuse.node`) as { fuse_native_caller?: () => number[] }
    const lookup = binding.fuse_native_caller
    if (typeof lookup !== 'function') return undefined
    return () => {
      const [uid = 0, gid = 0] = lookup()
      return { uid, gid }
    }
  } catch {
    return undefined
  }
}

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
