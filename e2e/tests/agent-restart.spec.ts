/**
 * Journey 10: the agent is killed (kill -9) while the page is open: the page says the device is
 * unreachable, the mount keeps serving (reads and writes); the agent restarts and the page
 * recovers on its own, without a reload, and shows what changed meanwhile.
 */
import { isMounted } from '@layerdeck/testkit'
import { expect, test } from '../fixtures/fixtures.ts'

test('agent killed while the page is open: unreachable, mount serves, recovers on its own', async ({
  app,
  device,
  journey,
  page,
}) => {
  await journey.step('live', async () => {
    await app.signIn()
    await expect(app.shell.live).toHaveText('Live')
    await expect(app.overview.count('modified')).toHaveAccessibleName('1 modified')
    await app.markNoReload()
  })
  await journey.step('agent killed', async () => {
    const pid = device.demo.agentPid() as number
    await device.demo.killAgent()
    expect(() => process.kill(pid, 0)).toThrow()
    await expect(app.shell.unreachable).toBeVisible({ timeout: 30_000 })
    await expect(app.shell.unreachable).toContainText('What is on screen may be out of date')
    await expect(app.shell.persistence).toHaveText(/Device unreachable/)
    await expect(app.shell.live).toHaveText('Offline')
  })
  await journey.step('mount keeps serving', async () => {
    expect(isMounted(device.mount)).toBe(true)
    expect(await device.read('/etc/hosts')).toBe(await device.readBase('/etc/hosts'))
    await device.shOk(`echo 'server 10.0.0.9 iburst' >> ${device.mount}/etc/chrony/chrony.conf`)
    expect(await device.shOk(`tail -n 1 ${device.upper}/etc/chrony/chrony.conf`)).toBe(
      'server 10.0.0.9 iburst\n',
    )
  })
  await journey.step('recovered on its own', async () => {
    await device.demo.startAgent()
    await expect(app.shell.unreachable).toBeHidden({ timeout: 30_000 })
    await expect(app.shell.live).toHaveText('Live', { timeout: 30_000 })
    await expect(app.shell.persistence).toHaveText(/Persistent storage/)
    await expect(app.overview.count('modified')).toHaveAccessibleName('2 modified')
    expect(await app.reloaded(), 'recovered without a reload').toBe(false)
    await expect(page).toHaveURL(/\/$/)
  })
  await journey.step('live again', async () => {
    // The event stream is back: a new write shows in the feed with its writer, no reload.
    const pid = await device.shOk(
      `echo ok | tee ${device.mount}/etc/timezone > /dev/null & echo $!; wait`,
    )
    await expect(app.overview.feedLine('/etc/timezone')).toContainText(
      `tee (pid ${pid.trim()}, root) modified`,
    )
    expect(await app.reloaded()).toBe(false)
  })
  await journey.step('change made meanwhile', async () => {
    await app.overview.showEveryChange()
    await expect(app.tree.badge('chrony.conf', 'modified')).toBeVisible()
  })

  await device.assertBaseUnchanged()
})
