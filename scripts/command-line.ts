/**
 * What the scripts' commands (`npm run bench`, `npm run test:faults`) do with their command line before they start:
 * a wrong option prints why and exits 2, `--help` prints the usage and exits 0, and nothing else has begun by then.
 */

/** A command line the command cannot run with; its message says why (and may carry the usage). */
export class UsageError extends Error {}

/** The parsed options, or null when the command has nothing more to do (it printed its usage or a usage error). */
export function readCommandLine<T>(parse: () => T | 'help', usage: string): T | null {
  let options: T | 'help'
  try {
    options = parse()
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(error.message)
    process.exitCode = 2
    return null
  }
  if (options === 'help') {
    console.log(usage)
    return null
  }
  return options
}
