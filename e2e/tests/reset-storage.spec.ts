/**
 * Journey 5: factory reset with a keep list. The dry-run list is exactly what goes; after the
 * reset the mount equals the base except the kept paths; undo brings every change back; purge
 * frees the undo state.
 */
import { expect, test, type Ctx } from '../fixtures/fixtures.ts'

type ChangeLine = string
const KEPT = ['/etc/hosts', '/etc/network', '/root/.ssh']
/** A tree snapshot line ("./etc/hosts f 644 …") or a change ("modified /etc/hosts") under a kept path. */
const kept = (line: string): boolean => {
  const path = line.startsWith('./') ? line.slice(1).split(' ')[0] : line.split(' ')[1]
  return KEPT.some((k) => path === k || path?.startsWith(`${k}/`))
}

/** A customer's changes on top of the demo's: hosts, an SSH key, a log. */
const CUSTOMER = `set -e; m=$MOUNT
  echo '10.0.0.5 historian' >> $m/etc/hosts
  mkdir -p -m 700 $m/root/.ssh
  echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e technician@laptop' > $m/root/.ssh/authorized_keys
  mkdir -p $m/opt/plant-monitor/data/log && seq 1 2000 > $m/opt/plant-monitor/data/log/today.log`

/** After the reset: what went is the dry run's list; the mount is the base but for the kept paths. */
async function afterReset(
  { app, device }: Ctx,
  before: string[],
  beforeMount: string[],
  dryRun: string[],
): Promise<void> {
  const after = await app.changes()
  expect(before.filter((c) => !after.includes(c))).toEqual(dryRun)
  const mount = await device.snapshot('mount')
  const base = await device.snapshot('base')
  expect(mount.filter((l) => !kept(l))).toEqual(base.filter((l) => !kept(l)))
  expect(mount.filter(kept)).toEqual(beforeMount.filter(kept))
  expect(await device.read('/etc/hosts')).toContain('10.0.0.5 historian')
}

test('factory reset keeping network, SSH keys and hosts; undo; purge', async ({
  app,
  device,
  journey,
}) => {
  let before: ChangeLine[] = []
  let beforeMount: string[] = []
  let dryRun: ChangeLine[] = []
  await journey.step('keep list', async () => {
    await device.shOk(CUSTOMER.replace('$MOUNT', device.mount))
    await app.signIn()
    before = await app.changes()
    beforeMount = await device.snapshot('mount')
    await app.shell.go('Reset')
    await expect(app.reset.heading).toBeVisible()
    await expect(app.reset.keep('/etc/network')).toBeChecked()
    await expect(app.reset.keep('/root/.ssh')).not.toBeChecked()
    await journey.press(app.reset.keep('/root/.ssh'))
    await app.reset.addKeep('/etc/hosts')
  })
  await journey.step('what goes', async () => {
    await app.reset.showWhatGoes()
    dryRun = (await app.reset.goes()).sort()
    expect(dryRun).toEqual(before.filter((c) => !kept(c)))
    expect(dryRun.length).toBeGreaterThan(3)
    await expect(app.reset.resetButton).toBeDisabled()
  })
  await journey.step('reset done', async () => {
    await app.reset.confirmAndReset(device.hostname)
    await expect(app.reset.done).toBeVisible()
    await expect(app.reset.done).toContainText(`${dryRun.length} changes removed`)
    await afterReset({ app, device, journey }, before, beforeMount, dryRun)
  })
  await journey.step('undone', async () => {
    await app.reset.undo()
    expect(await app.changes()).toEqual(before)
    expect(await device.snapshot('mount')).toEqual(beforeMount)
  })
  await journey.step('purged', async () => {
    expect(await device.shOk(`ls ${device.storage}/work/layerdeck`)).toMatch(/^reset-undo-/m)
    await app.reset.purge()
    expect(await device.shOk(`ls ${device.storage}/work/layerdeck`)).not.toMatch(/^reset-undo-/m)
    const undo = app.reset.undoCard.getByRole('button', { name: /^(Undo reset|Redo the reset)$/ })
    await expect(undo).toBeDisabled()
    expect(await device.snapshot('mount')).toEqual(beforeMount)
  })

  await journey.step('audit log', async () => {
    await app.shell.go('Audit')
    const rows = app.page.getByRole('table', { name: 'Audit log, newest first' }).getByRole('row')
    for (const action of ['purge', 'undo', 'reset'])
      await expect(
        rows.filter({ hasText: action }).filter({ hasText: 'admin' }).first(),
      ).toContainText('ok')
    await expect(rows.filter({ hasText: 'reset (dry run)' }).first()).toBeVisible()
  })

  await device.assertBaseUnchanged()
})
