/**
 * Journey 4: a folder with several changes (modified, added, deleted, metadata) reverted as a
 * whole: the mount's folder equals the factory one again, and changes elsewhere stay.
 */
import { expect, test } from '../fixtures/fixtures.ts'

const DIR = '/opt/plant-monitor/conf'
const CHANGES = [
  'added /opt/plant-monitor/conf/devices.d/46-meter-spare.conf',
  'deleted /opt/plant-monitor/conf/devices.d/25-conveyor-c301.conf',
  'metadata /opt/plant-monitor/conf/registers/plc-line1.csv',
  'modified /opt/plant-monitor/conf/monitor.conf',
]

test('a folder with several changes reverted as a whole', async ({
  app,
  device,
  journey,
  page,
}) => {
  const factory = await device.snapshot('base', DIR)
  let elsewhere: string[] = []

  await journey.step('changes only', async () => {
    await app.signIn()
    elsewhere = await app.changes()
    const m = `${device.mount}${DIR}`
    await device.shOk(`set -e
      echo 'poll_interval = 5' >> ${m}/monitor.conf
      printf 'name = meter-spare\\nbus = rs485-2\\naddress = 46\\n' > ${m}/devices.d/46-meter-spare.conf
      rm ${m}/devices.d/25-conveyor-c301.conf
      chmod 600 ${m}/registers/plc-line1.csv`)
    await app.shell.go('Files')
    await app.tree.changesOnly()
    await expect(app.tree.row('46-meter-spare.conf')).toBeVisible()
    await expect(app.tree.badge('monitor.conf', 'modified')).toBeVisible()
    await expect(app.tree.badge('25-conveyor-c301.conf', 'deleted')).toBeVisible()
    await expect(app.tree.badge('plc-line1.csv', 'metadata')).toBeVisible()
  })

  await journey.step('folder changes', async () => {
    await app.tree.open('conf')
    await expect(page).toHaveURL(/file=%2Fopt%2Fplant-monitor%2Fconf/)
    const list = app.file.folderChanges(DIR)
    await expect(list.getByRole('heading')).toHaveText('4 changes in this folder')
    expect((await app.file.folderChangeLines(list)).sort()).toEqual(CHANGES)
  })

  await journey.step('revert folder confirmation', async () => {
    await app.file.openAction(DIR)
    await expect(app.file.dialog.getByRole('heading', { name: `Revert ${DIR}` })).toBeVisible()
    await expect(
      app.file.dialog.getByRole('checkbox', {
        name: /Also remove files and folders that were added/,
      }),
    ).toBeChecked()
    const lost = app.file.dialog.getByRole('region', { name: 'Changes in this folder' })
    expect((await app.file.folderChangeLines(lost)).sort()).toEqual(CHANGES)
  })

  await journey.step('folder reverted', async () => {
    await app.file.confirm('Revert', 'Done: the factory version is back.')
    await app.file.done()
    await expect(app.tree.row('46-meter-spare.conf')).toHaveCount(0)
    expect(await device.snapshot('mount', DIR)).toEqual(factory)
    expect(await device.shOk(`find ${device.upper}${DIR} \\! -type d 2>/dev/null || true`)).toBe('')
    expect(await app.changes()).toEqual(elsewhere)
  })

  await device.assertBaseUnchanged()
})
