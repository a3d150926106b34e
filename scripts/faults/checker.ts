/**
 * The campaign's verdict, a pure function of what happened: the exchanges as the simulated 1C bases saw them, and the
 * platform's final data rendered for each integration. It checks the properties of
 * ../shared/design/EXPORT-SEMANTICS.md:
 *
 * - No loss: every order in an integration's scope at the end (it qualifies by the final data, or 1C has some
 *   document of it, which makes it tracked) is held by that integration's 1C in its final state: a document with the
 *   current fingerprint was received whole AND acknowledged.
 * - No duplicates: a document 1C holds is never received again unchanged. Precisely: a query sent after a `success`
 *   that was answered `success` must not contain an order at the fingerprint that acknowledgement confirmed, when that
 *   was the order's latest confirmed document at the time. (The writers never move a document back to an earlier
 *   state, so an equal fingerprint means no change.)
 * - Isolation: no document of an order of another company (or of no known order) ever reaches an integration.
 *
 * What 1C "holds": 1C loads a query answer only when it received it whole, and the exchange counts only when its
 * `success` was acknowledged: answered `success`, or, when the answer was lost (the service killed while answering),
 * recorded as acknowledged by the service (`ackResolvedByService`). A `success` answered `failure` acknowledges
 * nothing.
 */

export interface ReceivedDocument {
  orderId: string
  number: string
  fingerprint: string
}

export type SuccessOutcome = 'not-sent' | 'success' | 'failure' | 'no-answer'

export interface ExchangeRecord {
  integrationId: string
  /** Client clock (ms) when the query request was sent. */
  querySentAt: number
  /** The whole query answer arrived and read as a CommerceML document (1C loaded it). */
  queryComplete: boolean
  documents: ReceivedDocument[]
  /** The best answer any `success` of this exchange got: success > failure > no-answer > not-sent. */
  success: SuccessOutcome
  /** Client clock when the first `success` answer `success` arrived. */
  successAnsweredAt: number | null
  /** For `no-answer`: whether the service recorded the batch of this session as acknowledged (null: unknown). */
  ackResolvedByService?: boolean | null
  /** sha256 of the session cookie (as the service stores it), to find the exchange in the journal. */
  sessionHash?: string
}

export interface ExpectedOrder {
  orderId: string
  number: string
  /** Whether the order qualifies for the integration by the final data. */
  qualifies: boolean
  /** The fingerprint of its document now; null when the service refuses to export it (not exportable). */
  fingerprint: string | null
}

export interface IntegrationExpectation {
  integrationId: string
  label: string
  companyId: string
  /** Every order of the integration's company, by id. */
  orders: ReadonlyMap<string, ExpectedOrder>
}

export interface CheckInput {
  integrations: readonly IntegrationExpectation[]
  /** Company of every platform order, by id. */
  orderCompanies: ReadonlyMap<string, string>
  exchanges: readonly ExchangeRecord[]
  /** Orders whose writes included a transaction open longer than the safety lag (to classify losses). */
  beyondLagOrders?: ReadonlySet<string>
}

interface LostOrder {
  integration: string
  integrationId: string
  orderId: string
  /** The fingerprint of the final document. */
  fingerprint: string
  number: string
  /** What 1C holds of the order: 'nothing', or 'an older document'. */
  holds: 'nothing' | 'an older document'
  beyondLag: boolean
}

interface DuplicateDelivery {
  integration: string
  orderId: string
  number: string
  fingerprint: string
  /** Client clock of the acknowledgement and of the query that sent it again. */
  acknowledgedAt: number
  sentAgainAt: number
}

interface ForeignDelivery {
  integration: string
  orderId: string
  number: string
  companyId: string | null
}

interface IntegrationSummary {
  label: string
  inScope: number
  notExportable: number
  exchanges: number
  acknowledged: number
}

export interface CheckResult {
  lost: LostOrder[]
  duplicates: DuplicateDelivery[]
  foreign: ForeignDelivery[]
  /** `no-answer` successes whose outcome could not be resolved: counted as not acknowledged. */
  unresolvedAcks: number
  perIntegration: IntegrationSummary[]
}

