/**
 * Loads LayerDeck's native module (packages/core/native, built by scripts/build-native.sh): the
 * system calls of nativeSys.ts and the FUSE binding of fuse/. Looked for beside the bundle on a
 * device (layerdeck.node next to layerdeck.mjs), then in the source tree.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

/** The functions sys.c exports. Paths and names are surrogateescape strings (engine/byteNames.ts). */
export interface NativeSys {
  lstat(path: string, out: Float64Array): number
  fstat(fd: number, out: Float64Array): number
  open(path: string, flags: number, mode: number): number
  readdir(path: string, onlyCharDevices: boolean): string[] | number
  mkdir(path: string, mode: number): number
  unlink(path: string, directory: boolean): number
  rename(from: string, to: string, flags: number): number
  link(existing: string, newPath: string): number
  symlink(target: string, path: string): number
  readlink(path: string): string | number
  chmod(path: string, mode: number): number
  lchown(path: string, uid: number, gid: number): number
  utimens(path: string, aSec: number, aNsec: number, mSec: number, mNsec: number): number
  futimens(fd: number, aSec: number, aNsec: number, mSec: number, mNsec: number): number
  truncate(path: string, length: number): number
  mknod(path: string, mode: number, rdev: number): number
  statfs(path: string, out: Float64Array): number
  getxattr(path: string, name: string): Buffer | number
  setxattr(path: string, name: string, value: Buffer, flags: number): number
  removexattr(path: string, name: string): number
  listxattr(path: string): string[] | number
  dup2(from: string | number, to: number): number
  flock(fd: number): number
  raiseNofile(): number
}

export class NativeModuleError extends Error {
  override name = 'NativeModuleError'
}

let cached: unknown

function candidates(): string[] {
  const here = fileURLToPath(new URL('.', import.meta.url))
  return [
    process.env.LAYERDECK_NATIVE ?? '',
    `${here}layerdeck.node`, // beside the device bundle
    `${here}../../native/build/layerdeck.node`, // src/sys or dist/sys in the source tree
  ].filter((p) => p !== '')
}

/** The native module; throws an actionable error when it was never built. */
export function loadNative<T = NativeSys>(): T {
  if (cached !== undefined) return cached as T
  const require = createRequire(import.meta.url)
  const found = candidates().find((p) => existsSync(p))
  if (found === undefined) {
    throw new NativeModuleError(
      'LayerDeck\'s native module is not built: run scripts/setup.sh (or bash scripts/build-native.sh; it needs cc, Node\'s headers and libfuse3-dev)',
    )
  }
  cached = require(found)
  return cached as T
}
