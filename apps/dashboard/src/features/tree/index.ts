export { TreeBrowser } from './TreeBrowser.tsx'
