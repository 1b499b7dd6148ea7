/**
 * Journey 7: a viewer sees everything and changes nothing: the revert, restore, reset, backup
 * and restore controls are absent (not merely refused), and the API answers 403 to each.
 */
import { gzipSync } from 'node:zlib'
import type { APIResponse } from '@playwright/test'
import { expect, test, type Ctx } from '../fixtures/fixtures.ts'

const VIEWER = { name: 'operator', password: 'shift-lead-2026' }

/** Every request that changes the storage or reads its secrets, as the viewer's browser sends it. */
async function adminRequests({ app, device }: Ctx): Promise<APIResponse[]> {
  return [
    await app.api('POST', '/api/revert', { paths: ['/etc/network/interfaces'] }),
    await app.api('POST', '/api/revert', { paths: ['/etc/motd'], dryRun: true }),
    await app.api('POST', '/api/reset', { keep: [] }),
    await app.api('POST', '/api/reset/undo', {}),
    await app.api('POST', '/api/reset/purge', {}),
    await app.api('GET', '/api/backup'),
    await app.page.request.post(`${device.url}/api/restore?dryRun=false&replace=true`, {
      headers: { origin: device.origin, 'content-type': 'application/gzip' },
      data: gzipSync(Buffer.alloc(1024)),
    }),
    await app.api('GET', '/api/audit'),
  ]
}

test('a viewer cannot revert, reset, restore or download a backup', async ({
  app,
  device,
  journey,
  page,
}) => {
  let upper: string[] = []
  await journey.step('viewer signed in', async () => {
    await device.addUser(VIEWER.name, VIEWER.password, 'viewer')
    upper = await device.snapshot('upper')
    await app.signIn(VIEWER.name, VIEWER.password)
    await expect(app.shell.who).toHaveText(`${VIEWER.name} (viewer)`)
    await expect(app.shell.navLink('Files')).toBeVisible()
    for (const item of ['Reset', 'Backup', 'Audit'] as const)
      await expect(app.shell.navLink(item)).toHaveCount(0)
  })
  await journey.step('no restore on a ghost', async () => {
    await app.tree.goto('/etc')
    await expect(app.tree.badge('motd', 'deleted')).toBeVisible()
    await expect(app.tree.row('motd').getByRole('button')).toHaveCount(0)
  })
  await journey.step('no revert on a diff', async () => {
    await app.tree.goto('/etc/network', { file: '/etc/network/interfaces' })
    const path = '/etc/network/interfaces'
    await expect(app.file.diffLine(path, 'address 192.168.10.25')).toBeVisible()
    await expect(app.file.panel(path).getByRole('button')).toHaveCount(0)
  })
  await journey.step('no revert of a folder', async () => {
    await app.tree.goto('/', { view: 'changes', file: '/etc' })
    await expect(app.file.folderChanges('/etc')).toBeVisible()
    await expect(app.file.panel('/etc').getByRole('button')).toHaveCount(0)
    await expect(app.tree.row('motd').getByRole('button')).toHaveCount(0)
  })
  await journey.step('admin pages closed', async () => {
    for (const path of ['/reset', '/backup', '/audit']) {
      await page.goto(path)
      await expect(page).toHaveURL(/\/$/)
      await expect(app.overview.deviceHeading).toHaveText(device.hostname)
    }
  })
  await journey.step('API refuses', async () => {
    const denied = await adminRequests({ app, device, journey })
    for (const r of denied) {
      expect(r.status(), r.url()).toBe(403)
      expect(await r.json()).toMatchObject({ problem: 'access-denied' })
    }
    expect(await device.snapshot('upper')).toEqual(upper)
    expect(await device.read('/etc/network/interfaces')).toContain('address 192.168.10.25')
  })

  await device.assertBaseUnchanged()
})
