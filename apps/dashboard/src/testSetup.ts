/**
 * Component tests run on jsdom, which lays nothing out: give elements a phone-sized box so the
 * virtualized tree renders rows, and clean the DOM after each test.
 */
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

for (const [prop, value] of [
  ['offsetHeight', 600],
  ['clientHeight', 600],
  ['offsetWidth', 390],
  ['clientWidth', 390],
] as const)
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value })

afterEach(() => {
  cleanup()
})
