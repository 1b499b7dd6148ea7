/**
 * Journey 8: a RAM-only device whose storage (a 4 MiB tmpfs) is nearly full: the usage warning
 * appears live; a large write from the dashboard (restoring a backup that holds a 2 MiB file) is
 * refused with a clear message; a large copy-up through the mount is refused (ENOSPC, no partial
 * copy); nothing is corrupted, and freeing space brings the device back to normal.
 */
import { LAYERDECK_BIN } from '@layerdeck/testkit'
import { expect, test, type Ctx } from '../fixtures/fixtures.ts'

test.use({ deviceOptions: { tmpfs: '4m' } })

const FILLER = '/opt/plant-monitor/data/spool.bin'
const BIG = '/lib/ld-musl-x86_64.so.1'

/**
 * What upper/ and work/ hold, to prove a refusal changed nothing. Folders are left out: a
 * copy-up makes the parent folders first (as the kernel does), and an unchanged copy of a
 * base folder is no change (the change list, compared too, lists it as `unchanged`).
 */
interface Storage {
  upper: string[]
  work: string
  changes: string[]
}
const storageOf = async ({ app, device }: Ctx): Promise<Storage> => ({
  upper: (await device.snapshot('upper')).filter((line) => line.split(' ')[1] !== 'd'),
  work: await device.shOk(`find ${device.storage}/work -type f | sort`),
  changes: (await app.changes()).filter((c) => !c.startsWith('unchanged ')),
})

/** A service on the device fills its spool through the mount, leaving about 128 KiB. */
async function fillStorage({ app, device }: Ctx): Promise<void> {
  const free = Number(
    (await device.shOk(`df -B1 --output=avail ${device.storage} | tail -1`)).trim(),
  )
  const bytes = Math.floor((free - 128 * 1024) / 4096) * 4096
  await device.shOk(`head -c ${bytes} /dev/zero > ${device.mount}${FILLER}`)
  const usage = app.overview.storage
  await expect(usage.getByText('Critical', { exact: true })).toBeVisible()
  await expect(
    usage.getByRole('alert').filter({
      hasText: /storage is 9\d(\.\d)?% full: writes and copy-ups will soon fail \(ENOSPC\)/,
    }),
  ).toBeVisible()
  await expect(app.overview.usageBar).toHaveAccessibleName(/^9\d % of 4\.00 MiB used/)
}

/** A backup holding a 2 MiB file, made with `layerdeck backup` from a scratch storage. */
async function bigBackup({ device }: Ctx): Promise<string> {
  const scratch = `${device.dir}/scratch`
  const archive = `${device.dir}/history.tar.gz`
  await device.shOk(`set -e; mkdir -p ${scratch}/upper/opt/plant-monitor/data
    head -c 2097152 /dev/zero > ${scratch}/upper/opt/plant-monitor/data/history.db
    ${LAYERDECK_BIN} backup --storage ${scratch} --out ${archive}`)
  return archive
}

async function refusedRestore(ctx: Ctx, before: Storage): Promise<void> {
  const { app } = ctx
  const archive = await bigBackup(ctx)
  await app.shell.go('Backup')
  await app.backup.choose(archive, 'Merge')
  await app.backup.check()
  await expect(app.backup.plan.or(app.backup.failure)).toBeVisible()
  if (await app.backup.applyButton.isVisible()) await app.backup.apply()
  await expect(app.backup.failure).toContainText('That did not work')
  await expect(app.backup.failure).toContainText(/not enough space|no space left/)
  await expect(app.backup.failure).toContainText('nothing was changed')
  expect(await storageOf(ctx), 'the refused restore changed nothing').toEqual(before)
}

async function refusedCopyUp(ctx: Ctx, before: Storage): Promise<void> {
  const { app, device } = ctx
  const factory = await device.shOk(`sha256sum < ${device.base}${BIG}`)
  const r = await device.sh(`printf x >> ${device.mount}${BIG}`)
  expect(r.code).not.toBe(0)
  expect(r.stderr).toMatch(/No space left on device/)
  // No partial copy (this once served a copy of the C library's loader whose tail was zeros).
  const served = await device.shOk(`sha256sum < ${device.mount}${BIG}`)
  expect(served, 'the mount still serves the factory file').toBe(factory)
  expect(await device.stat('upper', BIG), 'no partial copy in upper/').toBeNull()
  expect(await storageOf(ctx), 'upper/ and work/ as before the copy-up').toEqual(before)
  await app.tree.goto('/lib')
  const row = app.tree.row('ld-musl-x86_64.so.1')
  await expect(row).toBeVisible()
  await expect(
    row.getByText(/^(modified|added)$/),
    'the tree shows the file as factory',
  ).toHaveCount(0, { timeout: 3000 })
}

async function roomAgain({ app, device }: Ctx): Promise<void> {
  expect(await device.read('/etc/network/interfaces')).toContain('address 192.168.10.25')
  const same = await device.sh(`cmp ${device.mount}${BIG} ${device.base}${BIG}`)
  expect(same.code, 'the mount serves the factory file').toBe(0)
  await device.shOk(`rm ${device.mount}${FILLER}`)
  await app.shell.go('Overview')
  await expect(app.overview.storage.getByText('OK', { exact: true })).toBeVisible()
  // With room again the same copy-up works.
  await device.shOk(`printf x >> ${device.mount}${BIG}`)
  const size = async (root: string): Promise<number> =>
    Number((await device.shOk(`stat -c %s ${root}${BIG}`)).trim())
  expect(await size(device.upper)).toBe((await size(device.base)) + 1)
}

test('storage nearly full: the warning, a large copy-up refused, nothing corrupted', async ({
  app,
  device,
  journey,
}) => {
  const ctx = { app, device, journey }
  let full: Storage = { upper: [], work: '', changes: [] }

  await journey.step('RAM-only storage', async () => {
    await app.signIn()
    await expect(app.shell.persistence).toHaveText(/RAM only: changes vanish at reboot/)
    await expect(app.overview.storage.getByText('OK', { exact: true })).toBeVisible()
    return app.overview.storage
  })
  await journey.step('nearly full', async () => {
    await fillStorage(ctx)
    full = await storageOf(ctx)
    return app.overview.storage
  })
  await journey.step('large restore refused', async () => {
    await refusedRestore(ctx, full)
    return app.backup.failure
  })
  await journey.step('large copy-up refused', () => refusedCopyUp(ctx, full))
  await journey.step('nothing corrupted', async () => {
    await roomAgain(ctx)
    return app.overview.storage
  })

  await device.assertBaseUnchanged()
})
