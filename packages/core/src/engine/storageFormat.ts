/**
 * The storage format: kernel overlayfs' own upperdir/workdir pair.
 *
 *   STORAGE/upper/   changed and new files, whiteouts, opaque directories   (overlayfs "upperdir")
 *   STORAGE/work/    scratch space on the same filesystem                    (overlayfs "workdir")
 *
 * A whiteout is a 0/0 character device; an opaque directory carries trusted.overlay.opaque="y";
 * a directory renamed by the kernel with redirect_dir=on carries trusted.overlay.redirect.
 */
import { isCharDevice } from './fileMode.ts'
import type { FileStat } from './sys.ts'

export const UPPER_DIR = 'upper'
export const WORK_DIR = 'work'
/** LayerDeck's own scratch folder inside work/ (the kernel keeps work/work and work/index). */
export const STAGING_DIR = 'layerdeck'
export const WHITEOUT_NAME = 'whiteout'
export const STAGE_PREFIX = 'stage-'

export const XATTR_PREFIX = 'trusted.overlay.'
export const OPAQUE_XATTR = 'trusted.overlay.opaque'
export const REDIRECT_XATTR = 'trusted.overlay.redirect'
/**
 * LayerDeck's own record of where a copied-up entry came from: "INO:PATH" (the base inode number
 * and the path under the base root), so st_ino survives renames and hard links. Under
 * trusted.overlay. so the kernel hides it too and leaves it alone.
 */
export const ORIGIN_XATTR = 'trusted.overlay.layerdeck.origin'

export function isWhiteoutStat(stat: FileStat): boolean {
  return isCharDevice(stat.mode) && stat.rdev === 0
}

/** The overlay's private xattrs are never shown through the mount nor set through it. */
export function isPrivateXattr(name: string): boolean {
  return name.startsWith(XATTR_PREFIX)
}

export function isOpaqueValue(value: Buffer | undefined): boolean {
  return value !== undefined && value.length > 0 && value[0] === 0x79 /* 'y' */
}

export interface StoragePaths {
  root: string
  upper: string
  work: string
  staging: string
  whiteout: string
}

export function storagePaths(storage: string): StoragePaths {
  const root = storage.replace(/\/+$/, '') || '/'
  const work = `${root}/${WORK_DIR}`
  const staging = `${work}/${STAGING_DIR}`
  return {
    root,
    upper: `${root}/${UPPER_DIR}`,
    work,
    staging,
    whiteout: `${staging}/${WHITEOUT_NAME}`,
  }
}

/**
 * Names in a storage folder that belong to no storage: a folder holding any of them and no
 * upper/ is probably not a storage (a wrong --storage). layerdeck/ is the agent's own data.
 */
export function foreignNames(names: string[]): string[] {
  const known = new Set([UPPER_DIR, WORK_DIR, 'lost+found', 'layerdeck'])
  return names.filter((n) => !known.has(n) && !n.startsWith('.layerdeck'))
}
