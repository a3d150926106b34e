/**
 * `npm run integrations -- create --company <uuid> --name <text> --settings '<json>'` creates an integration and prints
 * its 1C credentials once, as JSON: `{ "id", "login", "password" }`. `list` prints the integrations.
 * The admin REST API does the same for the Olvery admin screen; this command is for ops and first set-up. What it
 * creates is audited like the API's creations, naming the operating-system user who ran it (role `cli`).
 */
import os from 'node:os'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { issueCredentials } from '../auth/onec-credentials.js'
import { loadConfig } from '../config.js'
import { openDatabases, type Databases } from '../olvery/databases.js'
import { documentTimezone, startOfDayIn } from '../export/wall-clock.js'
import type { AuditActor } from '../integration/audit-trail.repository.js'
import { createIntegration, findLogin, listIntegrations } from '../integration/integrations.repository.js'
import { InvalidSettingsError, parseSettings } from '../integration/settings.schema.js'
import { findCompany, findLocationTimezone } from '../olvery/companies.source.js'
import { isUuid } from '../uuid.js'

const USAGE = `Usage:
  npm run integrations -- create --company <uuid> --name <text> --settings '<json>'
  npm run integrations -- list`

export class UsageError extends Error {}

/** Who the audit trail names for this command: the operating-system user (a container may have none by name). */
function cliActor(): AuditActor {
  let user = 'unknown'
  try {
    user = os.userInfo().username
  } catch {
    // no passwd entry for this uid
  }
  return { sub: `${user}@${os.hostname()}`, role: 'cli' }
}

export async function createFromCli(
  databases: Databases,
  args: { company?: string; name?: string; settings?: string },
): Promise<{ id: string; login: string; password: string }> {
  const problems: string[] = []
  if (!args.company || !isUuid(args.company)) problems.push('--company must be the UUID of the supplier company')
  if (!args.name?.trim()) problems.push('--name is required')
  if (args.settings === undefined) problems.push(`--settings is required, e.g. '{"paymentrules":[{"status":"purchased","gateway":"CKassa"}],"paymentmethod_name":"Оплата картой внешняя"}'`)
  if (problems.length) throw new UsageError(problems.join('\n'))
  let parsed
  try {
    parsed = parseSettings(args.settings)
  } catch (error) {
    if (error instanceof InvalidSettingsError) {
      throw new UsageError(`--settings: ${error.problems.map((p) => (p.path ? `${p.path} ${p.message}` : p.message)).join('\n  ')}`)
    }
    throw error
  }
  const company = await findCompany(databases.olvery, args.company!)
  if (!company) throw new UsageError(`No company ${args.company} in the platform data`)
  const timezone = documentTimezone(parsed.settings.timezone, await findLocationTimezone(databases.olvery, company.locationId))
  const credentials = await issueCredentials()
  const created = await createIntegration(databases.db, {
    name: args.name!,
    companyId: company.id,
    locationId: company.locationId,
    settings: parsed.stored,
    watermark: parsed.settings.exportFrom ? startOfDayIn(parsed.settings.exportFrom, timezone) : null,
    credentials,
  }, cliActor())
  return { id: created.id, login: credentials.login, password: credentials.password }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { company: { type: 'string' }, name: { type: 'string' }, settings: { type: 'string' } },
  })
  const command = positionals[0]
  if (command !== 'create' && command !== 'list') throw new UsageError(USAGE)
  const config = loadConfig(process.env)
  const databases = await openDatabases(config)
  try {
    if (command === 'create') {
      console.log(JSON.stringify(await createFromCli(databases, values), null, 2))
    } else {
      for (const integration of await listIntegrations(databases.db)) {
        const login = await findLogin(databases.db, integration.id)
        console.log(JSON.stringify({ id: integration.id, name: integration.name, companyId: integration.companyId, login, enabled: integration.enabled }))
      }
    }
  } finally {
    await databases.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error instanceof Error ? error.message : error)
    process.exitCode = error instanceof UsageError ? 2 : 1
  })
}
