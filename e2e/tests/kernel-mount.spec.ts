/**
 * Journey 11: a storage that the kernel mounted (`mount -t overlay` on the same upper/ and
 * work/, as OpenWrt mounts /overlay): the dashboard says read-only, actions at next boot; a revert
 * is queued, not applied; at the next boot (a `layerdeck mount` of the same storage) it is.
 */
import { startMount } from '@layerdeck/testkit'
import { expect, test } from '../fixtures/fixtures.ts'

test.use({ deviceOptions: { kernel: true } })

const PATH = '/etc/network/interfaces'

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
    await expect(app.file.dialog).toContainText(
      'This storage is mounted by the kernel: the revert is recorded and applied at the next boot.',
    )
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
    await expect(
      app.page.getByRole('status').filter({ hasText: '1 action(s) waiting for the next boot' }),
    ).toContainText(`revert ${PATH}`)
  })

  await journey.step('read-only backup page', async () => {
    await app.shell.go('Backup')
    await expect(
      app.page.getByRole('status').filter({ hasText: 'Kernel-mounted storage' }),
    ).toBeVisible()
  })

  // The next boot: the kernel's overlay is gone, LayerDeck mounts the storage and applies the queue.
  await device.demo.stop()
  const boot = await startMount({
    base: device.base,
    storage: device.storage,
    mountpoint: device.mount,
  })
  try {
    expect(await device.read(PATH)).toBe(await device.readBase(PATH))
    expect(await device.stat('upper', PATH)).toBeNull()
    expect((await device.sh(`test -e ${device.storage}/work/layerdeck/pending.json`)).code).toBe(1)
  } finally {
    await boot.stop()
  }
  await device.assertBaseUnchanged()
})
