export { ResetPage } from './ResetPage.tsx'
