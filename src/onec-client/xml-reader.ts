/**
 * The client's XML reader: the whole answer into a small tree, read by local name as 1C's untyped XDTO tree is
 * (PROTOCOL.md §5.1), and strict where 1C's parser is: well-formedness, the characters XML 1.0 forbids, unknown
 * entities, no DOCTYPE. `saxes` (the XML 1.0 conformance of a real parser, not a hand-written one) does the parsing;
 * this file only builds the tree. It shares no code with the service's reader (src/import/), on purpose: the client
 * checks what the service sends.
 */
import { SaxesParser } from 'saxes'

export interface XmlElement {
  /** Local name (a namespace prefix is dropped). */
  name: string
  /** Attributes by their name as written (prefixes and `xmlns` declarations included). */
  attributes: Record<string, string>
  children: XmlElement[]
  /** The element's own text, entities decoded. */
  text: string
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1)

/** Parses a whole document; throws with the parser's reason where 1C's ПрочитатьXML would fail. */
export function parseXml(input: string): XmlElement {
  // xmlns off: names are matched by local name whatever the namespace, and an undeclared prefix is no error (XDTO
  // reads such documents untyped).
  const parser = new SaxesParser({ xmlns: false, position: true })
  const stack: XmlElement[] = []
  let root: XmlElement | null = null
  // Assigned in the parser's callbacks, which TypeScript's narrowing does not follow.
  let failure = null as Error | null
  parser.on('error', (error) => {
    failure ??= error
  })
  parser.on('doctype', () => {
    failure ??= new Error('DOCTYPE is not allowed')
  })
  parser.on('opentag', (tag) => {
    const element: XmlElement = { name: localName(tag.name), attributes: { ...tag.attributes }, children: [], text: '' }
    const parent = stack[stack.length - 1]
    if (parent) parent.children.push(element)
    else root = element
    stack.push(element)
  })
  parser.on('closetag', () => {
    stack.pop()
  })
  const append = (text: string) => {
    const top = stack[stack.length - 1]
    if (top) top.text += text
  }
  parser.on('text', append)
  parser.on('cdata', append)
  parser.write(input).close()
  if (failure) throw failure
  if (!root) throw new Error('no root element')
  return root
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name)
}

export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text
}
