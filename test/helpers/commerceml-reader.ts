/**
 * Reads a CommerceML answer back into something tests can assert on, by structure rather than by text: the bytes
 * are decoded with the encoding their declaration names, then parsed (xmlbuilder2's DOM).
 */
import iconv from 'iconv-lite'
import { create } from 'xmlbuilder2'
import type { SchemaVersion } from '../../src/integration/settings.schema.js'
import { declaredEncoding } from './xml-validate.js'

/** The part of the DOM the tests use. */
export interface XmlElement {
  nodeType: number
  nodeName: string
  textContent: string | null
  childNodes: ArrayLike<XmlElement>
  getAttribute(name: string): string | null
  attributes: ArrayLike<{ name: string; value: string }>
}

function decodeAnswer(bytes: Buffer): string {
  const text = iconv.decode(bytes, declaredEncoding(bytes))
  return text.startsWith('\uFEFF') ? text.slice(1) : text
}

export function parseAnswer(bytes: Buffer | string): XmlElement {
  const text = typeof bytes === 'string' ? bytes : decodeAnswer(bytes)
  return create(text).root().node as unknown as XmlElement
}

export function children(node: XmlElement, name: string): XmlElement[] {
  return Array.from(node.childNodes).filter((child) => child.nodeType === 1 && child.nodeName === name)
}

export function child(node: XmlElement, name: string): XmlElement | undefined {
  return children(node, name)[0]
}

export function textOf(node: XmlElement, name: string): string | undefined {
  return child(node, name)?.textContent ?? undefined
}

/** `ЗначенияРеквизитов` as a map Наименование → Значение. */
export function requisitesOf(node: XmlElement): Map<string, string> {
  const map = new Map<string, string>()
  for (const requisite of children(child(node, 'ЗначенияРеквизитов') ?? node, 'ЗначениеРеквизита')) {
    map.set(textOf(requisite, 'Наименование') ?? '', textOf(requisite, 'Значение') ?? '')
  }
  return map
}

export function documentsOf(root: XmlElement): XmlElement[] {
  return children(root, 'Документ')
}

const elementsOf = (node: XmlElement) => Array.from(node.childNodes).filter((c) => c.nodeType === 1)
const attributesOf = (node: XmlElement) => Array.from(node.attributes).map((a) => a.name)

/**
 * What is wrong with an answer's layout for `schemaVersion` (PROTOCOL.md §5.2, §5.9; order-document.ts), empty when
 * nothing is. 2.08: the root with exactly the attributes `ВерсияСхемы="2.08"` and `ДатаФормирования` (no namespace),
 * and only `Документ` children. 3.1: the root with exactly `xmlns="urn:1C.ru:commerceml_3"`, `ВерсияСхемы="3.1"` and
 * `ДатаФормирования`, only `Контейнер` children, and each `Контейнер` holding one element, a `Документ`.
 */
export function layoutProblems(root: XmlElement, schemaVersion: SchemaVersion): string[] {
  const problems: string[] = []
  if (root.nodeName !== 'КоммерческаяИнформация') problems.push(`the root is ${root.nodeName}`)
  const wanted = schemaVersion === '3.1' ? ['xmlns', 'ВерсияСхемы', 'ДатаФормирования'] : ['ВерсияСхемы', 'ДатаФормирования']
  if (attributesOf(root).join(' ') !== wanted.join(' ')) problems.push(`the root has the attributes ${attributesOf(root).join(' ')}, not ${wanted.join(' ')}`)
  if (schemaVersion === '3.1' && root.getAttribute('xmlns') !== 'urn:1C.ru:commerceml_3') problems.push(`the root's namespace is ${root.getAttribute('xmlns')}`)
  if (root.getAttribute('ВерсияСхемы') !== schemaVersion) problems.push(`ВерсияСхемы is ${root.getAttribute('ВерсияСхемы')}`)
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(root.getAttribute('ДатаФормирования') ?? '')) {
    problems.push(`ДатаФормирования is ${root.getAttribute('ДатаФормирования')}`)
  }
  const entry = schemaVersion === '3.1' ? 'Контейнер' : 'Документ'
  for (const [at, node] of elementsOf(root).entries()) {
    if (node.nodeName !== entry) {
      problems.push(`child ${at + 1} of the root is ${node.nodeName}, not ${entry}`)
      continue
    }
    if (schemaVersion !== '3.1') continue
    const inside = elementsOf(node).map((c) => c.nodeName)
    if (inside.join(' ') !== 'Документ') problems.push(`Контейнер ${at + 1} holds ${inside.join(', ') || 'nothing'}, not one Документ`)
  }
  return problems
}

/** The `Документ`s of an answer laid out for `schemaVersion`; throws naming what is wrong when the layout is not. */
export function documentsIn(root: XmlElement, schemaVersion: SchemaVersion): XmlElement[] {
  const problems = layoutProblems(root, schemaVersion)
  if (problems.length > 0) throw new Error(`not a CommerceML ${schemaVersion} answer: ${problems.join('; ')}`)
  return schemaVersion === '3.1' ? children(root, 'Контейнер').map((container) => child(container, 'Документ')!) : documentsOf(root)
}

export function linesOf(document: XmlElement): XmlElement[] {
  return children(child(document, 'Товары') ?? document, 'Товар')
}
