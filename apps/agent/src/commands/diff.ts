/** `layerdeck diff PATH...`: what changed at a path (text diff, binary sizes and hashes, metadata fields, a directory's changes). */
import type { Command } from 'commander'
import { diffPath, requireBase, type PathDiff } from '@layerdeck/core'
import {
  openTarget,
  overlayPaths,
  print,
  printJson,
  storageOptions,
  type StorageFlags,
} from './statusCli.ts'

export function registerDiff(program: Command): void {
  storageOptions(program.command('diff'))
    .description(
      'show what changed at PATH against the base: unified diff, binary sizes and hashes, metadata, or everything under a directory',
    )
    .argument('<path...>', 'paths inside the overlay (/etc/hosts) or under its mount point')
    .addHelpText('after', '\nExample: layerdeck diff --storage /overlay /etc/config')
    .action(async (args: string[], flags: StorageFlags) => {
      const { sys, target } = await openTarget(flags)
      const base = requireBase(target, 'diff')
      const paths = overlayPaths(args, target)
      const diffs = paths.flatMap((path) => diffPath({ sys, paths: target.paths, base }, path))
      if (flags.json === true) {
        printJson({ storage: target.paths.root, base, paths, diffs })
        return
      }
      if (diffs.length === 0) print(`no changes at ${paths.join(', ')}`)
      for (const d of diffs) printDiff(d)
    })
}

function printDiff(d: PathDiff): void {
  const fields = d.fields.map((f) => `${f.field} ${f.base} -> ${f.current}`)
  const { content } = d
  switch (content.kind) {
    case 'text':
      process.stdout.write(
        content.patch === '' ? `${d.path}: ${d.state}, same text\n` : content.patch,
      )
      break
    case 'binary': {
      const side = (s: { size: number; sha256: string } | null): string =>
        s === null ? 'none' : `${s.size} bytes sha256:${s.sha256}`
      print(
        `Binary ${d.path} (${d.state}): base ${side(content.base)}, current ${side(content.current)}`,
      )
      break
    }
    case 'symlink':
      print(
        `Symlink ${d.path} (${d.state}): base -> ${content.base ?? 'none'}, current -> ${content.current ?? 'none'}`,
      )
      break
    case 'none':
      if (fields.length === 0)
        print(`${d.path}: ${d.state === 'unchanged' ? 'copied up, nothing changed' : d.state}`)
      break
    default:
      throw new Error(`unexpected diff kind ${JSON.stringify(content)}`)
  }
  if (fields.length > 0) print(`${d.path}: ${fields.join(', ')}`)
}
