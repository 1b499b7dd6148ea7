/** Every agent endpoint the dashboard calls, typed by @layerdeck/api (types only). */
import type {
  AuditPage,
  ChangesPage,
  Device,
  Diff,
  FileContent,
  Health,
  Me,
  PurgeResult,
  ResetRequest,
  ResetResult,
  RestoreResult,
  RevertRequest,
  RevertResult,
  SetupRequest,
  SetupState,
  SignedOut,
  TreePage,
  UndoRequest,
  UndoResult,
  Usage,
} from '@layerdeck/api'
import { problemOf, request, UNREACHABLE } from './http.ts'

type Signal = { signal?: AbortSignal }
const opts = (s?: Signal) => (s?.signal ? { signal: s.signal } : {})

export const api = {
  health: (s?: Signal) => request<Health>('GET', '/api/health', opts(s)),
  setupState: (s?: Signal) => request<SetupState>('GET', '/api/setup', opts(s)),
  setup: (body: SetupRequest) => request<Me>('POST', '/api/setup', { body, quiet401: true }),
  login: (username: string, password: string) =>
    request<Me>('POST', '/api/session', { body: { username, password }, quiet401: true }),
  me: (s?: Signal) => request<Me>('GET', '/api/session', { ...opts(s), quiet401: true }),
  logout: () => request<SignedOut>('DELETE', '/api/session', { body: {}, quiet401: true }),
  device: (s?: Signal) => request<Device>('GET', '/api/device', opts(s)),
  tree: (path: string, offset: number, limit: number, s?: Signal) =>
    request<TreePage>('GET', '/api/tree', { ...opts(s), query: { path, offset, limit } }),
  changes: (offset: number, limit: number, s?: Signal) =>
    request<ChangesPage>('GET', '/api/changes', { ...opts(s), query: { offset, limit } }),
  file: (path: string, side: 'base' | 'current', s?: Signal) =>
    request<FileContent>('GET', '/api/file', { ...opts(s), query: { path, side } }),
  diff: (path: string, s?: Signal) =>
    request<Diff>('GET', '/api/diff', { ...opts(s), query: { path } }),
  usage: (s?: Signal) => request<Usage>('GET', '/api/usage', { ...opts(s), query: { top: 10 } }),
  revert: (body: RevertRequest) => request<RevertResult>('POST', '/api/revert', { body }),
  reset: (body: ResetRequest) => request<ResetResult>('POST', '/api/reset', { body }),
  undo: (body: UndoRequest) => request<UndoResult>('POST', '/api/reset/undo', { body }),
  purge: () => request<PurgeResult>('POST', '/api/reset/purge', { body: {} }),
  audit: (before: number, s?: Signal) =>
    request<AuditPage>('GET', '/api/audit', { ...opts(s), query: { limit: 100, before } }),
}

export type RestoreOptions = { dryRun: boolean; replace: boolean; force: boolean }

/**
 * POST /api/restore streams the .tar.gz. XMLHttpRequest rather than fetch: it reports upload
 * progress, which a phone on plant-room Wi-Fi needs to see.
 */
export function uploadRestore(
  file: Blob,
  options: RestoreOptions,
  onProgress: (fraction: number) => void,
): Promise<RestoreResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    const q = `dryRun=${options.dryRun}&replace=${options.replace}&force=${options.force}`
    xhr.open('POST', `/api/restore?${q}`)
    xhr.setRequestHeader('content-type', 'application/gzip')
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onerror = () => reject(new Error(`The upload did not reach the device. ${UNREACHABLE}`))
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300)
        resolve(JSON.parse(xhr.responseText) as RestoreResult)
      else reject(problemOf(xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after')))
    }
    xhr.send(file)
  })
}
