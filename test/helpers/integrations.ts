/**
 * An integration with fresh 1C credentials, as the admin API creates one: the shape most tests arrange before they
 * speak to the exchange (its login and the password shown once).
 */
import type { Kysely } from 'kysely'
import { issueCredentials } from '../../src/auth/onec-credentials.js'
import type { ServiceDatabase } from '../../src/db/database.js'
import type { Integration } from '../../src/integration/integration.js'
import { createIntegration as insertIntegration, type NewIntegration } from '../../src/integration/integrations.repository.js'

export interface CreatedIntegration {
  integration: Integration
  login: string
  password: string
}

export async function createIntegration(
  db: Kysely<ServiceDatabase>,
  input: Omit<NewIntegration, 'credentials'> & { login?: string; password?: string },
): Promise<CreatedIntegration> {
  const { login, password, ...integration } = input
  const credentials = await issueCredentials({ ...(login ? { login } : {}), ...(password ? { password } : {}) })
  return {
    integration: await insertIntegration(db, { ...integration, credentials }),
    login: credentials.login,
    password: credentials.password,
  }
}
