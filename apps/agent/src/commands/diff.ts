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
import { showPath, showPaths, showText, showValue } from './display.ts'

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
      if (diffs.length === 0) print(`no changes at ${showPaths(paths)}`)
      for (const d of diffs) printDiff(d)
    })
}

function printDiff(d: PathDiff): void {
  const fields = d.fields.map((f) => `${f.field} ${showValue(f.base)} -> ${showValue(f.current)}`)
  const { content } = d
  const path = showPath(d.path)
  switch (content.kind) {
    case 'text':
      process.stdout.write(content.patch === '' ? `${path}: ${d.state}, same text\n` : safePatch(d.path, content.patch))
      break
    case 'binary': {
      const side = (s: { size: number; sha256: string } | null): string =>
        s === null ? 'none' : `${s.size} bytes sha256:${s.sha256}`
      print(`Binary ${path} (${d.state}): base ${side(content.base)}, current ${side(content.current)}`)
      break
    }
    case 'symlink': {
      const target = (t: string | null): string => (t === null ? 'none' : showPath(t))
      print(`Symlink ${path} (${d.state}): base -> ${target(content.base)}, current -> ${target(content.current)}`)
      break
    }
    case 'none':
      if (fields.length === 0) print(`${path}: ${d.state === 'unchanged' ? 'copied up, nothing changed' : d.state}`)
      break
    default:
      throw new Error(`unexpected diff kind ${JSON.stringify(content)}`)
  }
  if (fields.length > 0) print(`${path}: ${fields.join(', ')}`)
}

/**
 * The unified diff for a terminal: the two file headers written with our escaping (the diff
 * library quotes unusual names git-style, so the patch splits safely into lines) and every
 * other line escaped.
 */
export function safePatch(path: string, patch: string): string {
  const lines = (patch.endsWith('\n') ? patch.slice(0, -1) : patch).split('\n')
  const header = (line: string | undefined, mark: string, side: string): string =>
    line === `${mark} /dev/null` ? line : `${mark} ${side}${showPath(path)}`
  const head = [header(lines[0], '---', 'base'), header(lines[1], '+++', 'current')]
  return `${[...head, ...lines.slice(2).map(showText)].join('\n')}\n`
}
