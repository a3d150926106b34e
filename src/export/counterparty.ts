/**
 * The buyer of an order as 1C creates or finds it (../shared/commerceml/PROTOCOL.md §5.3): the model of `Контрагент`
 * and the rule that picks a legal entity, a sole trader or a person.
 */
import type { PlatformCustomer } from '../olvery/platform-order.js'
import { clip, GLOBAL_ID_MAX, NAME_MAX, present, withOptional } from './xml-text.js'

/** XSD АдресТип. */
type AddressFieldType =
  | 'Почтовый индекс'
  | 'Страна'
  | 'Регион'
  | 'Район'
  | 'Населенный пункт'
  | 'Город'
  | 'Улица'
  | 'Дом'
  | 'Корпус'
  | 'Квартира'

/** XSD КонтактТип. УТ recognises only `Почта` and `Телефон рабочий` (§5.3). */
type ContactType =
  | 'Телефон внутренний'
  | 'Телефон рабочий'
  | 'Телефон мобильный'
  | 'Телефон домашний'
  | 'Пейджер'
  | 'Факс'
  | 'Почта'
  | 'ICQ'
  | 'ВебСайт'
  | 'Координаты на карте'
  | 'Прочее'

export interface AddressModel {
  Представление: string
  Комментарий?: string
  АдресноеПоле?: Array<{ Тип: AddressFieldType; Значение: string }>
}

interface ContactModel {
  Тип: ContactType
  Значение: string
  Комментарий?: string
}

interface CounterpartyCommon {
  /** ≤ 40, stable per customer (§5.3). */
  Ид?: string
  Наименование?: string
  Комментарий?: string
  Адрес?: AddressModel
  Контакты?: ContactModel[]
  /** Written last (§5.3). */
  Роль: 'Покупатель'
}

/** A buyer with ОфициальноеНаименование is a legal entity in 1C [BED ЗаполнитьДанныеКонтрагента]. */
interface LegalEntityModel extends CounterpartyCommon {
  kind: 'legal'
  ОфициальноеНаименование: string
  ЮридическийАдрес?: AddressModel
  ИНН?: string
  КПП?: string
}

/** A person; with an ИНН (12 digits) and no ОфициальноеНаименование, УТ creates an ИП. */
interface PersonModel extends CounterpartyCommon {
  kind: 'person'
  ПолноеНаименование: string
  Фамилия?: string
  Имя?: string
  Отчество?: string
  ИНН?: string
}

export type CounterpartyModel = LegalEntityModel | PersonModel

function contactsOf(customer: PlatformCustomer): ContactModel[] | undefined {
  const contacts: ContactModel[] = []
  const email = present(customer.email)
  const phone = present(customer.phone)
  if (email) contacts.push({ Тип: 'Почта', Значение: clip(email, NAME_MAX) })
  if (phone) contacts.push({ Тип: 'Телефон рабочий', Значение: clip(phone, NAME_MAX) })
  return contacts.length ? contacts : undefined
}

function addressOf(text: string | null): AddressModel | undefined {
  const value = present(text)
  return value ? { Представление: clip(value, NAME_MAX) } : undefined
}

/**
 * §5.3: a customer acting for a resident company is that company (a legal entity, or an ИП as a person with a
 * 12-digit ИНН); otherwise the person. ИНН and КПП that do not have the legal shape are left out rather than sent
 * to 1C, which finds and creates counterparties by them.
 */
export function counterpartyOf(customer: PlatformCustomer): CounterpartyModel {
  const company = customer.company
  const common = { Адрес: addressOf(customer.premises), Контакты: contactsOf(customer) }
  if (company && company.kind === 'legal') {
    const official = clip(company.fullName, NAME_MAX)
    const inn = present(company.inn)
    const kpp = present(company.kpp)?.toUpperCase()
    return withOptional<LegalEntityModel>(
      {
        kind: 'legal',
        Ид: clip(company.id, GLOBAL_ID_MAX),
        Наименование: present(company.shortName) ? clip(company.shortName!, NAME_MAX) : official,
        ОфициальноеНаименование: official,
        Роль: 'Покупатель',
      },
      {
        ЮридическийАдрес: addressOf(company.legalAddress),
        ИНН: inn && /^\d{10}$/.test(inn) ? inn : undefined,
        КПП: kpp && /^\d{4}[\dA-Z]{2}\d{3}$/.test(kpp) ? kpp : undefined,
        ...common,
      },
    )
  }
  if (company && company.kind === 'sole_trader') {
    const name = clip(company.fullName, NAME_MAX)
    const inn = present(company.inn)
    return withOptional<PersonModel>(
      { kind: 'person', Ид: clip(company.id, GLOBAL_ID_MAX), Наименование: name, ПолноеНаименование: name, Роль: 'Покупатель' },
      { ИНН: inn && /^\d{12}$/.test(inn) ? inn : undefined, ...common },
    )
  }
  const lastName = present(customer.lastName)
  const firstName = present(customer.firstName)
  const middleName = present(customer.middleName)
  const fullName =
    [lastName, firstName, middleName].filter(Boolean).join(' ') ||
    present(customer.email) ||
    present(customer.phone) ||
    `Покупатель ${customer.id}`
  const name = clip(fullName, NAME_MAX)
  return withOptional<PersonModel>(
    { kind: 'person', Ид: clip(customer.id, GLOBAL_ID_MAX), Наименование: name, ПолноеНаименование: name, Роль: 'Покупатель' },
    {
      Фамилия: lastName && clip(lastName, NAME_MAX),
      Имя: firstName && clip(firstName, NAME_MAX),
      Отчество: middleName && clip(middleName, NAME_MAX),
      ...common,
    },
  )
}
