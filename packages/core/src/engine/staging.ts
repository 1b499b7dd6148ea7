/**
 * Staging in work/: everything that appears in upper/ is built here first and renamed into place,
 * so a crash leaves either the old state or the complete new one. Stale stages from a crash are
 * removed at the next mount.
 */
import { isDir, S_IFCHR } from './fileMode.ts'
import { hasCode } from './OverlayError.ts'
import { STAGE_PREFIX, type StoragePaths } from './storageFormat.ts'
import type { Sys } from './sys.ts'

export class Staging {
  readonly #sys: Sys
  readonly #paths: StoragePaths
  #counter = 0

  constructor(sys: Sys, paths: StoragePaths) {
    this.#sys = sys
    this.#paths = paths
  }

  /** A fresh, unused path in work/layerdeck/ (a stage: removed at the next mount). */
  next(): string {
    return `${this.#paths.staging}/${this.uniqueName(STAGE_PREFIX)}`
  }

  /** A name no other entry of work/layerdeck/ has, starting with `prefix`. */
  uniqueName(prefix: string): string {
    this.#counter += 1
    return `${prefix}${process.pid}-${this.#counter}`
  }

  /** Removes a stage that did not make it into upper/ (best effort: the next mount cleans too). */
  discard(path: string): void {
    try {
      removeTree(this.#sys, path)
    } catch {
      // left for the cleanup at the next mount
    }
  }

  /** Creates work/layerdeck/ and the shared whiteout; removes stale stages. Returns how many. */
  prepare(): number {
    const sys = this.#sys
    for (const dir of [this.#paths.work, this.#paths.staging]) {
      try {
        sys.mkdir(dir, 0o700)
      } catch (err) {
        if (!hasCode(err, 'EEXIST')) throw err
      }
    }
    let stale = 0
    for (const name of sys.readdir(this.#paths.staging)) {
      if (!name.startsWith(STAGE_PREFIX)) continue
      removeTree(sys, `${this.#paths.staging}/${name}`)
      stale += 1
    }
    if (sys.lstat(this.#paths.whiteout) === undefined) {
      try {
        this.newWhiteout()
      } catch (err) {
        // A full storage (no inode left) still mounts; the first deletion makes the whiteout.
        if (!hasCode(err, 'ENOSPC', 'EDQUOT')) throw err
      }
    }
    return stale
  }

  /** Replaces the shared whiteout with a fresh 0/0 character device (when its links run out). */
  newWhiteout(): void {
    const tmp = this.next()
    this.#sys.mknod(tmp, S_IFCHR | 0o000, 0)
    this.#sys.rename(tmp, this.#paths.whiteout)
  }
}

/**
 * rm -r without following symlinks. Iterative (a stack of directories, each read once): a
 * storage tree may be as deep as any user made it through the mount.
 */
export function removeTree(sys: Sys, path: string): void {
  const stat = sys.lstat(path)
  if (stat === undefined) return
  if (!isDir(stat.mode)) {
    sys.unlink(path)
    return
  }
  const stack = [{ dir: path, names: sys.readdir(path), next: 0 }]
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const name = top.names[top.next++]
    if (name === undefined) {
      sys.rmdir(top.dir)
      stack.pop()
      continue
    }
    const child = `${top.dir}/${name}`
    const st = sys.lstat(child)
    if (st === undefined) continue
    if (isDir(st.mode)) stack.push({ dir: child, names: sys.readdir(child), next: 0 })
    else sys.unlink(child)
  }
}
