import { Command } from 'commander'
import { VERSION } from './version.ts'
import { registerMount } from './commands/mount.ts'
import { registerStatus } from './commands/status.ts'
import { registerDiff } from './commands/diff.ts'
import { registerUsage } from './commands/usage.ts'
import { registerRevert } from './commands/revert.ts'
import { registerReset } from './commands/reset.ts'
import { registerBackup } from './commands/backup.ts'
import { registerRestore } from './commands/restore.ts'
import { registerRun } from './commands/run.ts'
import { registerInitScript } from './commands/initScript.ts'
import { registerBootStatus } from './commands/initScriptStatus.ts'
import { registerServe } from './commands/serve.ts'
import { registerUser } from './commands/user.ts'

/** Every command registers itself here, in the order `layerdeck --help` lists them. */
export function createProgram(): Command {
  const program = new Command('layerdeck')
    .description('LayerDeck: a read-only base and a writable storage merged into one filesystem')
    .version(VERSION, '-V, --version', 'print the version')
    .configureOutput({ outputError: (text, write) => write(oneLine(text, 'layerdeck --help')) })
  registerMount(program)
  registerStatus(program)
  registerDiff(program)
  registerUsage(program)
  registerRevert(program)
  registerReset(program)
  registerBackup(program)
  registerRestore(program)
  registerRun(program)
  registerInitScript(program)
  registerBootStatus(program)
  registerServe(program)
  registerUser(program)
  // A usage error is one line that says what is wrong and where to look.
  for (const command of program.commands) {
    command.configureOutput({ outputError: (text, write) => write(oneLine(text, `layerdeck ${command.name()} --help`)) })
  }
  return program
}

function oneLine(text: string, help: string): string {
  return `layerdeck: ${text.replace(/^error: /, '').trimEnd()} (see ${help})\n`
}
