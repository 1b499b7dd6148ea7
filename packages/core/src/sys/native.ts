/**
 * Loads LayerDeck's native modules (packages/core/native, built by scripts/build-native.sh): the
 * system calls of nativeSys.ts and the FUSE binding of fuse/. Looked for beside the bundle on a
 * device (next to layerdeck.mjs), then in the source tree.
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

const cached = new Map<string, unknown>()

function candidates(file: string): string[] {
  const here = fileURLToPath(new URL('.', import.meta.url))
  return [
    process.env.LAYERDECK_NATIVE_DIR === undefined ? '' : `${process.env.LAYERDECK_NATIVE_DIR}/${file}`,
    `${here}${file}`, // beside the device bundle
    `${here}../../native/build/${file}`, // src/sys or dist/sys in the source tree
  ].filter((p) => p !== '')
}

/**
 * A native module: 'sys' (the system calls; libc only) or 'fuse' (the libfuse3 binding). Throws
 * an actionable error when it was never built or libfuse3 is missing.
 */
export function loadNative<T = NativeSys>(module: 'sys' | 'fuse' = 'sys'): T {
  const file = `layerdeck-${module}.node`
  const known = cached.get(file)
  if (known !== undefined) return known as T
  const require = createRequire(import.meta.url)
  const found = candidates(file).find((p) => existsSync(p))
  if (found === undefined) {
    throw new NativeModuleError(
      `LayerDeck's native module ${file} is not built: run scripts/setup.sh (or bash scripts/build-native.sh; it needs cc, Node's headers and libfuse3-dev)`,
    )
  }
  try {
    const loaded = require(found) as T
    cached.set(file, loaded)
    return loaded
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    if (/libfuse3\.so/.test(message)) {
      throw new NativeModuleError('libfuse3.so.3 is missing: install it (Debian: apt-get install -y fuse3; OpenWrt: opkg install libfuse3)')
    }
    throw new NativeModuleError(`cannot load ${found}: ${message}`)
  }
}
