/**
 * Some changes must take a whiteout (or a directory that hides the base) away for a moment before
 * the new entry lands: mkdir over a deleted name, rmdir of a directory that covers the base, a
 * directory renamed onto a deleted name. A crash in that moment would bring a deleted base entry
 * back. So the name is guarded first: a small durable note in work/layerdeck/ that the next mount
 * turns back into a whiteout when nothing landed there.
 */
import type { OverlayContext } from './context.ts'
import { readFileText, removeFile, writeFileAtomic } from './smallFile.ts'
import { placeWhiteout } from './whiteout.ts'

const GUARD_PREFIX = 'guard-'

/** Records that `upperPath` must hold a whiteout unless something lands there. Returns the note. */
export function guardName(ctx: OverlayContext, upperPath: string): string {
  const name = ctx.staging.uniqueName(GUARD_PREFIX)
  // The inode of upper/ itself: a reset or restore swaps in another one, and the note is void.
  const upperIno = ctx.sys.lstat(ctx.paths.upper)?.ino ?? 0
  writeFileAtomic(ctx.sys, ctx.paths.staging, name, `${upperIno}\n${upperPath}`)
  return `${ctx.paths.staging}/${name}`
}

export function releaseGuard(ctx: OverlayContext, note: string): void {
  removeFile(ctx.sys, note)
}

/** At mount: a guarded name left empty by a crash gets its whiteout back. Returns how many. */
export function recoverGuards(ctx: OverlayContext): number {
  let restored = 0
  for (const name of ctx.sys.readdir(ctx.paths.staging)) {
    if (!name.startsWith(GUARD_PREFIX)) continue
    const note = `${ctx.paths.staging}/${name}`
    const [upperIno, upperPath] = (readFileText(ctx.sys, note) ?? '').split('\n')
    const sameUpper = String(ctx.sys.lstat(ctx.paths.upper)?.ino) === upperIno
    if (sameUpper && upperPath?.startsWith(`${ctx.paths.upper}/`) === true && ctx.sys.lstat(upperPath) === undefined) {
      const parent = upperPath.slice(0, upperPath.lastIndexOf('/'))
      if (ctx.sys.lstat(parent) !== undefined) {
        placeWhiteout(ctx.sys, ctx.paths, ctx.staging, upperPath, true)
        restored += 1
      }
    }
    releaseGuard(ctx, note)
  }
  return restored
}
