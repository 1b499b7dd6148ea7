#!/usr/bin/env node
/** The `layerdeck` command line: reads argv and hands over to one command module. */
import { createProgram } from './program.ts'

// Messages carry names other users chose (a file under /tmp): no control character may forge a line.
// eslint-disable-next-line no-control-regex -- control characters are what it escapes
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const oneLine = (text: string): string =>
  text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)

createProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`layerdeck: ${oneLine(err instanceof Error ? err.message : String(err))}\n`)
    process.exitCode = 1
  })
