/**
 * Backup and restore over HTTP. A backup streams the .tar.gz `layerdeck backup` writes, as is
 * (no Content-Encoding): createBackup reads a point-in-time snapshot the daemon takes for it
 * (held on its own connection, released when the backup ends or the agent goes). A restore is
 * streamed to a 0600 file in the agent's data folder, capped while it arrives and checked for
 * gzip; then the daemon checks the whole archive (hostile ones are refused, nothing changed),
 * plans it, and applies it live (undoable like a reset).
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, rmSync } from 'node:fs'
import type { Request, Response } from 'express'
import { createBackup, type OpenFile, type RestoreResult as CoreRestoreResult } from '@layerdeck/core'
import { RESTORE_UPLOAD_MAX, type RestoreResult } from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { ApiError } from '../../http/ApiError.ts'

/** Streams the backup; a failure after the headers went ends the download short (the client sees a broken archive). */
export async function sendBackup(ctx: AgentContext, res: Response): Promise<void> {
  if (ctx.sys.lstat(ctx.paths.upper) === undefined) throw new ApiError('unavailable', `the storage ${ctx.paths.root} is missing`)
  const host = (ctx.link.state.info?.mountpoint ?? 'device').split('/').filter(Boolean).pop() ?? 'device'
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  res.status(200)
  res.setHeader('Content-Type', 'application/gzip')
  res.setHeader('Content-Disposition', `attachment; filename="layerdeck-${host}-${stamp}.tar.gz"`)
  res.setHeader('Cache-Control', 'no-store')
  await createBackup(res, { storage: ctx.paths.root, sys: ctx.sys })
}

/** Saves the request body to DATA/uploads/, at most `max` bytes; checks the gzip magic. */
export async function receiveUpload(ctx: AgentContext, req: Request, max = ctx.config.maxUploadBytes ?? RESTORE_UPLOAD_MAX): Promise<string> {
  const declared = Number(req.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > max) throw new ApiError('too-large', `the backup is larger than the ${max}-byte limit`)
  mkdirSync(ctx.files.uploads, { recursive: true, mode: 0o700 })
  const file = `${ctx.files.uploads}/restore-${randomBytes(6).toString('hex')}.tar.gz`
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 })
  let bytes = 0
  let head = Buffer.alloc(0)
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => {
        req.unpipe(out)
        out.destroy()
        reject(err)
      }
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (head.length < 2) head = Buffer.concat([head, chunk.subarray(0, 2)])
        if (bytes > max) fail(new ApiError('too-large', `the backup is larger than the ${max}-byte limit; nothing was changed`))
      })
      req.once('error', fail)
      req.once('aborted', () => fail(new ApiError('invalid-input', 'the upload was interrupted; nothing was changed')))
      out.once('error', fail)
      out.once('finish', () => resolve())
      req.pipe(out)
    })
    if (bytes === 0) throw new ApiError('invalid-input', 'the body is empty: send the .tar.gz that a backup gave')
    if (head[0] !== 0x1f || head[1] !== 0x8b) throw new ApiError('invalid-input', 'this is not a gzip file: send the .tar.gz that a backup gave; nothing was changed')
    return file
  } catch (err) {
    rmSync(file, { force: true })
    if (req.readable) req.resume()
    throw err
  }
}

export async function restore(ctx: AgentContext, archive: string, o: { dryRun: boolean; replace: boolean; force: boolean }): Promise<RestoreResult> {
  const { mode } = ctx.link.state
  if (mode === 'kernel') throw new ApiError('conflict', 'the kernel has this storage mounted: a restore is only possible on a LayerDeck mount')
  let result: CoreRestoreResult & { openFiles?: OpenFile[] }
  try {
    result = (await ctx.link.call({ op: 'restore', archive, replace: o.replace, dryRun: o.dryRun, ...(o.force ? { force: true } : {}) })) as typeof result
  } catch (err) {
    const e = err as { code?: string; message?: string }
    if (e.code === 'EINVAL' && /unknown request/.test(e.message ?? '')) {
      throw new ApiError('unavailable', 'the daemon serving this mount cannot restore while mounted (it predates live restore): nothing was changed')
    }
    throw err
  }
  return {
    dryRun: o.dryRun,
    applied: result.applied,
    replace: o.replace,
    plan: result.plan,
    entries: result.entries,
    bytes: result.bytes,
    undoable: result.applied,
    openFiles: result.openFiles ?? [],
  }
}
