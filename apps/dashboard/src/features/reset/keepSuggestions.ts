/**
 * What a technician usually keeps through a factory reset: whatever would cut the device off
 * (network, Wi-Fi), lock the admin out (accounts, SSH keys) or rename it. Only roots that hold
 * changes are suggested; each carries the changes under it.
 */
import type { Change } from '@layerdeck/api'
import { isWithin } from '../../shared/paths.ts'

export interface KeepRule {
  root: string
  why: string
  /** Ticked unless the user says otherwise. */
  preselect: boolean
}

export const KEEP_RULES: KeepRule[] = [
  ...[
    '/etc/network',
    '/etc/netplan',
    '/etc/systemd/network',
    '/etc/NetworkManager',
    '/etc/config/network',
    '/etc/config/wireless',
    '/etc/wpa_supplicant',
    '/etc/hostapd',
    '/etc/resolv.conf',
  ].map((root) => ({
    root,
    why: 'network configuration (the device stays reachable)',
    preselect: true,
  })),
  ...['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow'].map((root) => ({
    root,
    why: 'accounts and passwords',
    preselect: true,
  })),
  ...['/root/.ssh', '/etc/ssh', '/etc/dropbear'].map((root) => ({
    root,
    why: "SSH keys (the admin's login, the host keys)",
    preselect: false,
  })),
  { root: '/etc/hostname', why: "the device's name", preselect: false },
]

export interface KeepSuggestion extends KeepRule {
  changes: number
}

export function suggestKeeps(changes: Change[], rules: KeepRule[] = KEEP_RULES): KeepSuggestion[] {
  const out: KeepSuggestion[] = []
  for (const rule of rules) {
    const n = changes.filter((c) => isWithin(c.path, rule.root)).length
    if (n > 0) out.push({ ...rule, changes: n })
  }
  return out
}

/** Keep paths without duplicates or paths already under another kept path. */
export function normalizeKeep(paths: string[]): string[] {
  const sorted = [...new Set(paths.map((p) => p.replace(/\/+$/, '') || '/'))].sort()
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => q !== p && isWithin(p, q)))
}
