/**
 * Big merged directories through a real mount: thousands of base entries mixed with storage
 * copies, new files and whiteouts are listed once each, nothing deleted shows up, and tools that
 * walk trees (find, du, tar, cp -a, rm -r) see the same tree as a plain copy of the merged view.
 */
import { describe, expect, it } from 'vitest'
import { hashTree, pyJson, shOk, snapshotTree, withOverlay } from '@layerdeck/testkit'

const BASE = `
mkdir -p big tree/a/b/c
for i in $(seq -w 0 2999); do echo "base $i" > big/f$i; done
for d in tree tree/a tree/a/b tree/a/b/c; do for i in 1 2 3; do echo "$d $i" > $d/file$i; done; done
ln -s a/b tree/link
`

describe('big merged directories', () => {
  it('lists 3,000 base entries with copies, new files and whiteouts once each', async () => {
    await withOverlay(BASE, async ({ mnt, base }) => {
      const before = await hashTree(base)
      const r = await pyJson(
        `
names = ['f%04d' % i for i in range(3000)]
for n in names[0::6]: os.unlink('big/' + n)
for n in names[1::10]: put('big/' + n, 'changed', 'a')
for i in range(700): put('big/new%04d' % i, 'new')
for n in names[5::50]: os.rename('big/' + n, 'big/renamed-' + n)
listed = os.listdir('big')
expected = set(names) - set(names[0::6]) - set(names[5::50])
expected |= {'new%04d' % i for i in range(700)} | {'renamed-' + n for n in names[5::50]}
out = {}
out['count'] = len(listed)
out['unique'] = len(set(listed)) == len(listed)
out['exact'] = set(listed) == expected
out['changed'] = slurp('big/f0001')
out['deletedGone'] = [os.path.exists('big/' + n) for n in names[0:12:6]]
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        count: 3000 - 500 + 700,
        unique: true,
        exact: true,
        changed: 'base 0001\nchanged',
        deletedGone: [false, false],
      })
      expect(await shOk(`cd ${mnt}/big && ls -f | sort | uniq -d`)).toBe('')
      expect(await shOk(`find ${mnt}/big -type f | wc -l`)).toBe('3200\n')
      expect(await hashTree(base)).toBe(before)
    })
  })

  it('shows tree-walking tools the same tree as a plain copy of the merged view', async () => {
    await withOverlay(BASE, async ({ mnt, root }) => {
      await shOk(
        `cd ${mnt}/tree && rm a/file1 && echo changed >> a/b/file2 && mkdir new && echo n > new/x && rm -r a/b/c && mkdir a/b/c && echo fresh > a/b/c/only`,
      )
      // cp -a and tar read the merged view; both copies must match what the mount shows.
      await shOk(
        `cp -a ${mnt}/tree ${root}/copy && mkdir ${root}/untar && tar -C ${mnt} -cf - tree | tar -C ${root}/untar -xf -`,
      )
      const merged = await snapshotTree(`${mnt}/tree`)
      expect(await snapshotTree(`${root}/copy`)).toEqual(merged)
      expect(await snapshotTree(`${root}/untar/tree`)).toEqual(merged)
      expect(merged.filter((l) => l.startsWith('./a/b/c/'))).toEqual([
        expect.stringMatching(/^\.\/a\/b\/c\/only f /),
      ])
      expect(merged.some((l) => l.startsWith('./a/file1 '))).toBe(false)
      expect(await shOk(`du -s --apparent-size -B1 ${mnt}/tree >/dev/null && echo ok`)).toBe('ok\n')
      await shOk(`rm -r ${mnt}/tree`)
      expect(await shOk(`ls -A ${mnt}`)).toBe('big\n')
    })
  })
})
