/**
 * The platform's companies and locations as the service reads them (../shared/design/OLVERY-SOURCE.md): the companies
 * an integration can be made for, a buyer's company, a location's time zone. Read-only.
 */
import type { Kysely } from 'kysely'
import type { OlveryDatabase } from './olvery.schema.js'
import type { PlatformCompany } from './platform-order.js'

type Olvery = Kysely<OlveryDatabase>

export function toCompany(row: {
  id: string
  kind: PlatformCompany['kind']
  full_name: string
  short_name: string | null
  inn: string | null
  kpp: string | null
  legal_address: string | null
}): PlatformCompany {
  return {
    id: row.id,
    kind: row.kind,
    fullName: row.full_name,
    shortName: row.short_name,
    inn: row.inn,
    kpp: row.kpp,
    legalAddress: row.legal_address,
  }
}

export interface CompanySummary extends PlatformCompany {
  locationId: string
}

export async function findCompany(olvery: Olvery, id: string): Promise<CompanySummary | null> {
  const row = await olvery.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? { ...toCompany(row), locationId: row.location_id } : null
}

/** A location's time zone (IANA), or null when the platform has no such location. */
export async function findLocationTimezone(olvery: Olvery, locationId: string): Promise<string | null> {
  const row = await olvery.selectFrom('locations').select('timezone').where('id', '=', locationId).executeTakeFirst()
  return row?.timezone ?? null
}

/** The companies an integration can be made for: those of one location, or of every location when null. */
export async function listCompanies(olvery: Olvery, locationId: string | null): Promise<CompanySummary[]> {
  const rows = await olvery
    .selectFrom('companies')
    .selectAll()
    .$if(locationId !== null, (qb) => qb.where('location_id', '=', locationId!))
    .orderBy('full_name')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ ...toCompany(row), locationId: row.location_id }))
}

/** The supplier company with the most orders paid through `gateway` with `status` (the embedded demo's choice). */
export async function findBusiestSupplier(
  olvery: Olvery,
  payment: { gateway: string; status: string },
): Promise<{ companyId: string; locationId: string } | null> {
  const row = await olvery
    .selectFrom('orders as o')
    .innerJoin('payments as p', 'p.order_id', 'o.id')
    .select(['o.company_id', 'o.location_id'])
    .where((eb) => eb(eb.fn('lower', ['p.gateway']), '=', payment.gateway.toLowerCase()))
    .where((eb) => eb(eb.fn('lower', ['p.status']), '=', payment.status.toLowerCase()))
    .groupBy(['o.company_id', 'o.location_id'])
    .orderBy((eb) => eb.fn.count('o.id').distinct(), 'desc')
    .orderBy('o.company_id')
    .limit(1)
    .executeTakeFirst()
  return row ? { companyId: row.company_id, locationId: row.location_id } : null
}
