/**
 * Journey 3: a base file deleted through the mount shows as a struck-through ghost; restoring it
 * brings back its factory content (the whiteout in upper/ is gone).
 */
import { expect, test } from '../fixtures/fixtures.ts'

test('a deleted base file is a ghost; restore brings back its factory content', async ({
  app,
  device,
  journey,
}) => {
  const factory = await device.readBase('/etc/issue')

  await journey.step('signed in', async () => {
    await app.signIn()
    await app.tree.goto('/etc')
    await expect(app.tree.row('issue')).toBeVisible()
  })

  await journey.step('deleted by a shell', async () => {
    await device.shOk(`rm ${device.mount}/etc/issue`)
    await expect(app.tree.badge('issue', 'deleted')).toBeVisible()
    expect(await app.tree.isStruckThrough('issue')).toBe(true)
    expect(await device.stat('mount', '/etc/issue')).toBeNull()
    expect(await device.isWhiteout('/etc/issue')).toBe(true)
    expect(await device.readBase('/etc/issue')).toBe(factory)
  })

  await journey.step('ghost opened', async () => {
    await app.tree.open('issue')
    const panel = app.file.panel('/etc/issue')
    await expect(
      panel.getByRole('status').filter({ hasText: 'Deleted on this device' }),
    ).toBeVisible()
    await expect(panel.getByRole('region', { name: 'Factory content' })).toContainText(
      'Norvik PlantOS 2026.11',
    )
    await expect(app.file.actionButton('/etc/issue')).toHaveText('Restore')
  })

  await journey.step('restore confirmation', async () => {
    await app.tree.restore('issue')
    await expect(app.file.dialog.getByRole('heading', { name: 'Restore /etc/issue' })).toBeVisible()
    await expect(
      app.file.dialog.getByRole('listitem').filter({ hasText: '/etc/issue' }),
    ).toBeVisible()
  })

  await journey.step('restored', async () => {
    await app.file.confirm('Restore', 'Done: the factory version is back.')
    await app.file.done()
    await expect(app.tree.row('issue').getByText('deleted', { exact: true })).toHaveCount(0)
    expect(await app.tree.isStruckThrough('issue')).toBe(false)
    await expect(
      app.file.panel('/etc/issue').getByRole('region', { name: 'Content' }),
    ).toContainText('Norvik PlantOS 2026.11')
    expect(await device.read('/etc/issue')).toBe(factory)
    expect(await device.stat('upper', '/etc/issue')).toBeNull()
  })

  await device.assertBaseUnchanged()
})
