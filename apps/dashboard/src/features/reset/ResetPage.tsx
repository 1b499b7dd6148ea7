import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import type { ResetRequest } from '@layerdeck/api'
import { api } from '../../shared/api/endpoints.ts'
import { ApiError } from '../../shared/api/http.ts'
import { formatBytes, formatCount } from '../../shared/format.ts'
import { actionLabel, useAbilities, useChanges, useDevice } from '../../shared/queries.ts'
import { ActionStatus } from '../../shared/ui/ActionStatus.tsx'
import { Button } from '../../shared/ui/Button.tsx'
import { Notice } from '../../shared/ui/Notice.tsx'
import { OpenFiles } from '../../shared/ui/OpenFiles.tsx'
import ui from '../../shared/ui/ui.module.css'
import { UndoCard } from '../../shared/undo/UndoCard.tsx'
import { KeepList } from './KeepList.tsx'
import { normalizeKeep, suggestKeeps } from './keepSuggestions.ts'
import { ResetPlan } from './ResetPlan.tsx'
import s from './reset.module.css'

/**
 * Factory reset: choose what to keep, see what goes, type the device's name to confirm, watch
 * it run, and undo it while the previous state is kept.
 */
export function ResetPage() {
  const client = useQueryClient()
  const changes = useChanges()
  const device = useDevice()
  const { atNextBoot, mode } = useAbilities()
  const suggestions = useMemo(() => suggestKeeps(changes.data?.changes ?? []), [changes.data])
  const [picked, setPicked] = useState<string[] | null>(null)
  const keep = picked ?? suggestions.filter((sg) => sg.preselect).map((sg) => sg.root)
  const [typed, setTyped] = useState('')
  const [force, setForce] = useState(false)
  const body = (dryRun: boolean): ResetRequest => ({
    keep: normalizeKeep(keep),
    dryRun,
    force,
    atNextBoot,
  })
  const plan = useMutation({ mutationFn: () => api.reset(body(true)) })
  const apply = useMutation({
    mutationFn: () => api.reset(body(false)),
    onSuccess: () => client.invalidateQueries(),
  })

  const hostname = device.data?.hostname ?? ''
  const busy = apply.error instanceof ApiError ? apply.error.openFiles : []
  const openFiles = busy.length > 0 ? busy : (plan.data?.openFiles ?? [])
  const confirmed = hostname !== '' && typed.trim() === hostname
  const changeKeep = (next: string[]) => {
    setPicked(next)
    plan.reset()
    setTyped('')
  }
  const label = actionLabel('Reset to factory', atNextBoot)

  if (apply.isSuccess)
    return (
      <div className={s.page}>
        <Notice
          kind="ok"
          title={apply.data.atNextBoot ? 'Reset recorded for the next boot' : 'Factory reset done'}
        >
          {apply.data.goes
            ? `${formatCount(apply.data.goes.length)} changes removed`
            : 'The device resets when it boots next'}
          {apply.data.kept.length ? `; kept ${apply.data.kept.join(', ')}` : ''}.{' '}
          {apply.data.undoable ? 'You can undo it below until you purge.' : ''}
        </Notice>
        <UndoCard />
      </div>
    )
  return (
    <div className={s.page}>
      <h1>Factory reset</h1>
      <p className={s.muted}>
        Everything changed on this device since the factory image goes, except what you keep. The
        reset can be undone until you purge it.
      </p>
      {mode === 'unavailable' ? (
        <Notice kind="error" title="Not possible now">
          The mount is gone: no daemon serves the storage.
        </Notice>
      ) : null}
      {atNextBoot ? (
        <Notice kind="info" title="Applies at the next boot">
          This storage is mounted by the kernel: the reset is recorded and done before the next
          mount.
        </Notice>
      ) : null}
      <UndoCard />
      <section className={ui.card}>
        <KeepList suggestions={suggestions} keep={keep} onChange={changeKeep} />
        <div className={s.actions}>
          <Button
            variant="primary"
            disabled={plan.isPending || mode === 'unavailable'}
            onClick={() => plan.mutate()}
          >
            {plan.isPending
              ? 'Working out what goes…'
              : plan.isSuccess
                ? 'Update the list'
                : 'Show what goes'}
          </Button>
        </div>
        <ActionStatus state={plan} pending="Working out what goes…" />
      </section>
      {plan.data ? (
        <section className={ui.card}>
          <ResetPlan plan={plan.data} />
          <OpenFiles files={openFiles} force={force} onForce={setForce} />
          <label className={s.typed}>
            <span>
              To confirm, type the device name <strong>{hostname}</strong>
            </span>
            <input
              type="text"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </label>
          <div className={s.actions}>
            <Button
              variant="danger"
              disabled={!confirmed || apply.isPending || (openFiles.length > 0 && !force)}
              onClick={() => apply.mutate()}
            >
              {apply.isPending
                ? 'Resetting…'
                : `${label}${plan.data.frees ? ` (frees ${formatBytes(plan.data.frees)})` : ''}`}
            </Button>
          </div>
          <ActionStatus state={apply} pending="Resetting: the device keeps running…" />
        </section>
      ) : null}
    </div>
  )
}
