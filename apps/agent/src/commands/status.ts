/** `layerdeck status`: every change in a storage, like `docker diff` but complete; `--watch` streams live changes. */
import type { Command } from 'commander'
import { CHANGE_STATES, listChanges, requireBase, type Change } from '@layerdeck/core'
import { openTarget, print, printJson, storageOptions, type StorageFlags } from './statusCli.ts'
import { showPath, showValue } from './display.ts'
import { runWatch } from './statusWatch.ts'

interface StatusFlags extends StorageFlags {
  watch?: boolean
}

const LABEL: Record<Change['state'], string> = {
  added: 'added',
  modified: 'modified',
  metadata: 'metadata',
  deleted: 'deleted',
  opaque: 'opaque',
  unchanged: 'copied-up',
}

export function registerStatus(program: Command): void {
  storageOptions(program.command('status'))
    .description(
      'list every change in the storage: added, modified, metadata-only, deleted, opaque, unchanged copy-ups',
    )
    .option(
      '--watch',
      'print changes made through the mount as they happen (needs a live layerdeck mount)',
    )
    .addHelpText('after', '\nExample: layerdeck status --storage /overlay --base /rom --json')
    .action(async (flags: StatusFlags) => {
      if (flags.watch === true) {
        await runWatch(flags)
        return
      }
      const { sys, target } = await openTarget(flags)
      const changes = listChanges({ sys, paths: target.paths, base: requireBase(target, 'status') })
      if (flags.json === true) {
        printJson({ storage: target.paths.root, base: target.base, mounted: target.mode, changes })
        return
      }
      for (const c of changes) print(`${LABEL[c.state].padEnd(10)}${showPath(c.path)}${describe(c)}`)
      print(summary(changes))
    })
}

function describe(c: Change): string {
  if (c.state === 'deleted' || c.fields.length === 0)
    return c.type === 'dir' && c.state === 'added' ? '/' : ''
  return `  (${c.fields.map((f) => `${f.field} ${showValue(f.base)} -> ${showValue(f.current)}`).join(', ')})`
}

function summary(changes: Change[]): string {
  if (changes.length === 0) return 'no changes'
  const parts = CHANGE_STATES.map((s) => [s, changes.filter((c) => c.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${LABEL[s]}`)
  return `${changes.length} change${changes.length === 1 ? '' : 's'}: ${parts.join(', ')}`
}