/** Whether 1C holds the documents of this exchange. */
export function acknowledged(exchange: ExchangeRecord): boolean {
  if (!exchange.queryComplete) return false
  if (exchange.success === 'success') return true
  if (exchange.success === 'no-answer') return exchange.ackResolvedByService === true
  return false
}

export function checkCampaign(input: CheckInput): CheckResult {
  const result: CheckResult = { lost: [], duplicates: [], foreign: [], unresolvedAcks: 0, perIntegration: [] }
  const beyondLag = input.beyondLagOrders ?? new Set<string>()
  for (const integration of input.integrations) {
    const exchanges = input.exchanges.filter((e) => e.integrationId === integration.integrationId)
    result.unresolvedAcks += exchanges.filter((e) => e.queryComplete && e.success === 'no-answer' && e.ackResolvedByService == null).length

    // Isolation.
    const seenForeign = new Set<string>()
    for (const exchange of exchanges) {
      for (const doc of exchange.documents) {
        const company = input.orderCompanies.get(doc.orderId) ?? null
        if (company !== integration.companyId && !seenForeign.has(doc.orderId)) {
          seenForeign.add(doc.orderId)
          result.foreign.push({ integration: integration.label, orderId: doc.orderId, number: doc.number, companyId: company })
        }
      }
    }

    // What 1C holds: every fingerprint of every acknowledged document, by order.
    const holds = new Map<string, Set<string>>()
    for (const exchange of exchanges) {
      if (!acknowledged(exchange)) continue
      for (const doc of exchange.documents) {
        let set = holds.get(doc.orderId)
        if (!set) holds.set(doc.orderId, (set = new Set()))
        set.add(doc.fingerprint)
      }
    }

    // No loss.
    let inScope = 0
    let notExportable = 0
    for (const order of integration.orders.values()) {
      const held = holds.get(order.orderId)
      if (!order.qualifies && !held) continue // out of scope: never tracked, does not qualify
      if (order.fingerprint === null) {
        notExportable++
        continue
      }
      inScope++
      if (!held?.has(order.fingerprint)) {
        result.lost.push({
          integration: integration.label,
          integrationId: integration.integrationId,
          orderId: order.orderId,
          fingerprint: order.fingerprint,
          number: order.number,
          holds: held ? 'an older document' : 'nothing',
          beyondLag: beyondLag.has(order.orderId),
        })
      }
    }

    // No duplicates: confirmed acknowledgements in the order the client saw them.
    const confirmations = new Map<string, Array<{ at: number; fingerprint: string }>>()
    for (const exchange of exchanges) {
      if (!exchange.queryComplete || exchange.success !== 'success' || exchange.successAnsweredAt === null) continue
      for (const doc of exchange.documents) {
        let list = confirmations.get(doc.orderId)
        if (!list) confirmations.set(doc.orderId, (list = []))
        list.push({ at: exchange.successAnsweredAt, fingerprint: doc.fingerprint })
      }
    }
    for (const list of confirmations.values()) list.sort((a, b) => a.at - b.at)
    for (const exchange of exchanges) {
      if (!exchange.queryComplete) continue
      const inThisAnswer = new Set<string>()
      for (const doc of exchange.documents) {
        if (inThisAnswer.has(doc.orderId)) continue
        inThisAnswer.add(doc.orderId)
        const latest = latestBefore(confirmations.get(doc.orderId), exchange.querySentAt)
        if (latest && latest.fingerprint === doc.fingerprint) {
          result.duplicates.push({
            integration: integration.label,
            orderId: doc.orderId,
            number: doc.number,
            fingerprint: doc.fingerprint,
            acknowledgedAt: latest.at,
            sentAgainAt: exchange.querySentAt,
          })
        }
      }
    }

    result.perIntegration.push({
      label: integration.label,
      inScope,
      notExportable,
      exchanges: exchanges.length,
      acknowledged: exchanges.filter(acknowledged).length,
    })
  }
  return result
}

/** The last entry of a list sorted by `at` whose `at` is before `time`. */
function latestBefore<T extends { at: number }>(list: readonly T[] | undefined, time: number): T | null {
  if (!list) return null
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid]!.at < time) lo = mid + 1
    else hi = mid
  }
  return lo > 0 ? list[lo - 1]! : null
}
