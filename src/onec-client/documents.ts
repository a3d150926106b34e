/**
 * The `Документ`s of a query answer as each 1C client finds them (PROTOCOL.md §5.2, §5.9): БЭД (УТ 11 / КА 2 / ERP)
 * and УНФ read CommerceML 2.x, `Документ` directly under the root; the 1C-side "Модуль обмена 1С-Битрикс" in its
 * CommerceML 3.1 form reads each `Документ` inside a `Контейнер` (unverified against the module's code; see
 * PROTOCOL.md §10). A document in the other place is not seen by that client at all.
 */
import { child, childText, type XmlElement } from './xml-reader.js'

/** One `Документ` of the answer, read by name as 1C's untyped XDTO tree is (PROTOCOL.md §5.1). */
export interface OneCDocument {
  id: string | undefined
  number: string | undefined
  date: string | undefined
  time: string | undefined
  operation: string | undefined
  role: string | undefined
  currency: string | undefined
  rate: string | undefined
  sum: string | undefined
  comment: string | undefined
  counterparties: string[]
  lines: Array<{ id: string | undefined; name: string | undefined; quantity: string | undefined; price: string | undefined; sum: string | undefined }>
  /** ЗначенияРеквизитов: Наименование → Значение (the first value). */
  requisites: Record<string, string>
  element: XmlElement
}

/** Where a client looks for `Документ`: under the root (2.x), inside `Контейнер` (3.1), or both (for checks). */
export type DocumentLayout = 'root' | 'container' | 'both'

/** The `Документ` elements of an answer in `layout`, and how many others are there that `layout` does not see. */
export function documentElements(root: XmlElement, layout: DocumentLayout): { elements: XmlElement[]; unseen: number } {
  const atRoot = root.children.filter((c) => c.name === 'Документ')
  const inContainers = root.children.filter((c) => c.name === 'Контейнер').flatMap((c) => c.children.filter((d) => d.name === 'Документ'))
  if (layout === 'root') return { elements: atRoot, unseen: inContainers.length }
  if (layout === 'container') return { elements: inContainers, unseen: atRoot.length }
  return { elements: [...atRoot, ...inContainers], unseen: 0 }
}

export function readDocument(element: XmlElement): OneCDocument {
  const requisites: Record<string, string> = {}
  for (const requisite of child(element, 'ЗначенияРеквизитов')?.children ?? []) {
    const name = childText(requisite, 'Наименование')
    if (name !== undefined && !(name in requisites)) requisites[name] = childText(requisite, 'Значение') ?? ''
  }
  return {
    id: childText(element, 'Ид'),
    number: childText(element, 'Номер'),
    date: childText(element, 'Дата'),
    time: childText(element, 'Время'),
    operation: childText(element, 'ХозОперация'),
    role: childText(element, 'Роль'),
    currency: childText(element, 'Валюта'),
    rate: childText(element, 'Курс'),
    sum: childText(element, 'Сумма'),
    comment: childText(element, 'Комментарий'),
    counterparties: (child(element, 'Контрагенты')?.children ?? []).map((c) => childText(c, 'Наименование') ?? ''),
    lines: (child(element, 'Товары')?.children ?? []).map((line) => ({
      id: childText(line, 'Ид'),
      name: childText(line, 'Наименование'),
      quantity: childText(line, 'Количество'),
      price: childText(line, 'ЦенаЗаЕдиницу'),
      sum: childText(line, 'Сумма'),
    })),
    requisites,
    element,
  }
}

/** Every `Документ` of an answer, under the root and inside `Контейнер` (2.08 and 3.1), for checks of both. */
export function readDocuments(root: XmlElement, layout: DocumentLayout = 'both'): OneCDocument[] {
  return documentElements(root, layout).elements.map(readDocument)
}
