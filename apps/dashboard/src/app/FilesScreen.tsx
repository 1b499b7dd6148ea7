import { TreeBrowser } from '../features/tree/index.ts'
import { FilePanel } from '../features/file/index.ts'
import { filesHref, useFilesParams } from '../shared/location.ts'
import s from './files.module.css'

/**
 * The Files screen composes the tree and the file panel: side by side on a wide screen, one at a
 * time on a phone (the URL's `file` decides which one shows).
 */
export default function FilesScreen() {
  const params = useFilesParams()
  const back = filesHref({ dir: params.dir, view: params.view, q: params.q })
  return (
    <div className={s.files} data-open={params.file ? 'file' : 'tree'}>
      <section className={s.tree} aria-label="Files">
        <TreeBrowser key={`${params.view}|${params.dir}`} params={params} />
      </section>
      {params.file ? (
        <section className={s.file} aria-label="Selected entry">
          <FilePanel key={params.file} path={params.file} backHref={back} />
        </section>
      ) : (
        <section className={`${s.file} ${s.hint}`} aria-label="Selected entry">
          <p>Pick a file or folder to see what changed against the factory image.</p>
        </section>
      )}
    </div>
  )
}
