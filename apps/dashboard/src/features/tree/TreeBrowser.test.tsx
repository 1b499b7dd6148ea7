import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TreeEntry, TreePage } from '@layerdeck/api'
import { parseFilesSearch } from '../../shared/location.ts'
import { admin, renderScreen, stubApi, viewer, type Call } from '../../testing/render.tsx'
import { TreeBrowser } from './TreeBrowser.tsx'

afterEach(() => vi.unstubAllGlobals())

const TOTAL = 50_000

function entry(i: number): TreeEntry {
  const dir = i % 10 === 0
  const name = dir ? `dir${String(i).padStart(5, '0')}` : `file${String(i).padStart(5, '0')}`
  return {
    name,
    path: `/big/${name}`,
    type: dir ? 'dir' : 'file',
    state: i === 1 ? 'deleted' : i === 2 ? 'modified' : 'unchanged',
    inStorage: i === 2,
    size: 100 + i,
    mode: 0o100644,
    uid: 0,
    gid: 0,
    mtime: 0,
    target: null,
    storageBytes: dir ? 4096 : 0,
    fields: [],
  }
}

/** A 50,000-entry directory, paged as the agent pages it. */
function bigDir(call: Call): { body: TreePage } {
  const offset = Number(call.query.get('offset'))
  const limit = Number(call.query.get('limit'))
  const entries = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, k) =>
    entry(offset + k),
  )
  return {
    body: {
      path: '/big',
      dir: { ...entry(0), name: 'big', path: '/big' },
      total: TOTAL,
      offset,
      limit,
      entries,
    },
  }
}

const params = { dir: '/big', file: null, view: 'tree' as const, q: '' }

describe('the tree', () => {
  it('opens a 50,000-entry folder with only the rows on screen in the DOM', async () => {
    const calls = stubApi({ 'GET /api/tree': bigDir })
    renderScreen(<TreeBrowser params={params} />, { me: admin })
    const tree = await screen.findByRole('tree', { name: 'Contents of /big' })
    await within(tree).findByText('dir00000')
    const rows = within(tree).getAllByRole('treeitem')
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.length).toBeLessThan(60)
    expect(rows[0]?.getAttribute('aria-setsize')).toBe(String(TOTAL))
    expect(screen.getByText('50,000 entries · 4.00 KiB in storage')).toBeTruthy()
    // Only the first page was asked for, not the whole folder.
    expect(calls.every((c) => c.query.get('offset') === '0')).toBe(true)
  })

  it('shows a deleted entry as a struck-through ghost an admin can restore, and a viewer cannot', async () => {
    stubApi({ 'GET /api/tree': bigDir })
    const { unmount } = renderScreen(<TreeBrowser params={params} />, { me: admin })
    const ghost = await screen.findByText('file00001')
    expect(ghost.className).toMatch(/ghost/)
    const row = ghost.closest('[role=treeitem]') as HTMLElement
    expect(within(row).getByText('deleted')).toBeTruthy()
    expect(within(row).getByRole('button', { name: 'Restore' })).toBeTruthy()
    unmount()
    renderScreen(<TreeBrowser params={params} />, { me: viewer })
    const asViewer = (await screen.findByText('file00001')).closest(
      '[role=treeitem]',
    ) as HTMLElement
    expect(within(asViewer).queryByRole('button', { name: 'Restore' })).toBeNull()
  })

  it('moves with the arrow keys and opens a folder with Enter; Left goes to the parent', async () => {
    stubApi({ 'GET /api/tree': bigDir })
    const { location } = renderScreen(<TreeBrowser params={params} />, {
      me: admin,
      path: '/files?dir=/big',
    })
    const tree = await screen.findByRole('tree')
    await within(tree).findByText('dir00000')
    tree.focus()
    const active = () =>
      document.getElementById(tree.getAttribute('aria-activedescendant') ?? '')?.textContent ?? ''
    expect(active()).toContain('dir00000')
    fireEvent.keyDown(tree, { key: 'ArrowDown' })
    fireEvent.keyDown(tree, { key: 'ArrowDown' })
    expect(active()).toContain('file00002')
    fireEvent.keyDown(tree, { key: 'Home' })
    fireEvent.keyDown(tree, { key: 'Enter' })
    expect(parseFilesSearch(location.history.at(-1)?.split('?')[1] ?? '').dir).toBe('/big/dir00000')
    fireEvent.keyDown(tree, { key: 'ArrowLeft' })
    expect(parseFilesSearch(location.history.at(-1)?.split('?')[1] ?? '').dir).toBe('/')
  })

  it('searches the folder by name across every page', async () => {
    const calls = stubApi({ 'GET /api/tree': bigDir })
    renderScreen(<TreeBrowser params={{ ...params, q: 'file4999' }} />, { me: admin })
    // file49991..file49999 (49990 is a folder, dir49990).
    await screen.findByText('9 of 50,000 entries match “file4999”', undefined, { timeout: 10_000 })
    const tree = screen.getByRole('tree')
    expect(
      within(tree)
        .getAllByRole('treeitem')
        .map((r) => r.textContent?.slice(1, 10)),
    ).toContain('file49991')
    await waitFor(() => expect(calls.some((c) => c.query.get('offset') === '48000')).toBe(true))
  }, 15_000)
})
