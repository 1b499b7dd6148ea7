#!/usr/bin/env node
/** The `layerdeck` command line: reads argv and hands over to one command module. */
import { createProgram } from './program.ts'

createProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`layerdeck: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  })
