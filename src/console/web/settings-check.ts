/**
 * The «Настройки (JSON)» field checked as the administrator types, before anything is sent: is it JSON, are there
 * typographic quotes (people paste the example from the platform's wiki, «» and “” included), and does it follow
 * components.schemas.IntegrationSettings of openapi.yaml (generated/settings-schema.ts). The service checks again on
 * «Сохранить» and its answer is shown as it words it; this check only says it earlier, in Russian, with the same
 * JSON paths (`paymentrules[0].gateway`). No DOM: unit tests import it under Node.
 */
import { INTEGRATION_SETTINGS_SCHEMA } from './generated/settings-schema.js'

interface SettingsProblem {
  /** JSON path of the value, e.g. `paymentrules[0].gateway`; empty for the whole text. */
  path: string
  message: string
}

export interface SettingsCheck {
  problems: SettingsProblem[]
  /** The text holds « » “ ” „ or similar: the hint to use plain `"` is shown. */
  typographicQuotes: boolean
}

/** The same set of characters the service refuses with its hint (its settings schema). */
const TYPOGRAPHIC_QUOTES = /[«»“”„‟″〝〞＂‘’‚‛]/

export const QUOTES_HINT =
  'В тексте есть типографские кавычки (« » “ ” „): в JSON нужны обычные прямые кавычки ("). Замените их — так бывает, когда пример копируют из вики платформы.'

interface Schema {
  type?: string | readonly string[]
  required?: readonly string[]
  additionalProperties?: boolean
  properties?: Record<string, Schema>
  items?: Schema
  enum?: readonly unknown[]
  pattern?: string
  format?: string
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minProperties?: number
}

const TYPE_WORDS: Record<string, string> = {
  string: 'строкой в кавычках',
  integer: 'целым числом',
  number: 'числом',
  boolean: 'true или false',
  array: 'списком в квадратных скобках [ ]',
  object: 'объектом в фигурных скобках { }',
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function fitsType(value: unknown, type: string | readonly string[]): boolean {
  const actual = typeOf(value)
  return [type].flat().some((t) => t === actual || (t === 'number' && actual === 'integer'))
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key

function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

function lengthProblem(schema: Schema, length: number): string | null {
  const { minLength, maxLength } = schema
  if (minLength !== undefined && minLength === maxLength && length !== minLength) return `должно состоять ровно из ${minLength} символов`
  if (minLength !== undefined && length < minLength) return minLength === 1 ? 'не должно быть пустым' : `должно быть не короче ${minLength} символов`
  if (maxLength !== undefined && length > maxLength) return `должно быть не длиннее ${maxLength} символов`
  return null
}

/** Every problem of `value` against `schema`, one per value (the first found), as the service reports them. */
function check(value: unknown, schema: Schema, path: string, out: SettingsProblem[]): void {
  const problem = (message: string, at = path): void => void out.push({ path: at, message })
  if (schema.enum && !schema.enum.includes(value)) {
    const allowed = schema.enum.filter((v) => v !== null).map((v) => JSON.stringify(v))
    return problem(`должно быть одним из значений: ${allowed.join(', ')}`)
  }
  if (schema.type !== undefined && !fitsType(value, schema.type)) {
    const wanted = [schema.type].flat().filter((t) => t !== 'null')
    return problem(`должно быть ${wanted.map((t) => TYPE_WORDS[t] ?? t).join(' или ')}`)
  }
  if (typeof value === 'string') {
    const length = lengthProblem(schema, [...value].length)
    if (length) return problem(length)
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) {
      return problem(
        path === 'paymentmethod_id' ? 'может содержать только латинские буквы, цифры и знаки «_», «.», «-»' : 'не подходит по формату',
      )
    }
    if (schema.format === 'date' && !isRealDate(value)) return problem('должно быть датой в виде ГГГГ-ММ-ДД, например "2026-03-01"')
    if (path === 'timezone' && !isTimeZone(value)) return problem('должно быть часовым поясом IANA, например "Europe/Moscow"')
  }
  if (typeof value === 'number') {
    if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) {
      return problem(`должно быть от ${schema.minimum ?? '…'} до ${schema.maximum ?? '…'}`)
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      return problem(
        path === 'paymentrules'
          ? 'нужно хотя бы одно правило, например {"status":"purchased","gateway":"CKassa"}'
          : `должно содержать не меньше ${schema.minItems} элементов`,
      )
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return problem(`должно содержать не больше ${schema.maxItems} элементов`)
    if (schema.items) value.forEach((item, index) => check(item, schema.items!, join(path, index), out))
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>
    const keys = Object.keys(object)
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
      return problem('должно содержать "status", "gateway" или оба, например {"status":"purchased","gateway":"CKassa"}')
    }
    for (const name of schema.required ?? []) if (!(name in object)) problem('обязательная настройка: её нет', join(path, name))
    for (const name of keys) {
      const property = schema.properties?.[name]
      if (property) check(object[name], property, join(path, name), out)
      else if (schema.additionalProperties === false) problem('такой настройки нет: проверьте написание', join(path, name))
    }
  }
}

/** Where a JSON syntax error is, as «строка 2, символ 5», when the browser's message names a position. */
function syntaxPlace(text: string, message: string): string {
  const position = /position (\d+)/.exec(message)?.[1]
  if (position === undefined) return ''
  const before = text.slice(0, Number(position)).split('\n')
  return ` (строка ${before.length}, символ ${before[before.length - 1]!.length + 1})`
}

export function checkSettingsText(text: string): SettingsCheck {
  const typographicQuotes = TYPOGRAPHIC_QUOTES.test(text)
  if (text.trim() === '') return { problems: [{ path: '', message: 'Введите настройки: JSON-объект вида {"paymentrules":[…],"paymentmethod_name":"…"}' }], typographicQuotes }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // With typographic quotes that is almost always the reason: the hint says it, no second message needed.
    if (typographicQuotes) return { problems: [], typographicQuotes }
    return { problems: [{ path: '', message: `Это не JSON${syntaxPlace(text, (error as Error).message)}: проверьте скобки, запятые и кавычки` }], typographicQuotes }
  }
  if (typeOf(value) !== 'object') {
    return { problems: [{ path: '', message: 'Настройки должны быть JSON-объектом вида {"paymentrules":[…],"paymentmethod_name":"…"}' }], typographicQuotes }
  }
  const problems: SettingsProblem[] = []
  check(value, INTEGRATION_SETTINGS_SCHEMA, '', problems)
  // Valid JSON may hold «» inside its strings («Оплата «картой»»): only a refused text gets the hint.
  return { problems, typographicQuotes: typographicQuotes && problems.length > 0 }
}
