/**
 * The catalog rows (locations, companies, customers, services) drawn from the templates, and the model the order
 * generator works from: each location's suppliers with their offers and weights, its customers, and where the hard
 * cases sit. It draws from a random stream of its own; the orders have another.
 */
import type { CompanyKind, VatRate } from '../olvery/olvery.schema.js'
import {
  COMPANY_BRANDS,
  LEGAL_SUPPLIERS,
  LOCATION_WEIGHTS,
  LOCATIONS,
  SOLE_TRADER_SUPPLIERS,
  SUPPLIER_WEIGHTS,
  UNITS,
  type LocationTemplate,
  type OfferTemplate,
  type QuantityRule,
} from './catalogue.js'
import {
  APOSTROPHE_COMPANY,
  HARD_OFFERS,
  HARD_SUPPLIER,
  LONG_COMPANY,
  type HardCustomerKey,
  type HardOfferKey,
} from './hard-cases.js'
import type { ResolvedDemoOptions } from './options.js'
import {
  HOME_STREETS,
  initials,
  PERSONAL_MAIL_DOMAINS,
  randomPerson,
  randomPhone,
  randomPremises,
  translit,
  type Person,
} from './people.js'
import { item, Random, shuffled } from './random.js'
import { kppFor, legalInn, personalInn } from './requisites.js'
import { DAY_MS, HOUR_MS } from './time.js'
import type { CompanyRow, CustomerRow, DemoCatalog, DemoOffer, DemoSupplier, LocationRow, ServiceRow } from './types.js'

interface LocationModel {
  row: LocationRow
  template: LocationTemplate
  offsetMs: number
  suppliers: SupplierModel[]
  supplierWeights: Array<readonly [number, number]>
  customers: CustomerRow[]
}

interface SupplierModel {
  company: CompanyRow
  offers: DemoOffer[]
  /** Offer templates in the order of `offers`, for quantities. */
  rules: QuantityRule[]
  /** VAT of a line not in the catalog (delivery): the supplier's usual rate. */
  defaultVat: VatRate
}

export interface DemoModel {
  options: ResolvedDemoOptions
  catalog: DemoCatalog
  locations: LocationModel[]
  locationWeights: Array<readonly [number, number]>
  hard: {
    supplier: SupplierModel
    offers: Record<HardOfferKey, number>
    customers: Record<HardCustomerKey, CustomerRow>
  }
}

/** Timestamps of catalog rows: set up before the first order. */
function beforeHistory(rng: Random, model: { historyStartMs: number }): Date {
  return new Date(model.historyStartMs - rng.int(1, 400) * DAY_MS - rng.int(0, 86_399) * 1000)
}

