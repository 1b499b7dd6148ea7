import { Command } from 'commander'
import { registerMount } from './commands/mount.ts'

/** Every command registers itself here, in the order `layerdeck --help` lists them. */
export function createProgram(): Command {
  const program = new Command('layerdeck')
    .description('LayerDeck: a read-only base and a writable storage merged into one filesystem')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(`layerdeck: ${text.replace(/^error: /, '')}`) })
  registerMount(program)
  return program
}
