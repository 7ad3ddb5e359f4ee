/**
 * Sleeping: plain, or cut short by an AbortSignal (daemons' poll loops stop at once on SIGTERM).
 * @module
 */

/** Resolve after `ms`, or as soon as `signal` aborts (at once if it already has); never rejects. */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) {
      setTimeout(resolve, ms)
      return
    }
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
