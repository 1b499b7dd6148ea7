/**
 * Journey 9: on a phone (390x844, touch), by taps only: the tree down to a config file, its diff
 * (unified on a narrow screen), revert; then the factory reset flow and its undo. The taps from
 * the overview to the reverted file are counted and kept here (goal: 6 or fewer).
 */
import { expect, test } from '../fixtures/fixtures.ts'

test.use({
  viewport: { width: 390, height: 844 },
  hasTouch: true,
  isMobile: true,
  deviceScaleFactor: 1,
})

/** Files → etc → network → interfaces → "Revert to factory" → "Revert". */
const TAPS_TO_REVERT = 6

test('phone by touch: tree, diff, revert, factory reset and undo', async ({
  app,
  device,
  journey,
  page,
}) => {
  const path = '/etc/network/interfaces'
  let beforeReset: string[] = []

  await journey.step('overview on a phone', async () => {
    await app.signIn()
    await expect(app.shell.navLink('Reset')).toBeInViewport()
  })

  journey.resetClicks()
  await journey.step('tree by touch', async () => {
    await app.shell.go('Files')
    await app.tree.open('etc')
    await expect(app.tree.tree).toHaveAccessibleName('Contents of /etc')
    await app.tree.open('network')
    await expect(app.tree.badge('interfaces', 'modified')).toBeVisible()
  })

  await journey.step('diff on a phone', async () => {
    await app.tree.open('interfaces')
    await expect(app.file.panel(path)).toBeInViewport()
    await expect(app.tree.tree).not.toBeInViewport()
    await expect(app.file.panel(path).getByRole('table', { name: /unified$/ })).toBeVisible()
    await expect(app.file.diffLine(path, 'address 192.168.10.25')).toBeVisible()
    await expect(app.file.diffLine(path, 'address 192.168.10.20')).toBeVisible()
  })

  await journey.step('reverted by touch', async () => {
    await app.file.openAction(path)
    await app.file.confirm('Revert', 'Done: the factory version is back.')
    expect(journey.clicks).toBe(TAPS_TO_REVERT)
    expect(journey.clicks).toBeLessThanOrEqual(6)
    await app.file.done()
    await expect(app.file.badge(path, 'factory')).toBeVisible()
    expect(await device.read(path)).toBe(await device.readBase(path))
    test
      .info()
      .annotations.push({
        type: 'taps',
        description: `overview to reverted file on a phone: ${TAPS_TO_REVERT}`,
      })
  })

  await journey.step('back to the folder', async () => {
    await journey.press(app.file.panel(path).getByRole('link', { name: '← Back' }))
    await expect(app.tree.row('interfaces')).toBeInViewport()
    await expect(app.tree.row('interfaces').getByText('modified', { exact: true })).toHaveCount(0)
  })

  await journey.step('reset plan by touch', async () => {
    beforeReset = await device.snapshot('mount')
    await app.shell.go('Reset')
    await app.reset.showWhatGoes()
    expect((await app.reset.goes()).sort()).toEqual([
      'added /etc/dnsmasq.d/meter-31.conf',
      'deleted /etc/motd',
      'metadata /etc/pgw/commissioning.conf',
    ])
    await page.getByLabel(/type the device name/).fill(device.hostname)
    return app.reset.resetButton
  })

  await journey.step('reset by touch', async () => {
    await journey.press(app.reset.resetButton)
    await expect(app.reset.done).toBeVisible()
    expect(await device.snapshot('mount')).toEqual(await device.snapshot('base'))
    return app.reset.undoCard
  })

  await journey.step('reset undone by touch', async () => {
    await app.reset.undo()
    expect(await device.snapshot('mount')).toEqual(beforeReset)
    return app.reset.undoCard
  })

  await device.assertBaseUnchanged()
})
