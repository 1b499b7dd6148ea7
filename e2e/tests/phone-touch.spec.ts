/**
 * Journey 9: on a phone (390x844, touch), by taps only: the tree down to a config file, its diff
 * (unified on a narrow screen), revert; then the factory reset flow and its undo. The taps from
 * the overview to the reverted file are counted and kept here (goal: 6 or fewer).
 */
import { expect, test, type Ctx } from '../fixtures/fixtures.ts'

test.use({
  viewport: { width: 390, height: 844 },
  hasTouch: true,
  isMobile: true,
  deviceScaleFactor: 1,
})

/** Files → etc → network → interfaces → "Revert to factory" → "Revert". */
const TAPS_TO_REVERT = 6

const PATH = '/etc/network/interfaces'
const GOES = [
  'added /etc/dnsmasq.d/meter-31.conf',
  'deleted /etc/motd',
  'metadata /etc/pgw/commissioning.conf',
]

/** The file's panel replaces the tree on a phone, with a unified diff. */
async function diffOnPhone({ app }: Ctx): Promise<void> {
  await app.tree.open('interfaces')
  await expect(app.file.panel(PATH)).toBeInViewport()
  await expect(app.tree.tree).not.toBeInViewport()
  await expect(app.file.panel(PATH).getByRole('table', { name: /unified$/ })).toBeVisible()
  await expect(app.file.diffLine(PATH, 'address 192.168.10.25')).toBeVisible()
  await expect(app.file.diffLine(PATH, 'address 192.168.10.20')).toBeVisible()
}

async function revertByTouch({ app, device, journey }: Ctx): Promise<void> {
  await app.file.openAction(PATH)
  await app.file.confirm('Revert', 'Done: the factory version is back.')
  expect(journey.clicks).toBe(TAPS_TO_REVERT)
  expect(journey.clicks).toBeLessThanOrEqual(6)
  await app.file.done()
  await expect(app.file.badge(PATH, 'factory')).toBeVisible()
  expect(await device.read(PATH)).toBe(await device.readBase(PATH))
  const description = `overview to reverted file on a phone: ${TAPS_TO_REVERT}`
  test.info().annotations.push({ type: 'taps', description })
}

test('phone by touch: tree, diff, revert, factory reset and undo', async ({
  app,
  device,
  journey,
  page,
}) => {
  const ctx = { app, device, journey }
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
  await journey.step('diff on a phone', () => diffOnPhone(ctx))
  await journey.step('reverted by touch', () => revertByTouch(ctx))
  await journey.step('back to the folder', async () => {
    await journey.press(app.file.panel(PATH).getByRole('link', { name: '← Back' }))
    await expect(app.tree.row('interfaces')).toBeInViewport()
    await expect(app.tree.row('interfaces').getByText('modified', { exact: true })).toHaveCount(0)
  })
  await journey.step('reset plan by touch', async () => {
    beforeReset = await device.snapshot('mount')
    await app.shell.go('Reset')
    await app.reset.showWhatGoes()
    expect((await app.reset.goes()).sort()).toEqual(GOES)
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
