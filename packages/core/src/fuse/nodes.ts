/**
 * The kernel's inodes, as FUSE node ids. A node is a file or directory the kernel holds a
 * reference to (nlookup), reached through one or more names (parent node + name): the names of a
 * storage file with several hard links share one node, so the kernel keeps one inode, one
 * attribute cache and one page cache for all of them, as on any filesystem. A name whose file
 * changed underneath (a revert, a reset, a rename over it) gets a new node, so a process still
 * holding the old file never shares an inode with its replacement.
 */
import { isDir } from '../engine/fileMode.ts'
import type { Attr } from '../engine/attr.ts'
import { ROOT } from '../engine/mergedPath.ts'

export const ROOT_NODE = 1

export interface Name {
  parent: Node
  name: string
}

export interface Node {
  readonly id: number
  /** References the kernel holds (lookup replies minus forgets). */
  nlookup: number
  /** The names that reach this node; the first gives its path. Empty once all are unlinked. */
  names: Name[]
  isDir: boolean
  /** st_ino shown for it: a name showing another number now names another file. */
  ino: number
  /** The storage inode shared by several names (hard links), when it is one. */
  linkKey: string | undefined
  /** Descriptors opened through this node. */
  readonly handles: Set<number>
  /** The path it had when its last name went (an open racing a rename over it opens what is there now). */
  lastPath?: string | undefined
}

const key = (parent: number, name: string): string => `${parent}/${name}`

export class NodeTable {
  readonly root: Node
  readonly #byId = new Map<number, Node>()
  readonly #byName = new Map<string, Node>()
  readonly #byLink = new Map<string, Node>()
  #next = ROOT_NODE + 1

  constructor() {
    this.root = { id: ROOT_NODE, nlookup: 1, names: [], isDir: true, ino: 1, linkKey: undefined, handles: new Set() }
    this.#byId.set(ROOT_NODE, this.root)
  }

  get(id: number): Node | undefined {
    return this.#byId.get(id)
  }

  /** The node a name reaches now, if the kernel holds one. */
  child(parent: Node, name: string): Node | undefined {
    return this.#byName.get(key(parent.id, name))
  }

  /** The merged path of a node, or undefined once it has no name left. */
  pathOf(node: Node): string | undefined {
    if (node === this.root) return ROOT
    const parts: string[] = []
    for (let n: Node | undefined = node; n !== this.root; ) {
      const first: Name | undefined = n?.names[0]
      if (first === undefined) return undefined
      parts.push(first.name)
      n = first.parent
    }
    return `/${parts.reverse().join('/')}`
  }

  /** A lookup answered with `attr`: the node for that name, one more kernel reference on it. */
  lookup(parent: Node, name: string, attr: Attr, linkKey: string | undefined): Node {
    const k = key(parent.id, name)
    let node = this.#byName.get(k)
    if (node !== undefined && (node.ino !== attr.ino || node.isDir !== isDir(attr.mode))) {
      this.unname(parent, name)
      node = undefined
    }
    if (node === undefined && linkKey !== undefined) {
      const alias = this.#byLink.get(linkKey)
      if (alias !== undefined && alias.names.length > 0) {
        alias.names.push({ parent, name })
        this.#byName.set(k, alias)
        node = alias
      }
    }
    if (node === undefined) {
      node = { id: this.#next++, nlookup: 0, names: [{ parent, name }], isDir: isDir(attr.mode), ino: attr.ino, linkKey, handles: new Set() }
      this.#byId.set(node.id, node)
      this.#byName.set(k, node)
    }
    if (linkKey !== undefined && node.linkKey === undefined) node.linkKey = linkKey
    if (node.linkKey !== undefined) this.#byLink.set(node.linkKey, node)
    node.nlookup += 1
    return node
  }

  /** A name was removed (unlink, rmdir, replaced): the node keeps its other names, if any. */
  unname(parent: Node, name: string): void {
    const k = key(parent.id, name)
    const node = this.#byName.get(k)
    if (node === undefined) return
    if (node.names.length === 1) node.lastPath = this.pathOf(node)
    this.#byName.delete(k)
    node.names = node.names.filter((n) => !(n.parent === parent && n.name === name))
    if (node.names.length === 0 && node.linkKey !== undefined && this.#byLink.get(node.linkKey) === node) {
      this.#byLink.delete(node.linkKey)
    }
  }

  /** rename(2) moved a name; whatever the new name reached before is replaced. */
  rename(parent: Node, name: string, newParent: Node, newName: string): void {
    const node = this.#byName.get(key(parent.id, name))
    const replaced = this.#byName.get(key(newParent.id, newName))
    if (replaced !== undefined && replaced !== node) this.unname(newParent, newName)
    if (node === undefined) return
    this.#byName.delete(key(parent.id, name))
    const entry = node.names.find((n) => n.parent === parent && n.name === name)
    if (entry !== undefined) {
      entry.parent = newParent
      entry.name = newName
    } else node.names.unshift({ parent: newParent, name: newName })
    this.#byName.set(key(newParent.id, newName), node)
  }

  /** A new hard link of a node's file. */
  addName(node: Node, parent: Node, name: string, linkKey: string | undefined): void {
    const k = key(parent.id, name)
    if (this.#byName.get(k) !== undefined) this.unname(parent, name)
    node.names.push({ parent, name })
    this.#byName.set(k, node)
    if (linkKey !== undefined) {
      node.linkKey = linkKey
      this.#byLink.set(linkKey, node)
    }
    node.nlookup += 1
  }

  /** The kernel dropped `count` references. */
  forget(id: number, count: number): void {
    const node = this.#byId.get(id)
    if (node === undefined || node === this.root) return
    node.nlookup -= count
    if (node.nlookup > 0) return
    for (const n of node.names) {
      const k = key(n.parent.id, n.name)
      if (this.#byName.get(k) === node) this.#byName.delete(k)
    }
    if (node.linkKey !== undefined && this.#byLink.get(node.linkKey) === node) this.#byLink.delete(node.linkKey)
    this.#byId.delete(id)
  }

  /** Every node with a name at or under a merged path, with that name (for invalidation). */
  *named(): Generator<{ node: Node; path: string }> {
    for (const node of this.#byId.values()) {
      if (node === this.root) continue
      const path = this.pathOf(node)
      if (path !== undefined) yield { node, path }
    }
  }

  /** How many nodes the kernel holds (tests, status). */
  get size(): number {
    return this.#byId.size
  }
}
