/** The CLI's composition root lives in the service layer (shared with the API); re-exported for the commands. */
export * from '../service/runtime.js'
