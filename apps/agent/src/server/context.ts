/** What the modules share, built once by createAgent (the composition root). */
import type { StoragePaths, Sys, TreeLister } from '@layerdeck/core'
import type { Role } from '@layerdeck/api'
import type { Accounts } from './data/accounts.ts'
import type { DataFiles } from './data/dataDir.ts'
import type { DaemonLink } from './daemon/DaemonLink.ts'
import type { AuditLog } from './modules/audit/audit.ts'
import type { FailureLimiter } from './modules/auth/rateLimit.ts'
import type { Sessions } from './modules/auth/sessions.ts'
import type { SetupToken } from './modules/auth/setupToken.ts'
import type { EventHub } from './modules/events/events.ts'

export interface Logger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface AgentConfig {
  /** The storage folder (holds upper/ and work/), a real path. */
  storage: string
  /** The agent's data folder (default STORAGE/layerdeck). */
  data: string
  /** With `mount`: start `layerdeck mount` when no daemon serves the storage. */
  base?: string | undefined
  mount?: string | undefined
  /** How to run `layerdeck` (default: this process's node, flags and script). */
  layerdeckCommand?: string[] | undefined
  version: string
  tls: boolean
  sessionIdleMs?: number
  sessionMaxMs?: number
  maxUploadBytes?: number
  /** The dashboard build (default apps/dashboard/dist beside the agent, or DASHBOARD_DIR). */
  dashboardDir?: string | undefined
  /** Check every response against its schema (default true). */
  checkResponses?: boolean
  log?: Logger | undefined
  /** Login throttle (tests make the window short). */
  loginFailures?: { max: number; windowMs: number }
  /** Where the first-run setup token is announced (default: the console). */
  onSetupToken?: (token: string, file: string) => void
  /** How often the daemon link retries and the usage monitor samples (ms). */
  pollMs?: number
}

export interface AgentContext {
  config: AgentConfig
  files: DataFiles
  sys: Sys
  paths: StoragePaths
  accounts: Accounts
  sessions: Sessions
  setup: SetupToken
  limiter: FailureLimiter
  audit: AuditLog
  events: EventHub
  link: DaemonLink
  tree: TreeLister
  log: Logger
  startedAt: number
}

export interface Auth {
  user: string
  role: Role
  via: 'cookie' | 'token'
  /** The cookie value (cookie sessions only). */
  sessionId?: string
  idleExpiresAt: number | null
}
