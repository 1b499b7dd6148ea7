/** The old name of the production Sys, kept while callers move to createSys (sys/nativeSys.ts). */
export { createSys as createNodeSys } from './nativeSys.ts'
