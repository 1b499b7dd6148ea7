import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState, type ReactNode } from 'react'
import type { RevertRequest, RevertResult } from '@layerdeck/api'
import { api } from '../api/endpoints.ts'
import { ApiError } from '../api/http.ts'
import { invalidateFor } from '../invalidate.ts'
import { displayName } from '../paths.ts'
import { actionLabel, useAbilities } from '../queries.ts'
import { ActionStatus } from '../ui/ActionStatus.tsx'
import { Button } from '../ui/Button.tsx'
import { Dialog } from '../ui/Dialog.tsx'
import { OpenFiles } from '../ui/OpenFiles.tsx'
import ui from '../ui/ui.module.css'
import { STEP_TEXT } from './describe.ts'

export interface RevertDialogProps {
  open: boolean
  onClose: () => void
  paths: string[]
  /** "Revert" or "Restore". */
  verb: string
  /** What will be lost (the diff), shown above the plan. */
  lost?: ReactNode
  /** A folder: offer to remove what was added under it too. */
  folder?: boolean
}

/**
 * Revert with a confirmation: the dry run's plan (every path and what happens to it), the open
 * files it would strand (confirm with force), then progress and the agent's answer.
 */
export function RevertDialog({
  open,
  onClose,
  paths,
  verb,
  lost,
  folder = false,
}: RevertDialogProps) {
  const client = useQueryClient()
  const { atNextBoot } = useAbilities()
  const [added, setAdded] = useState(true)
  const [force, setForce] = useState(false)
  // What is lost, as it was when the user confirmed: the revert's refetch describes the file as
  // it is afterwards (unchanged), which must not replace what the dialog said was lost.
  const [lostWhenConfirmed, setLostWhenConfirmed] = useState<ReactNode>(null)
  const body = (dryRun: boolean): RevertRequest => ({
    paths,
    added: folder ? added : true,
    dryRun,
    force,
    atNextBoot,
  })
  const plan = useMutation({ mutationFn: () => api.revert(body(true)) })
  const apply = useMutation({
    mutationFn: () => api.revert(body(false)),
    onSuccess: () =>
      invalidateFor(
        client,
        paths.map((path) => ({ kind: 'revert', id: '', data: { path, time: Date.now() } })),
      ),
  })
  const { mutate: runPlan, reset: resetPlan } = plan
  const { reset: resetApply } = apply
  useEffect(() => {
    if (open) runPlan()
    else {
      resetPlan()
      resetApply()
    }
  }, [open, added, runPlan, resetPlan, resetApply])

  const busy = apply.error instanceof ApiError ? apply.error.openFiles : []
  const openFiles = busy.length > 0 ? busy : (plan.data?.openFiles ?? [])
  const needsForce = openFiles.length > 0 && !force
  const label = actionLabel(verb, atNextBoot)
  const target = paths.length === 1 ? displayName(paths[0] ?? '') : `${paths.length} paths`
  const title = `${verb} ${target}${atNextBoot ? ' at next boot' : ''}`
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      actions={
        apply.isSuccess ? (
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              variant="danger"
              disabled={!plan.isSuccess || apply.isPending || needsForce}
              onClick={() => {
                setLostWhenConfirmed(lost)
                apply.mutate()
              }}
            >
              {apply.isPending ? `${verb}ing…` : label}
            </Button>
          </>
        )
      }
    >
      {apply.isIdle ? lost : lostWhenConfirmed}
      {folder ? (
        <label className={ui.check}>
          <input type="checkbox" checked={added} onChange={(e) => setAdded(e.target.checked)} />
          <span>Also remove files and folders that were added (not in the factory image)</span>
        </label>
      ) : null}
      <ActionStatus state={plan} pending="Working out what changes…" />
      {plan.data ? <Plan result={plan.data} whole={folder ? paths[0] : undefined} /> : null}
      <OpenFiles files={openFiles} force={force} onForce={setForce} />
      {atNextBoot ? (
        <p>
          This storage is mounted by the kernel: the revert is recorded and applied at the next
          boot.
        </p>
      ) : null}
      <ActionStatus
        state={apply}
        pending={`${verb}ing…`}
        success={
          apply.data?.atNextBoot
            ? 'Recorded: it happens at the next boot.'
            : apply.data?.applied
              ? 'Done: the factory version is back.'
              : 'Nothing to do: already as in the factory image.'
        }
      />
    </Dialog>
  )
}

/** The agent's plan; a folder planned as one step is described by the list of its changes above. */
function Plan({ result, whole }: { result: RevertResult; whole: string | undefined }) {
  const steps = result.steps.filter((step) => step.action !== 'tree')
  if (whole !== undefined && steps.length === 1 && steps[0]?.path === whole)
    return <p>The folder goes back to the factory image, entry by entry.</p>
  if (steps.length === 0) return <p>Nothing to do: already as in the factory image.</p>
  return (
    <>
      <p>
        {steps.length} {steps.length === 1 ? 'entry changes' : 'entries change'}:
      </p>
      <ul className={ui.list}>
        {steps.map((step) => (
          <li key={step.path}>
            <span>{displayName(step.path)}</span>
            <span>— {STEP_TEXT[step.action]}</span>
          </li>
        ))}
      </ul>
    </>
  )
}
