/**
 * What goes on a device (scripts/bundle.sh): one bundled CLI, LayerDeck's native module and the
 * agent's native packages. It must mount, serve a non-root user and answer status on its own.
 */
import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { REPO_ROOT, sh, shOk, tempDir } from '@layerdeck/testkit'

let root: string
let cleanup: () => void

beforeAll(async () => {
  const tmp = tempDir('layerdeck-bundle-')
  root = tmp.path
  cleanup = tmp.cleanup
  await shOk(`bash ${REPO_ROOT}/scripts/bundle.sh ${root}/device`, { timeoutMs: 120_000 })
})

afterAll(async () => {
  await sh(`fusermount -uz ${root}/mnt 2>/dev/null`)
  cleanup()
})

it('runs from the bundle alone: mount, a user-owned new file, status', async () => {
  const bin = `${root}/device/bin/layerdeck`
  expect((await sh(`${bin} --help`)).stdout).toMatch(/^ {2}mount \[options\] <mountpoint>/m)
  // Nothing from the checkout is needed: no tsx, no sources, no workspace node_modules.
  const shipped = readdirSync(`${root}/device`).filter((n) => n !== 'dashboard' && n !== 'node_modules').sort()
  expect(shipped).toEqual(['bin', 'layerdeck-fuse.node', 'layerdeck-sys.node', 'layerdeck.mjs'])
  await shOk(`mkdir -p ${root}/base/pub ${root}/storage ${root}/mnt && chmod 755 ${root} && chmod 777 ${root}/base/pub`)
  const script = `
    ${bin} mount --base ${root}/base --storage ${root}/storage ${root}/mnt > ${root}/mount.log 2>&1 &
    pid=$!
    for i in $(seq 100); do grep -q 'layerdeck: mounted' ${root}/mount.log && break; sleep 0.1; done
    setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo mine > ${root}/mnt/pub/new'
    stat -c '%U' ${root}/mnt/pub/new
    ${bin} status --storage ${root}/storage --json
    kill -TERM $pid; wait $pid; echo "exit $?"
    cat ${root}/mount.log`
  const out = await shOk(`set -e; ${script}`, { timeoutMs: 60_000 })
  expect(out).toMatch(/^nobody\n/)
  expect(out).toMatch(/"path": ?"\/pub\/new"/)
  expect(out).toContain('exit 0')
  expect(out).not.toContain('warning')
})
