import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { uploadRestore } from '../../shared/api/endpoints.ts'
import { ApiError } from '../../shared/api/http.ts'
import { formatBytes, formatCount } from '../../shared/format.ts'
import { useAbilities } from '../../shared/queries.ts'
import { ActionStatus } from '../../shared/ui/ActionStatus.tsx'
import { Button, buttonClass } from '../../shared/ui/Button.tsx'
import { Notice } from '../../shared/ui/Notice.tsx'
import { OpenFiles } from '../../shared/ui/OpenFiles.tsx'
import ui from '../../shared/ui/ui.module.css'
import { UndoCard } from '../../shared/undo/UndoCard.tsx'
import { RestorePlan } from './RestorePlan.tsx'
import s from './backup.module.css'

/** Download the storage as a .tar.gz; upload one, read its dry-run plan, apply it; undo. */
export function BackupPage() {
  const client = useQueryClient()
  const { mode } = useAbilities()
  const [file, setFile] = useState<File | null>(null)
  const [replace, setReplace] = useState(false)
  const [force, setForce] = useState(false)
  const [progress, setProgress] = useState(0)
  const run = (dryRun: boolean) => {
    if (!file) throw new Error('Choose a backup file first.')
    setProgress(0)
    return uploadRestore(file, { dryRun, replace, force }, setProgress)
  }
  const plan = useMutation({ mutationFn: () => run(true) })
  const apply = useMutation({
    mutationFn: () => run(false),
    onSuccess: () => client.invalidateQueries(),
  })
  const choose = (next: File | null, nextReplace = replace) => {
    setFile(next)
    setReplace(nextReplace)
    plan.reset()
    apply.reset()
  }
  const busy = apply.error instanceof ApiError ? apply.error.openFiles : []
  const openFiles = busy.length > 0 ? busy : (plan.data?.openFiles ?? [])
  const uploading = plan.isPending || apply.isPending

  return (
    <div className={s.page}>
      <h1>Backup and restore</h1>
      <section className={ui.card} aria-labelledby="dl-h">
        <h2 id="dl-h">Download a backup</h2>
        <p className={s.muted}>
          Everything changed on this device (deletions included) as one .tar.gz. It holds secrets
          such as passwords and keys: keep it safe.
        </p>
        <a className={buttonClass('primary')} href="/api/backup" download>
          Download backup
        </a>
      </section>
      <UndoCard what="restore" />
      <section className={ui.card} aria-labelledby="ul-h">
        <h2 id="ul-h">Restore a backup</h2>
        <label className={s.field}>
          <span>Backup file (.tar.gz)</span>
          <input
            type="file"
            accept=".tar.gz,.tgz,application/gzip"
            onChange={(e) => choose(e.target.files?.[0] ?? null)}
          />
        </label>
        <fieldset className={s.modes}>
          <legend>How</legend>
          <label className={ui.check}>
            <input
              type="radio"
              name="mode"
              checked={!replace}
              onChange={() => choose(file, false)}
            />
            <span>
              <strong>Merge</strong>: add and replace what the backup holds; keep other changes made
              since.
            </span>
          </label>
          <label className={ui.check}>
            <input type="radio" name="mode" checked={replace} onChange={() => choose(file, true)} />
            <span>
              <strong>Replace</strong>: the storage becomes exactly the backup; changes it does not
              have are removed.
            </span>
          </label>
        </fieldset>
        {mode === 'at-next-boot' ? (
          <Notice kind="info" title="Kernel-mounted storage">
            A restore needs a live mount; the agent will say so if it cannot apply it.
          </Notice>
        ) : null}
        <div className={s.actions}>
          <Button
            variant="primary"
            disabled={!file || uploading || mode === 'unavailable'}
            onClick={() => plan.mutate()}
          >
            {plan.isPending ? 'Checking…' : 'Check what it changes'}
          </Button>
        </div>
        {uploading ? <progress value={progress} max={1} aria-label="Upload" /> : null}
        <ActionStatus
          state={plan}
          pending={`Uploading and checking ${file ? formatBytes(file.size) : ''}…`}
        />
        {plan.data ? (
          <>
            <p>
              The backup holds {formatCount(plan.data.entries)} entries (
              {formatBytes(plan.data.bytes)}).
            </p>
            <RestorePlan plan={plan.data.plan} replace={replace} />
            <OpenFiles files={openFiles} force={force} onForce={setForce} />
            <div className={s.actions}>
              <Button
                variant="danger"
                disabled={apply.isPending || apply.isSuccess || (openFiles.length > 0 && !force)}
                onClick={() => apply.mutate()}
              >
                {apply.isPending
                  ? 'Restoring…'
                  : replace
                    ? 'Restore: replace the storage'
                    : 'Restore: merge into the storage'}
              </Button>
            </div>
          </>
        ) : null}
        <ActionStatus
          state={apply}
          pending="Restoring…"
          success={
            apply.data?.undoable ? 'Restored. Undo puts the previous state back.' : 'Restored.'
          }
        />
      </section>
    </div>
  )
}