export function buildModel(options: ResolvedDemoOptions): DemoModel {
  const rng = new Random(`${options.seed}\u0000catalog`)
  const nowMs = Date.parse(options.now)
  const timeBase = { historyStartMs: nowMs - (options.days + 1) * DAY_MS }
  const usedInns = new Set<string>()
  const uniqueInn = (make: () => string): string => {
    for (;;) {
      const inn = make()
      if (!usedInns.has(inn)) {
        usedInns.add(inn)
        return inn
      }
    }
  }

  const locationRows: LocationRow[] = []
  const companies: CompanyRow[] = []
  const customers: CustomerRow[] = []
  const services: ServiceRow[] = []
  const suppliers: DemoSupplier[] = []
  const offersBySupplier = new Map<string, DemoOffer[]>()
  const locations: LocationModel[] = []
  let hardSupplier: SupplierModel | null = null
  const hardOffers: Partial<Record<HardOfferKey, number>> = {}
  const hardCustomers: Partial<Record<HardCustomerKey, CustomerRow>> = {}

  const addCompany = (
    template: LocationTemplate,
    locationId: string,
    kind: CompanyKind,
    names: { fullName: string; shortName: string | null },
    address: string | null,
  ): CompanyRow => {
    const inn = uniqueInn(() => (kind === 'legal' ? legalInn : personalInn)(rng, template.region))
    const row: CompanyRow = {
      id: rng.uuid(),
      location_id: locationId,
      kind,
      full_name: names.fullName,
      short_name: names.shortName,
      inn,
      kpp: kind === 'legal' ? kppFor(inn) : null,
      legal_address: address,
      updated_at: beforeHistory(rng, timeBase),
    }
    companies.push(row)
    return row
  }

  const legalNames = (brand: string, joinStock = false) =>
    joinStock
      ? { fullName: `Акционерное общество «${brand}»`, shortName: `АО «${brand}»` }
      : { fullName: `Общество с ограниченной ответственностью «${brand}»`, shortName: `ООО «${brand}»` }

  const soleTraderNames = (person: Person) => ({
    fullName: `Индивидуальный предприниматель ${[person.last, person.first, person.middle].filter(Boolean).join(' ')}`,
    shortName: `ИП ${person.last} ${initials(person)}`,
  })

  const homeAddress = (template: LocationTemplate) =>
    `г. ${template.city}, ${rng.pick(HOME_STREETS)}, д. ${rng.int(1, 120)}, кв. ${rng.int(1, 300)}`

  const addSupplier = (
    location: LocationModel,
    company: CompanyRow,
    skuPrefix: string,
    templates: readonly OfferTemplate[],
    markup: number,
    isHard: boolean,
  ): SupplierModel => {
    const offers: DemoOffer[] = []
    const rules: QuantityRule[] = []
    const skuBase = rng.int(100, 999)
    templates.forEach((template, index) => {
      const rubles = Math.max(1, Math.round(template.price * markup))
      // Some shops like prices ending in 90 kopecks.
      const priceKopecks = rubles * 100 - (rubles >= 100 && rng.chance(0.3) ? 10 : 0)
      const service: ServiceRow = {
        id: rng.uuid(),
        company_id: company.id,
        name: template.name,
        sku: rng.chance(0.1) ? null : `${skuPrefix}-${skuBase}-${String(index + 1).padStart(3, '0')}`,
        kind: template.kind,
        updated_at: beforeHistory(rng, timeBase),
      }
      services.push(service)
      offers.push({
        serviceId: service.id,
        name: service.name,
        sku: service.sku,
        kind: template.kind,
        unitCode: UNITS[template.unit].code,
        unitName: UNITS[template.unit].name,
        priceKopecks,
        vatRate: company.kind === 'sole_trader' ? 'none' : template.vat,
      })
      rules.push(template.quantity)
    })
    offersBySupplier.set(company.id, offers)
    const model: SupplierModel = { company, offers, rules, defaultVat: company.kind === 'sole_trader' ? 'none' : '22' }
    location.suppliers.push(model)
    suppliers.push({
      id: company.id,
      locationId: location.row.id,
      kind: company.kind,
      fullName: company.full_name,
      shortName: company.short_name,
      inn: company.inn,
      hardCases: isHard,
      orders: 0,
      ckassaPurchasedOrders: 0,
    })
    return model
  }

  const addCustomer = (
    location: LocationModel,
    person: Person,
    company: CompanyRow | null,
    domain: string | null,
    fields: Partial<CustomerRow> = {},
  ): CustomerRow => {
    const login = `${translit(person.first)}.${translit(person.last)}${rng.chance(0.3) ? rng.int(1, 99) : ''}`
    const row: CustomerRow = {
      id: rng.uuid(),
      location_id: location.row.id,
      company_id: company?.id ?? null,
      last_name: person.last,
      first_name: person.first,
      middle_name: person.middle,
      phone: rng.chance(0.05) ? null : randomPhone(rng),
      // Reserved example domains (RFC 2606): demo data must not reach real mailboxes.
      email: rng.chance(0.08) ? null : `${login}@${domain ? `${domain}.example` : rng.pick(PERSONAL_MAIL_DOMAINS)}`,
      premises: rng.chance(0.1) ? null : randomPremises(rng),
      updated_at: beforeHistory(rng, timeBase),
      ...fields,
    }
    customers.push(row)
    location.customers.push(row)
    return row
  }

  for (let index = 0; index < options.locations; index++) {
    const template = item(LOCATIONS, index)
    const row: LocationRow = { id: rng.uuid(), name: template.name, timezone: template.timezone }
    locationRows.push(row)
    const location: LocationModel = {
      row,
      template,
      offsetMs: template.utcOffsetHours * HOUR_MS,
      suppliers: [],
      supplierWeights: [],
      customers: [],
    }
    locations.push(location)
    const officeAddress = () => `${template.address}, офис ${rng.int(1, 12)}${String(rng.int(1, 30)).padStart(2, '0')}`

    // The managing company runs the building; typographic quotes nest as 1C users type them.
    addCompany(
      template,
      row.id,
      'legal',
      {
        fullName: `Общество с ограниченной ответственностью «Управляющая компания «${template.brand}»»`,
        shortName: `ООО «УК «${template.brand}»»`,
      },
      `${template.address}, офис 101`,
    )

    // Suppliers: 2–4, at least one legal entity and one sole trader; the hard supplier leads the first location.
    const legalCount = index === 0 ? rng.int(2, 3) : rng.int(1, 3)
    const soleCount = Math.min(rng.int(1, 2), 4 - legalCount)
    const legalTemplates = shuffled(rng, LEGAL_SUPPLIERS).slice(0, index === 0 ? legalCount - 1 : legalCount)
    if (index === 0) {
      const company = addCompany(template, row.id, 'legal', HARD_SUPPLIER, officeAddress())
      const keys = Object.keys(HARD_OFFERS) as HardOfferKey[]
      hardSupplier = addSupplier(location, company, 'RK', keys.map((key) => HARD_OFFERS[key]), 1, true)
      keys.forEach((key, i) => (hardOffers[key] = i))
    }
    for (const supplierTemplate of legalTemplates) {
      const brand = rng.pick(supplierTemplate.brands)
      const company = addCompany(template, row.id, 'legal', legalNames(brand, rng.chance(0.2)), officeAddress())
      addSupplier(location, company, supplierTemplate.skuPrefix, supplierTemplate.offers, 0.9 + rng.next() * 0.3, false)
    }
    for (const supplierTemplate of shuffled(rng, SOLE_TRADER_SUPPLIERS).slice(0, soleCount)) {
      const person = randomPerson(rng)
      const company = addCompany(template, row.id, 'sole_trader', soleTraderNames(person), homeAddress(template))
      addSupplier(location, company, supplierTemplate.skuPrefix, supplierTemplate.offers, 0.9 + rng.next() * 0.3, false)
    }
    location.supplierWeights = location.suppliers.map((_, i) => [i, item(SUPPLIER_WEIGHTS, i)] as const)

    // Resident companies: the tenants whose employees buy on the company's behalf.
    const residents: Array<{ company: CompanyRow; domain: string | null }> = []
    for (const brand of shuffled(rng, COMPANY_BRANDS).slice(0, rng.int(4, 7))) {
      if (rng.chance(0.2)) {
        const person = randomPerson(rng)
        const company = addCompany(template, row.id, 'sole_trader', soleTraderNames(person), homeAddress(template))
        residents.push({ company, domain: null })
      } else {
        const names = legalNames(brand, rng.chance(0.15))
        // A tenant registered without a short name or address: both columns are nullable in the contract.
        const sparse = rng.chance(0.1)
        const company = sparse
          ? addCompany(template, row.id, 'legal', { ...names, shortName: null }, null)
          : addCompany(template, row.id, 'legal', names, officeAddress())
        residents.push({ company, domain: translit(brand) })
      }
    }

    if (index === 0) {
      const long = addCompany(template, row.id, 'legal', LONG_COMPANY, officeAddress())
      const apostrophe = addCompany(template, row.id, 'legal', APOSTROPHE_COMPANY, officeAddress())
      residents.push({ company: apostrophe, domain: APOSTROPHE_COMPANY.domain })
      const buyer = { last: 'Кузнецова', first: 'Мария', middle: 'Игоревна', female: true }
      hardCustomers.longCompany = addCustomer(location, buyer, long, 'sibinform', { premises: 'офис 305' })
      // A foreign buyer: no patronymic, and an apostrophe in the surname.
      const foreigner = { last: "О'Брайен", first: 'Патрик', middle: null, female: false }
      hardCustomers.noMiddleName = addCustomer(location, foreigner, apostrophe, APOSTROPHE_COMPANY.domain, {
        email: 'patrick.obrien@letoile.example',
        phone: '+79161234567',
      })
      const silent = { last: 'Степанов', first: 'Григорий', middle: 'Ильич', female: false }
      const noContacts = { email: null, phone: null, premises: 'офис 512' }
      hardCustomers.noContacts = addCustomer(location, silent, null, null, noContacts)
    }

    for (let c = 0; c < options.customersPerLocation; c++) {
      const onBehalf = rng.chance(0.35) ? rng.pick(residents) : null
      addCustomer(location, randomPerson(rng), onBehalf?.company ?? null, onBehalf?.domain ?? null)
    }
  }

  if (!hardSupplier || !hardCustomers.longCompany || !hardCustomers.noMiddleName || !hardCustomers.noContacts) {
    throw new Error('the first location must carry the hard cases') // unreachable: locations >= 1
  }
  const catalog: DemoCatalog = {
    options,
    locations: locationRows,
    companies,
    customers,
    services,
    suppliers,
    offers: offersBySupplier,
  }
  return {
    options,
    catalog,
    locations,
    locationWeights: locations.map((_, i) => [i, item(LOCATION_WEIGHTS, i)] as const),
    hard: {
      supplier: hardSupplier,
      offers: hardOffers as Record<HardOfferKey, number>,
      customers: hardCustomers as Record<HardCustomerKey, CustomerRow>,
    },
  }
}
