/**
 * Query keys, one factory per resource. Path-shaped keys put the overlay path second, so an
 * event about a path invalidates exactly the queries at, above and below it (invalidate.ts).
 */
export const keys = {
  health: () => ['health'] as const,
  setup: () => ['setup'] as const,
  me: () => ['session'] as const,
  device: () => ['device'] as const,
  usage: () => ['usage'] as const,
  changes: () => ['changes'] as const,
  audit: () => ['audit'] as const,
  tree: {
    all: () => ['tree'] as const,
    dir: (dir: string) => ['tree', dir] as const,
    page: (dir: string, page: number, size: number) => ['tree', dir, page, size] as const,
  },
  file: {
    all: () => ['file'] as const,
    side: (path: string, side: 'base' | 'current') => ['file', path, side] as const,
  },
  diff: {
    all: () => ['diff'] as const,
    path: (path: string) => ['diff', path] as const,
  },
}

/** Resources whose second key part is an overlay path. */
export const PATH_RESOURCES = ['tree', 'file', 'diff'] as const
