/**
 * Journey 2: a config file edited through the mount by a shell command shows as modified in the
 * tree without a reload, the live feed names the writer; from the overview: open it, read the
 * diff against factory, revert it; the mount serves the factory content again and the badge is
 * gone. The clicks from the overview to the reverted file are counted and kept here.
 */
import { expect, test, type Ctx } from '../fixtures/fixtures.ts'

const LINE = '10.0.0.5 historian'
/** Overview → the feed's link to the file → "Revert to factory" → "Revert". */
const CLICKS_TO_REVERT = 3

/** `tee` appends through the mount in a child process, as an SSH session would; returns its pid. */
async function editByShell({ app, device }: Ctx, factory: string): Promise<number> {
  const script = `echo '${LINE}' | tee -a ${device.mount}/etc/hosts > /dev/null & echo $!; wait`
  const pid = Number(await device.shOk(script))
  await expect(app.tree.badge('hosts', 'modified')).toBeVisible()
  expect(await app.reloaded(), 'the badge came without a reload').toBe(false)
  expect(await device.read('/etc/hosts')).toBe(`${factory}${LINE}\n`)
  expect(await device.shOk(`cat ${device.upper}/etc/hosts`)).toBe(`${factory}${LINE}\n`)
  expect(await device.readBase('/etc/hosts')).toBe(factory)
  return pid
}

test('a shell edit appears live with its writer; diff, revert, badge gone', async ({
  app,
  device,
  journey,
  page,
}) => {
  const factory = await device.readBase('/etc/hosts')
  let pid = 0

  await journey.step('signed in', () => app.signIn())
  await journey.step('etc folder', async () => {
    await app.tree.goto('/etc')
    await expect(app.tree.row('hosts')).toBeVisible()
    await expect(app.tree.row('hosts').getByText('modified', { exact: true })).toHaveCount(0)
    await app.markNoReload()
  })
  await journey.step('edited by a shell', async () => {
    pid = await editByShell({ app, device, journey }, factory)
  })
  await journey.step('writer in the live feed', async () => {
    await app.shell.go('Overview')
    const line = app.overview.feedLine('/etc/hosts')
    await expect(line).toContainText(`tee (pid ${pid}, root) modified`)
  })
  journey.resetClicks()
  await journey.step('diff against factory', async () => {
    await journey.press(
      app.overview.feedLine(`tee (pid ${pid}`).getByRole('link', { name: '/etc/hosts' }),
    )
    await expect(page).toHaveURL(/file=%2Fetc%2Fhosts/)
    await expect(app.file.badge('/etc/hosts', 'modified')).toBeVisible()
    await expect(app.file.diffLine('/etc/hosts', LINE)).toBeVisible()
    await expect(app.file.diffLine('/etc/hosts', LINE)).toContainText('+')
  })
  await journey.step('revert confirmation', async () => {
    await app.file.openAction('/etc/hosts')
    await expect(app.file.dialog).toContainText('Lost: 1 line added on this device')
    await expect(
      app.file.dialog.getByRole('listitem').filter({ hasText: '/etc/hosts' }),
    ).toBeVisible()
  })
  await journey.step('reverted', async () => {
    await app.file.confirm('Revert', 'Done: the factory version is back.')
    // The dialog still says what was lost, not the refetched (now unchanged) file.
    await expect(app.file.dialog).toContainText('Lost: 1 line added on this device')
    expect(journey.clicks).toBe(CLICKS_TO_REVERT)
    expect(journey.clicks).toBeLessThanOrEqual(6)
    expect(await device.read('/etc/hosts')).toBe(factory)
    expect(await device.stat('upper', '/etc/hosts')).toBeNull()
  })
  await journey.step('badge gone', async () => {
    await app.file.done()
    await expect(app.file.badge('/etc/hosts', 'factory')).toBeVisible()
    await expect(app.file.diff('/etc/hosts')).toHaveCount(0)
    await expect(app.tree.row('hosts')).toBeVisible()
    await expect(app.tree.row('hosts').getByText('modified', { exact: true })).toHaveCount(0)
    const description = `overview to reverted file: ${CLICKS_TO_REVERT}`
    test.info().annotations.push({ type: 'clicks', description })
  })

  await device.assertBaseUnchanged()
})
