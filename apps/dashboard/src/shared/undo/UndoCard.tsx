import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../api/endpoints.ts'
import { ApiError } from '../api/http.ts'
import { formatBytes } from '../format.ts'
import { useUsage } from '../queries.ts'
import { ActionStatus } from '../ui/ActionStatus.tsx'
import { Button } from '../ui/Button.tsx'
import { OpenFiles } from '../ui/OpenFiles.tsx'
import ui from '../ui/ui.module.css'
import s from './undo.module.css'

/**
 * While the state before the last reset (or restore) is kept, it can be put back: a technician
 * shows a customer the reset, then brings their settings back. Purge frees the space for good.
 */
export function UndoCard({
  force: initialForce = false,
  what = 'reset',
}: {
  force?: boolean
  /** What the undo state comes from, on this page (the words only: undo takes back either). */
  what?: 'reset' | 'restore'
}) {
  const client = useQueryClient()
  const usage = useUsage()
  const [force, setForce] = useState(initialForce)
  const refresh = () => client.invalidateQueries()
  const undo = useMutation({ mutationFn: () => api.undo({ force }), onSuccess: refresh })
  const purge = useMutation({ mutationFn: api.purge, onSuccess: refresh })
  const held = usage.data?.undoHeld ?? 0
  if (held <= 0 && !undo.isSuccess && !purge.isSuccess) return null
  const openFiles = undo.error instanceof ApiError ? undo.error.openFiles : []
  return (
    <section className={`${ui.card} ${s.undo}`} aria-labelledby="undo-h">
      <h2 id="undo-h">Undo the last reset or restore</h2>
      {held > 0 ? (
        <p>
          The state before it is kept ({formatBytes(held)}). Undo puts it back; undo again redoes
          the {what}. Purge deletes it and frees the space.
        </p>
      ) : null}
      <OpenFiles files={openFiles} force={force} onForce={setForce} />
      <div className={s.actions}>
        <Button
          variant="primary"
          disabled={
            undo.isPending || purge.isPending || held <= 0 || (openFiles.length > 0 && !force)
          }
          onClick={() => undo.mutate()}
        >
          {undo.isPending ? 'Undoing…' : undo.data?.undoable ? `Redo the ${what}` : `Undo ${what}`}
        </Button>
        <Button
          disabled={undo.isPending || purge.isPending || held <= 0}
          onClick={() => purge.mutate()}
        >
          {purge.isPending ? 'Purging…' : `Purge undo state (${formatBytes(held)})`}
        </Button>
      </div>
      <ActionStatus
        state={undo}
        pending="Putting the previous state back…"
        success={
          undo.data?.undoable
            ? `Undone: the previous state is back. Undo again to redo the ${what}.`
            : 'Undone.'
        }
      />
      <ActionStatus
        state={purge}
        pending="Purging…"
        success={
          purge.data
            ? `Purged: ${formatBytes(purge.data.freed)} freed. The reset can no longer be undone.`
            : 'Purged.'
        }
      />
    </section>
  )
}
