import { useEffect, useState } from 'react'
import { Link, useLocation } from 'wouter'
import type { TreeEntry } from '@layerdeck/api'
import { filesHref, type FilesParams } from '../../shared/location.ts'
import { useAbilities } from '../../shared/queries.ts'
import { RevertDialog } from '../../shared/revert/RevertDialog.tsx'
import { Breadcrumbs } from './Breadcrumbs.tsx'
import { ChangesView } from './ChangesView.tsx'
import { DirectoryView } from './DirectoryView.tsx'
import s from './tree.module.css'

/** The merged tree: one folder at a time, or only the changes; search by name; ghosts restorable. */
export function TreeBrowser({ params }: { params: FilesParams }) {
  const [, navigate] = useLocation()
  const { admin, mode } = useAbilities()
  const [restoring, setRestoring] = useState<TreeEntry | null>(null)
  const [q, setQ] = useState(params.q)
  const onRestore = admin && mode !== 'unavailable' ? setRestoring : undefined

  // The search box writes the URL (replace: typing is not history) after a short pause.
  useEffect(() => {
    if (q === params.q) return
    const timer = setTimeout(() => navigate(filesHref({ ...params, q }), { replace: true }), 250)
    return () => clearTimeout(timer)
  }, [q, params, navigate])

  return (
    <div className={s.browser}>
      <div className={s.toolbar}>
        <div className={s.views}>
          <Link
            href={filesHref({ dir: params.dir })}
            aria-current={params.view === 'tree' ? 'page' : undefined}
          >
            Folders
          </Link>
          <Link
            href={filesHref({ dir: params.dir, view: 'changes' })}
            aria-current={params.view === 'changes' ? 'page' : undefined}
          >
            Changes only
          </Link>
        </div>
        {params.view === 'tree' ? (
          <input
            className={s.search}
            type="search"
            aria-label="Search this folder by name"
            placeholder="Search this folder by name"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        ) : null}
      </div>
      {params.view === 'tree' ? <Breadcrumbs dir={params.dir} /> : null}
      {params.view === 'tree' ? (
        <DirectoryView dir={params.dir} file={params.file} q={params.q} onRestore={onRestore} />
      ) : (
        <ChangesView file={params.file} onRestore={onRestore} />
      )}
      <RevertDialog
        open={restoring !== null}
        onClose={() => setRestoring(null)}
        paths={restoring ? [restoring.path] : []}
        verb="Restore"
      />
    </div>
  )
}
