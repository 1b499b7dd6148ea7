/**
 * A comparable description of a directory tree (names, types, modes, owners, sizes, content
 * hashes, symlink targets), produced by a child process so it can safely read a FUSE mount.
 */
import { shOk } from './shell.ts'

/** One line per entry, sorted: "path type mode uid:gid size sha256|target". */
export async function snapshotTree(root: string): Promise<string[]> {
  const script = `cd ${JSON.stringify(root)} && find . -mindepth 1 -printf '%p\\t%y\\t%m\\t%U:%G\\t%s\\t%l\\n' | LC_ALL=C sort`
  const lines = (await shOk(script)).split('\n').filter(Boolean)
  const files = lines.map((l) => l.split('\t')).filter((f) => f[1] === 'f').map((f) => f[0] as string)
  const hashes = new Map<string, string>()
  if (files.length > 0) {
    const list = files.map((f) => JSON.stringify(f)).join(' ')
    for (const row of (await shOk(`cd ${JSON.stringify(root)} && sha256sum -- ${list}`)).split('\n').filter(Boolean)) {
      const [hash, ...name] = row.split('  ')
      hashes.set(name.join('  '), hash as string)
    }
  }
  return lines.map((line) => {
    const [p, type, mode, owner, size, target] = line.split('\t') as [string, string, string, string, string, string]
    const shownSize = type === 'd' ? '-' : size
    const content = type === 'f' ? hashes.get(p) : type === 'l' ? `-> ${target}` : '-'
    return `${p} ${type} ${mode} ${owner} ${shownSize} ${content}`
  })
}

/** sha256 of every byte, mode and name under a directory (to prove the base was not written). */
export async function hashTree(root: string): Promise<string> {
  const script = `cd ${JSON.stringify(root)} && find . -printf '%p %y %m %U %G %s %T@\\n' | LC_ALL=C sort | sha256sum && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum`
  return (await shOk(script)).replace(/\s+-/g, '').trim()
}
