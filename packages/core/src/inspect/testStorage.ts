/**
 * Test helper: a real base and storage on temp dirs, with whiteouts (0/0 character devices) and
 * opaque directories written the way the kernel writes them. Used by the unit tests of
 * inspect/ and undo/.
 */
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createSys } from '../sys/nativeSys.ts'

export interface TestStorage {
  root: string
  base: string
  storage: string
  upper: string
  /** Writes a file in the base (parents created). */
  baseFile(path: string, content: string | Buffer, mode?: number): void
  /** Writes a file in storage/upper (parents created), copying the base's mtime when asked. */
  upperFile(path: string, content: string | Buffer, mode?: number): void
  upperDir(path: string, opaque?: boolean): void
  whiteout(path: string): void
  symlink(layer: 'base' | 'upper', target: string, path: string): void
  /** Gives the storage entry the base entry's mode and times (as a copy-up does). */
  sameMeta(path: string): void
  cleanup(): void
}

export function makeTestStorage(): TestStorage {
  const root = mkdtempSync(join(tmpdir(), 'layerdeck-unit-'))
  const base = join(root, 'base')
  const storage = join(root, 'storage')
  const upper = join(storage, 'upper')
  for (const d of [base, upper, join(storage, 'work')]) mkdirSync(d, { recursive: true })
  utimesSync(base, 1_600_000_000, 1_600_000_000)
  const write = (real: string, content: string | Buffer, mode = 0o644): void => {
    mkdirSync(dirname(real), { recursive: true })
    writeFileSync(real, content)
    chmodSync(real, mode)
    utimesSync(real, 1_600_000_000, 1_600_000_000)
  }
  return {
    root,
    base,
    storage,
    upper,
    baseFile: (p, c, m) => write(join(base, p), c, m),
    upperFile: (p, c, m) => write(join(upper, p), c, m),
    upperDir: (p, opaque = false) => {
      mkdirSync(join(upper, p), { recursive: true })
      if (opaque) createSys().setXattr(join(upper, p), 'trusted.overlay.opaque', Buffer.from('y'))
    },
    whiteout: (p) => {
      mkdirSync(dirname(join(upper, p)), { recursive: true })
      execFileSync('mknod', [join(upper, p), 'c', '0', '0'])
    },
    symlink: (layer, target, p) => {
      const real = join(layer === 'base' ? base : upper, p)
      mkdirSync(dirname(real), { recursive: true })
      symlinkSync(target, real)
    },
    sameMeta: (p) => {
      execFileSync('touch', ['-h', '-r', join(base, p), join(upper, p)])
      execFileSync('chmod', ['--reference', join(base, p), join(upper, p)])
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  }
}
