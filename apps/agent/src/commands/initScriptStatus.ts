/** `layerdeck boot-status`: what the init script did at boot (overlay running, or why not). */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { BOOT_STATE_FILE, describeBootState, parseBootState } from '../boot/bootState.ts'

export function registerBootStatus(program: Command): void {
  program
    .command('boot-status')
    .description(
      'show how the system booted: on the overlay, degraded, or the plain system and why',
    )
    .option('--state <file>', 'the state file the init script wrote', BOOT_STATE_FILE)
    .option('--json', 'print the state as JSON')
    .addHelpText(
      'after',
      '\nExit status: 0 running on the overlay, 2 degraded/fallback/disabled, 1 no state.',
    )
    .action((flags: { state: string; json?: boolean }) => {
      let text: string
      try {
        text = readFileSync(flags.state, 'utf8')
      } catch {
        process.stderr.write(
          `layerdeck: no boot state in ${flags.state}: the system did not boot through overlay_init (or /run was mounted over)\n`,
        )
        process.exitCode = 1
        return
      }
      const state = parseBootState(text)
      process.stdout.write(
        flags.json === true ? `${JSON.stringify(state, null, 2)}\n` : describeBootState(state),
      )
      process.exitCode = state.state === 'running' ? 0 : 2
    })
}
