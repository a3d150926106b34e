/**
 * Small writers of platform rows for tests: a location with a supplier and a buyer, orders with lines and payments.
 * They play the Olvery platform, which the service itself never writes.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { OlveryDatabase, PaymentStatus } from '../../src/olvery/olvery.schema.js'

type Olvery = Kysely<OlveryDatabase>

export interface Supplier {
  locationId: string
  companyId: string
  customerId: string
}

export async function createSupplier(
  olvery: Olvery,
  options: { locationId?: string; timezone?: string; name?: string } = {},
): Promise<Supplier> {
  const locationId = options.locationId ?? randomUUID()
  if (!options.locationId) {
    await olvery
      .insertInto('locations')
      .values({ id: locationId, name: 'Технопарк «Тест»', timezone: options.timezone ?? 'Europe/Moscow' })
      .execute()
  }
  const companyId = randomUUID()
  await olvery
    .insertInto('companies')
    .values({
      id: companyId,
      location_id: locationId,
      kind: 'legal',
      full_name: options.name ?? 'ООО «Поставщик»',
      short_name: null,
      inn: '7707083893',
      kpp: '773601001',
      legal_address: 'Москва, ул. Тестовая, 1',
    })
    .execute()
  const customerId = randomUUID()
  await olvery
    .insertInto('customers')
    .values({
      id: customerId,
      location_id: locationId,
      company_id: null,
      last_name: 'Иванов',
      first_name: 'Иван',
      middle_name: 'Иванович',
      phone: '+79990000000',
      email: 'ivanov@example.ru',
      premises: 'офис 305',
    })
    .execute()
  return { locationId, companyId, customerId }
}

export interface PaymentSpec {
  status: PaymentStatus
  gateway?: string
  amount?: string
  externalId?: string
}

let orderCounter = 0

/** An order of one line (amount = total) with the given payments; returns its id and number. */
export async function createOrder(
  olvery: Olvery,
  supplier: Supplier,
  options: { id?: string; number?: string; total?: string; payments?: PaymentSpec[]; updatedAt?: Date } = {},
): Promise<{ id: string; number: string; paymentIds: string[] }> {
  const id = options.id ?? randomUUID()
  const number = options.number ?? `T-${String(++orderCounter).padStart(6, '0')}`
  const total = options.total ?? '1200.00'
  const at = options.updatedAt ?? new Date()
  await olvery
    .insertInto('orders')
    .values({
      id,
      number,
      location_id: supplier.locationId,
      company_id: supplier.companyId,
      customer_id: supplier.customerId,
      status: 'new',
      currency: 'RUB',
      total,
      comment: null,
      created_at: at,
      updated_at: at,
      cancelled_at: null,
    })
    .execute()
  await olvery
    .insertInto('order_items')
    .values({
      id: randomUUID(),
      order_id: id,
      line_no: 1,
      service_id: null,
      name: 'Уборка офиса',
      sku: 'CLEAN-1',
      kind: 'service',
      unit_code: '876',
      unit_name: 'усл. ед.',
      quantity: '1',
      price: total,
      discount: '0',
      amount: total,
      vat_rate: 'none',
      vat_amount: '0',
    })
    .execute()
  const paymentIds: string[] = []
  for (const payment of options.payments ?? [{ status: 'purchased' }]) {
    paymentIds.push(await addPayment(olvery, id, { amount: total, ...payment }, at))
  }
  if (options.updatedAt) {
    // The line's trigger bumped the order; put back the staged time.
    await olvery.updateTable('orders').set({ updated_at: at }).where('id', '=', id).execute()
  }
  return { id, number, paymentIds }
}

export async function addPayment(olvery: Olvery, orderId: string, payment: PaymentSpec, at = new Date()): Promise<string> {
  const id = randomUUID()
  const paid = payment.status === 'purchased' || payment.status === 'refunded'
  await olvery
    .insertInto('payments')
    .values({
      id,
      order_id: orderId,
      gateway: payment.gateway ?? 'CKassa',
      status: payment.status,
      amount: payment.amount ?? '1200.00',
      paid_at: paid ? at : null,
      external_id: payment.externalId ?? (paid ? String(100000000 + Math.floor(Math.random() * 899999999)) : null),
      created_at: at,
      updated_at: at,
    })
    .execute()
  return id
}

export async function setPaymentStatus(olvery: Olvery, paymentId: string, status: PaymentStatus): Promise<void> {
  await olvery.updateTable('payments').set({ status }).where('id', '=', paymentId).execute()
}

export async function setOrderComment(olvery: Olvery, orderId: string, comment: string): Promise<void> {
  await olvery.updateTable('orders').set({ comment }).where('id', '=', orderId).execute()
}

export const SEED_SETTINGS = {
  paymentrules: [{ status: 'purchased', gateway: 'CKassa' }],
  paymentmethod_name: 'Оплата картой внешняя',
}
