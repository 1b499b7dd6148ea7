/**
 * Pre-compresses the build: FILE.gz and FILE.br next to every text asset, so the agent (sirv)
 * sends them without compressing on the device. Usage: tsx scripts/compress.ts dist
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else yield path
  }
}

const dir = process.argv[2] ?? 'dist'
let count = 0
for (const path of files(dir)) {
  if (!COMPRESSIBLE.test(path)) continue
  const data = readFileSync(path)
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
  writeFileSync(
    `${path}.br`,
    brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  )
  count++
}
console.log(`compress: ${count} files in ${dir} now have .gz and .br beside them`)
