/**
 * Component tests run on jsdom, which lays nothing out: give elements a phone-sized box so the
 * virtualized tree renders rows, and clean the DOM after each test.
 */
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 600 })
Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 390 })

afterEach(() => {
  cleanup()
})
