/**
 * What the kernel remembers of the merged tree, and how a live revert, reset, undo or restore
 * makes it forget: every file at or under a changed path loses its names (its next lookup gets a
 * new node, so a process still holding the old file never shares an inode, a size or a page
 * cache with the file that replaced it), and the kernel drops those entries and the cached
 * attributes and data of those inodes and of the directories around them. The binding sends the
 * invalidations from a thread of its own; the promise resolves when the kernel has taken them.
 */
import { isWithin, parentOf } from '../engine/mergedPath.ts'
import type { Session } from './binding.ts'
import { loadBinding } from './binding.ts'
import type { Node, NodeTable } from './nodes.ts'

export interface KernelCache {
  /** Forget everything at or under `paths`, except what is at or under `keep`. */
  invalidate(paths: string[], keep?: string[]): Promise<void>
  /** Writes, fsync and close through these handles fail with EIO from now on. */
  strand(fds: number[]): void
}

export function kernelCache(session: () => Session | undefined, nodes: NodeTable): KernelCache {
  const binding = loadBinding()
  return {
    strand: (fds) => {
      for (const fd of fds) binding.fuseStrand(fd)
    },
    invalidate: (paths, keep = []) =>
      new Promise<void>((resolve) => {
        const s = session()
        if (s === undefined) {
          resolve()
          return
        }
        const hit = (p: string): boolean => paths.some((dir) => isWithin(p, dir)) && !keep.some((k) => isWithin(p, k))
        const inodes = new Set<number>([nodes.root.id])
        const parents: number[] = []
        const names: string[] = []
        const detach: Array<[Node, string]> = []
        for (const { node, path } of nodes.named()) {
          const around = paths.some((dir) => isWithin(dir, path)) // a directory above a changed path
          if (!hit(path) && !around) continue
          inodes.add(node.id)
          if (!hit(path)) continue
          for (const n of node.names) {
            parents.push(n.parent.id)
            names.push(n.name)
            inodes.add(n.parent.id)
          }
          if (!node.isDir) detach.push([node, parentOf(path)])
        }
        for (const [node] of detach) {
          for (const n of [...node.names]) nodes.unname(n.parent, n.name)
        }
        binding.fuseInvalidate(s, [...inodes], parents, names, resolve)
      }),
  }
}
