import type { OpenFile } from '@layerdeck/api'
import { displayName } from '../paths.ts'
import { Notice } from './Notice.tsx'
import s from './ui.module.css'

/**
 * Files held open on the device that the action would strand (the program keeps the old copy).
 * The user must tick "go ahead anyway" to send the request with force.
 */
export function OpenFiles({
  files,
  force,
  onForce,
}: {
  files: OpenFile[]
  force: boolean
  onForce: (on: boolean) => void
}) {
  if (files.length === 0) return null
  return (
    <div>
      <Notice
        kind="warn"
        title={`${files.length} open file${files.length === 1 ? '' : 's'} would be stranded`}
      >
        These programs keep the old version open until they restart.
      </Notice>
      <ul className={s.list}>
        {files.map((f) => (
          <li key={`${f.pid}:${f.path}`}>
            <span>{displayName(f.path)}</span>
            <span>
              — {f.command ?? 'process'} (pid {f.pid}, uid {f.uid}
              {f.write ? ', writing' : ''})
            </span>
          </li>
        ))}
      </ul>
      <label className={s.check}>
        <input type="checkbox" checked={force} onChange={(e) => onForce(e.target.checked)} />
        <span>Go ahead anyway (the programs above keep their old copy until restarted)</span>
      </label>
    </div>
  )
}
