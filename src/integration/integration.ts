/**
 * The Integration: one 1C base pulling the orders of one supplier company (EXPORT-SEMANTICS.md "Terms"), with its
 * settings. Every module above uses it; it uses nothing above it.
 */
import type { IntegrationRow } from '../db/database.js'
import { toSettings, type IntegrationSettings, type IntegrationSettingsInput } from './settings.schema.js'

export interface Integration {
  id: string
  name: string
  class: 'CommerceML'
  companyId: string
  locationId: string
  /** Settings with defaults applied, as the export uses them. */
  settings: IntegrationSettings
  /** Settings exactly as the administrator gave them (snake_case JSON). */
  storedSettings: IntegrationSettingsInput
  enabled: boolean
  archivedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

export function toIntegration(row: IntegrationRow): Integration {
  const stored = row.settings as IntegrationSettingsInput
  return {
    id: row.id,
    name: row.name,
    class: 'CommerceML',
    companyId: row.company_id,
    locationId: row.location_id,
    settings: toSettings(stored),
    storedSettings: stored,
    enabled: row.enabled,
    archivedAt: row.archived_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** An integration that 1C may use: enabled and not archived. */
export function isActive(integration: Integration): boolean {
  return integration.enabled && integration.archivedAt === null
}
