/**
 * The audit trail of an integration (`audit_events`): every action an administrator takes on it, who took it and what
 * changed. Each event is written in the transaction of the action itself, by the module that performs it (this one,
 * for the integration and its credentials; src/export/ for re-export, acknowledgement and exclusion), so an action
 * that rolls back leaves no event, and no action commits without one. Never a password or its hash.
 */
import type { Kysely, Transaction } from 'kysely'
import type { ServiceDatabase } from '../db/database.js'

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>

export const AUDIT_ACTIONS = [
  'create',
  'update',
  'enable',
  'disable',
  'rotate_credentials',
  'archive',
  'reexport',
  'acknowledge',
  'exclude',
  'include',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/** Who acts: the admin token's `sub` and `role`, or the integrations command (`role` `cli`). */
export interface AuditActor {
  sub: string
  role: string
}

export interface AuditEvent {
  id: number
  at: Date
  sub: string
  role: string
  action: AuditAction
  /** What changed, by action (openapi.yaml, AuditEvent): `{ from, to }` of each field changed, or what was acted on. */
  changes: Record<string, unknown>
}

/** A field's value before and after a change. */
export const fromTo = (from: unknown, to: unknown) => ({ from, to })

export async function recordAuditEvent(
  trx: Transaction<ServiceDatabase>,
  integrationId: string,
  event: { actor: AuditActor; action: AuditAction; changes: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      integration_id: integrationId,
      sub: event.actor.sub,
      role: event.actor.role,
      action: event.action,
      changes: JSON.stringify(event.changes),
    })
    .execute()
}

/** Newest first (in the order they were recorded); `before` is the id of the last event of the previous page. */
export async function listAuditEvents(
  db: Db,
  integrationId: string,
  page: { limit: number; before: number | null },
): Promise<{ events: AuditEvent[]; more: boolean }> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['id', 'at', 'sub', 'role', 'action', 'changes'])
    .where('integration_id', '=', integrationId)
    .$if(page.before !== null, (qb) => qb.where('id', '<', page.before!))
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
  const events = rows.slice(0, page.limit).map((row) => ({
    id: row.id,
    at: row.at,
    sub: row.sub,
    role: row.role,
    action: row.action as AuditAction,
    changes: (row.changes ?? {}) as Record<string, unknown>,
  }))
  return { events, more: rows.length > page.limit }
}
