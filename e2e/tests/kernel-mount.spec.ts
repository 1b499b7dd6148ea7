/**
 * Journey 11: a storage that the kernel mounted (`mount -t overlay` on the same upper/ and
 * work/, as OpenWrt mounts /overlay): the dashboard says read-only, actions at next boot; a revert
 * is queued, not applied; at the next boot (a `layerdeck mount` of the same storage) it is.
 */
import { startMount } from '@layerdeck/testkit'
import { expect, test, type Ctx } from '../fixtures/fixtures.ts'

test.use({ deviceOptions: { kernel: true } })

const PATH = '/etc/network/interfaces'
const KERNEL_NOTE =
  'This storage is mounted by the kernel: the revert is recorded and applied at the next boot.'

/** The next boot: the kernel's overlay is gone, LayerDeck mounts the storage and applies the queue. */
async function nextBoot({ device }: Ctx): Promise<void> {
  await device.demo.stop()
  const { base, storage, mount: mountpoint } = device
  const boot = await startMount({ base, storage, mountpoint })
  try {
    expect(await device.read(PATH)).toBe(await device.readBase(PATH))
    expect(await device.stat('upper', PATH)).toBeNull()
    expect((await device.sh(`test -e ${storage}/work/layerdeck/pending.json`)).code).toBe(1)
  } finally {
    await boot.stop()
  }
}

test('kernel-mounted storage: read-only, a revert queued for the next boot', async ({
  app,
  device,
  journey,
}) => {
  let upper: string[] = []
  let modified = ''
  await journey.step('kernel-mounted', async () => {
    expect(await device.shOk(`findmnt -n -o FSTYPE ${device.mount}`)).toBe('overlay\n')
    await app.signIn()
    await expect(app.shell.persistence).toHaveText(/Kernel-mounted: actions at next boot/)
    await expect(app.overview.fact('Changes apply')).toHaveText('at the next boot')
    await expect(app.overview.fact('Mount')).toHaveText(`kernel overlayfs at ${device.mount}`)
    upper = await device.snapshot('upper')
    modified = await device.read(PATH)
  })
  await journey.step('revert at next boot', async () => {
    await app.tree.goto('/etc/network', { file: PATH })
    await expect(app.file.actionButton(PATH)).toHaveText('Revert to factory at next boot')
    await app.file.openAction(PATH)
    await expect(
      app.file.dialog.getByRole('heading', { name: `Revert ${PATH} at next boot` }),
    ).toBeVisible()
    await expect(app.file.dialog).toContainText(KERNEL_NOTE)
    return app.file.dialog
  })
  await journey.step('revert queued', async () => {
    await app.file.confirm('Revert at next boot', 'Recorded: it happens at the next boot.')
    await app.file.done()
    await expect(app.file.pending(PATH)).toContainText(
      'A revert of this path waits for the next boot',
    )
    // Nothing changed under the live overlay: the revert waits in work/layerdeck/pending.json.
    expect(await device.read(PATH)).toBe(modified)
    expect(await device.snapshot('upper')).toEqual(upper)
    expect(await device.shOk(`cat ${device.storage}/work/layerdeck/pending.json`)).toContain(PATH)
    const live = await app.api('POST', '/api/revert', { paths: [PATH] })
    expect(live.status()).toBe(409)
  })
  await journey.step('pending on the overview', async () => {
    await app.shell.go('Overview')
    const waiting = app.page.getByRole('status').filter({ hasText: '1 action(s) waiting' })
    await expect(waiting).toContainText(`revert ${PATH}`)
  })
  await journey.step('read-only backup page', async () => {
    await app.shell.go('Backup')
    const note = app.page.getByRole('status').filter({ hasText: 'Kernel-mounted storage' })
    await expect(note).toBeVisible()
  })

  await test.step('next boot', () => nextBoot({ app, device, journey }))
  await device.assertBaseUnchanged()
})
