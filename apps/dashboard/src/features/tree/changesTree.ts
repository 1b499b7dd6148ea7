/**
 * The "changes only" view: the changed paths with their parents, as a tree that can be folded.
 * Pure: builds the nodes from the flat change list and flattens the open ones into rows.
 */
import type { Change, TreeEntry } from '@layerdeck/api'
import { ancestorsOf, nameOf } from '../../shared/paths.ts'

export interface ChangeNode {
  path: string
  /** The change at this path, or null for a parent that is only on the way to one. */
  change: Change | null
  children: ChangeNode[]
}

export function buildChangeTree(changes: Change[]): ChangeNode {
  const root: ChangeNode = { path: '/', change: null, children: [] }
  const byPath = new Map<string, ChangeNode>([['/', root]])
  for (const change of changes) {
    let parent = root
    for (const at of ancestorsOf(change.path).slice(1)) {
      let node = byPath.get(at)
      if (!node) {
        node = { path: at, change: null, children: [] }
        byPath.set(at, node)
        parent.children.push(node)
      }
      parent = node
    }
    if (change.path === '/') root.change = change
    else parent.change = change
  }
  const sort = (node: ChangeNode) => {
    node.children.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    node.children.forEach(sort)
  }
  sort(root)
  return root
}

export interface ChangeRow {
  node: ChangeNode
  level: number
  expanded: boolean
}

/** Depth-first rows of the open folders (root's children at level 1). */
export function flattenChanges(root: ChangeNode, collapsed: ReadonlySet<string>): ChangeRow[] {
  const rows: ChangeRow[] = []
  const walk = (node: ChangeNode, level: number) => {
    for (const child of node.children) {
      const expanded = child.children.length > 0 && !collapsed.has(child.path)
      rows.push({ node: child, level, expanded })
      if (expanded) walk(child, level + 1)
    }
  }
  walk(root, 1)
  return rows
}

/** A change-tree node shaped like a tree entry, for the shared row. */
export function asEntry(node: ChangeNode): TreeEntry {
  const c = node.change
  return {
    name: nameOf(node.path),
    path: node.path,
    type: c ? c.type : 'dir',
    state: c ? c.state : 'unchanged',
    inStorage: c !== null,
    size: c?.size ?? 0,
    mode: 0,
    uid: 0,
    gid: 0,
    mtime: 0,
    target: null,
    storageBytes: 0,
    fields: c?.fields ?? [],
  }
}
