/** What each section of an integration's page is given. */
import type { Company, Integration } from './api.js'
import type { PageConfig } from './page-config.js'

export interface IntegrationContext {
  config: PageConfig
  integration: Integration
  company: Company | null
  /** Reads the integration again and shows the page anew (after a change to it). */
  reload(): Promise<void>
}

/** A part of the page: given the integration, returns what it shows (and loads its own data). */
export type Section = (context: IntegrationContext) => HTMLElement

export const isReadOnly = (integration: Integration): boolean => integration.archivedAt !== null
