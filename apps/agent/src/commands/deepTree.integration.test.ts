/**
 * A storage tree as deep as a user can make it: `nobody` makes 1,990 nested directories under
 * /tmp through the mount (paths stay under 4,000 bytes until the native Sys lifts PATH_MAX). The
 * admin's commands must still work, live and unmounted: status, usage, reset (dry run, live,
 * --keep, undo, purge), revert of the tree, backup and restore planning. Nothing outside the
 * storage changes, and nothing in it is lost until the admin says so.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, hashTree, pyJson, sh, withOverlay, type ShResult } from '@layerdeck/testkit'

const NOBODY = 65534
const DEPTH = 1990

/** Makes DEPTH nested directories `d` under DIR, one chdir at a time; returns how deep it got. */
const MAKE_DEEP = (dir: string): string => `
os.chdir(${JSON.stringify(dir)})
made = 0
for _ in range(${DEPTH}):
    os.mkdir('d')
    os.chdir('d')
    made += 1
put('leaf', 'deepest file\\n')
print(json.dumps({"made": made}))
`

/** How deep the chain of `d` directories under DIR goes, and whether the leaf file is there. */
const MEASURE = (dir: string): string => `
depth = 0
try:
    os.chdir(${JSON.stringify(dir)})
    while os.path.isdir('d'):
        os.chdir('d')
        depth += 1
    leaf = os.path.exists('leaf')
except OSError:
    leaf = False
print(json.dumps({"depth": depth, "leaf": leaf}))
`

async function cli(args: string): Promise<ShResult> {
  const r = await sh(`${LAYERDECK_BIN} ${args}`, { timeoutMs: 120_000 })
  expect(r.stderr, `layerdeck ${args}`).not.toMatch(/call stack|RangeError/)
  expect(r.code, `layerdeck ${args}\n${r.stdout}${r.stderr}`).toBe(0)
  return r
}

const depthOf = (dir: string): Promise<{ depth: number; leaf: boolean }> => pyJson(MEASURE(dir))

describe('a storage tree 1,990 directories deep, made by nobody', () => {
  it('status, usage, reset, undo, purge, revert, backup and restore all work on it', async () => {
    let storageOf = '/nonexistent-layerdeck-storage'
    await withOverlay(
      'mkdir -m 1777 tmp && mkdir etc && echo base > etc/motd',
      async (f) => {
        storageOf = f.storage
        const sentinel = `${f.root}/sentinel`
        mkdirSync(sentinel)
        writeFileSync(`${sentinel}/host-file`, 'outside the storage\n')
        const hostBefore = await hashTree(sentinel)
        expect(await pyJson(MAKE_DEEP(`${f.mnt}/tmp`), { user: NOBODY })).toEqual({ made: DEPTH })
        const S = `--storage ${f.storage}`

        // Live, through the daemon.
        const status = JSON.parse((await cli(`status ${S} --json`)).stdout) as { changes: unknown[] }
        expect(status.changes.length).toBe(DEPTH + 1) // every /tmp/d... and the leaf
        expect((await cli(`status ${S}`)).stdout).toMatch(/^added\s+\/tmp\/d\/\n/)
        expect((await cli(`usage ${S} --json`)).stdout).toMatch(/"held":/)
        expect((await cli(`reset ${S} --dry-run --json`)).stdout).toMatch(/"goes":/)
        await cli(`backup ${S} --out ${f.root}/deep.tar.gz`)
        expect((await cli(`reset ${S} --keep /tmp --yes`)).stdout).toMatch(/reset done/)
        expect(await depthOf(`${f.storage}/upper/tmp`)).toEqual({ depth: DEPTH, leaf: true })
        await cli(`reset ${S} --yes`)
        expect(await depthOf(`${f.mnt}/tmp`)).toEqual({ depth: 0, leaf: false })
        await cli(`reset ${S} --undo --yes`)
        expect(await depthOf(`${f.mnt}/tmp`)).toEqual({ depth: DEPTH, leaf: true })

        // Unmounted: the same commands on the storage directly.
        await f.mount.stop()
        const B = `${S} --base ${f.base}`
        expect(JSON.parse((await cli(`status ${B} --json`)).stdout)).toMatchObject({ mounted: 'offline' })
        await cli(`usage ${B}`)
        await cli(`reset ${B} --dry-run`)
        await cli(`restore ${f.root}/deep.tar.gz ${S} --dry-run`)
        await cli(`restore ${f.root}/deep.tar.gz ${S} --replace --dry-run`)
        await cli(`revert ${B} --added /tmp/d --dry-run`)
        await cli(`reset ${B} --keep /tmp --yes`)
        await cli(`reset ${B} --purge --yes`)
        expect(await depthOf(`${f.storage}/upper/tmp`)).toEqual({ depth: DEPTH, leaf: true })
        await cli(`revert ${B} --added /tmp/d --yes`)
        expect(await depthOf(`${f.storage}/upper/tmp`)).toEqual({ depth: 0, leaf: false })
        await cli(`restore ${f.root}/deep.tar.gz ${S} --yes`)
        expect(await depthOf(`${f.storage}/upper/tmp`)).toEqual({ depth: DEPTH, leaf: true })
        await cli(`reset ${B} --yes`)
        await cli(`reset ${B} --purge --yes`)
        expect(await depthOf(`${f.storage}/upper/tmp`)).toEqual({ depth: 0, leaf: false })
        expect(await hashTree(sentinel)).toBe(hostBefore)
      },
      // Node's rmSync (the temp dir's cleanup) overflows its own stack on this tree: rm -rf it first.
      { reachableByAll: true, cleanup: async () => void (await sh(`rm -rf ${storageOf}`)) },
    )
  }, 300_000)
})
