import { fileURLToPath } from 'node:url'

/** The repository root and the CLI entry (bin/layerdeck runs the agent's main.ts from source). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '')
export const LAYERDECK_BIN = `${REPO_ROOT}/bin/layerdeck`
