import react from '@vitejs/plugin-react'
import { defineProject } from 'vitest/config'

// Component tests: `pnpm vitest run --project dashboard` from the repository root.
// Pure *.test.ts files here run in the root `unit` project instead (no DOM needed).
export default defineProject({
  plugins: [react()],
  resolve: { conditions: ['@layerdeck/source'] },
  test: {
    name: 'dashboard',
    include: ['src/**/*.test.tsx'],
    environment: 'jsdom',
    setupFiles: ['src/testSetup.ts'],
  },
})
