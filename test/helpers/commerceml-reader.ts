/**
 * Reads a CommerceML answer back into something tests can assert on, by structure rather than by text: the bytes
 * are decoded with the encoding their declaration names, then parsed (xmlbuilder2's DOM).
 */
import iconv from 'iconv-lite'
import { create } from 'xmlbuilder2'
import { declaredEncoding } from './xml-validate.js'

/** The part of the DOM the tests use. */
export interface XmlElement {
  nodeType: number
  nodeName: string
  textContent: string | null
  childNodes: ArrayLike<XmlElement>
  getAttribute(name: string): string | null
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

export function linesOf(document: XmlElement): XmlElement[] {
  return children(child(document, 'Товары') ?? document, 'Товар')
}
