/**
 * The initial-JavaScript budget: everything dist/index.html loads before the first screen
 * (its module script and the chunks it preloads), gzipped. Prints the figure; exits 1 above
 * the budget. Lazy views are listed but not counted. Usage: tsx scripts/budget.ts dist
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 150
const dir = process.argv[2] ?? 'dist'
const html = readFileSync(join(dir, 'index.html'), 'utf8')
const initial = new Set(
  [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string),
)
const gz = (file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length
const kb = (bytes: number) => (bytes / 1000).toFixed(1)

let total = 0
for (const file of initial) {
  const size = gz(file)
  total += size
  console.log(`  initial  ${kb(size).padStart(6)} kB gz  ${file}`)
}
const lazy = readdirSync(join(dir, 'assets')).filter(
  (f) => f.endsWith('.js') && !initial.has(`assets/${f}`),
)
for (const file of lazy)
  console.log(`  lazy     ${kb(gz(`assets/${file}`)).padStart(6)} kB gz  assets/${file}`)
const css = readdirSync(join(dir, 'assets')).filter((f) => f.endsWith('.css'))
for (const file of css)
  console.log(`  css      ${kb(gz(`assets/${file}`)).padStart(6)} kB gz  assets/${file}`)

console.log(`budget: initial JS ${kb(total)} kB gzipped (limit ${BUDGET_KB} kB)`)
if (total > BUDGET_KB * 1000) {
  console.error(
    `budget: initial JS is over ${BUDGET_KB} kB gzipped: lazy-load a view or drop a dependency`,
  )
  process.exit(1)
}
