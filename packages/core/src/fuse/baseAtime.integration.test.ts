/**
 * The base is never written, not even its atime: base files get an atime older than their mtime,
 * so any read without O_NOATIME would move it (relatime), then are read and copied up through
 * the mount. (Directory listings do move a base directory's atime, as with kernel overlayfs.)
 */
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { hashTree, pyJson, shOk, tempDir, withOverlay } from '@layerdeck/testkit'

const BASE = `
printf 'read me\\n' > read
printf 'map me\\n' > mapped
printf 'whole\\n' > whole
truncate -s 8M sparse && printf 'data' | dd of=sparse bs=1 seek=4096 conv=notrunc status=none
`

/** Old atimes (set after hashing the base, which reads it). */
const AGE = (base: string): string =>
  `cd ${base} && touch -a -d '2001-01-01 00:00:00' read mapped whole sparse`

/** Python: the base atimes of `names` as whole seconds. */
const atimes = (base: string, names: string[]): string =>
  `{n: int(os.stat('${base}/' + n).st_atime) for n in ${JSON.stringify(names)}}`

const OLD = 978307200 // 2001-01-01

/** Does the temp filesystem move atime on a plain read at all (not mounted noatime)? */
function readsMoveAtime(): boolean {
  const tmp = tempDir()
  try {
    const file = `${tmp.path}/probe`
    writeFileSync(file, 'x')
    utimesSync(file, OLD, Date.now() / 1000)
    readFileSync(file)
    return statSync(file).atimeMs > OLD * 1000
  } finally {
    tmp.cleanup()
  }
}

describe('the base atime', () => {
  it('stays put when base files are read, mapped and copied up sparsely', async () => {
    await withOverlay(BASE, async ({ mnt, base }) => {
      const before = await hashTree(base)
      await shOk(AGE(base))
      const r = await pyJson(
        `
import mmap
out = {}
out['read'] = slurp('read')
with open('mapped', 'rb') as f:
    out['mapped'] = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)[:6].decode()
put('sparse', 'tail', 'a')
out['sparse'] = slurp('sparse')[4096:4100]
out['atimes'] = ${atimes(base, ['read', 'mapped', 'sparse'])}
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        read: 'read me\n',
        mapped: 'map me',
        sparse: 'data',
        atimes: { read: OLD, mapped: OLD, sparse: OLD },
      })
      expect(await hashTree(base)).toBe(before)
    })
  })

  // Copy-up reads the base through an O_NOATIME descriptor (not copy_file_range). Only
  // meaningful where plain reads move atime at all.
  ;(readsMoveAtime() ? it : it.skip)('stays put when a base file is copied up whole', async () => {
    await withOverlay(BASE, async ({ mnt, base }) => {
      await shOk(AGE(base))
      const r = await pyJson(
        `
put('whole', 'more', 'a')
print(json.dumps(${atimes(base, ['whole'])}))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ whole: OLD })
    })
  })
})
