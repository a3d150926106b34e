/**
 * Building the page from elements, never from markup: text is always set as text, so nothing an API answer or an
 * administrator typed can become HTML (the CSP requires Trusted Types with no policy, so `innerHTML` would throw).
 */
type Child = Node | string | number | null | undefined | false | readonly Child[]
type AttributeValue = string | number | boolean | null | undefined
type Handler = (event: Event) => void
export type Attributes = Record<string, AttributeValue | Handler>

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(parent, child)
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child as string | number)))
  }
}

function apply(element: Element, attributes: Attributes | null | undefined): void {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, '').toLowerCase(), value)
    else if (value === true) element.setAttribute(name, '')
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value))
  }
}

/** An HTML element: `h('button', { type: 'button', onclick: … }, 'Сохранить')`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes?: Attributes | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  apply(element, attributes)
  append(element, children)
  return element
}

const SVG_NS = 'http://www.w3.org/2000/svg'

/** An SVG element, for the journal's chart. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes?: Attributes | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag)
  apply(element, attributes)
  append(element, children)
  return element
}

/** Replaces what `parent` shows. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, children)
}

let counter = 0
/** An id unique in the page, to tie a label or a description to its control. */
export const uniqueId = (prefix: string) => `${prefix}-${++counter}`

/**
 * A labelled control: the label names it (`for`), and the hint and the problems below it describe it
 * (`aria-describedby`), so a screen reader says all three.
 */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, ...below: HTMLElement[]): HTMLDivElement {
  control.id ||= uniqueId('field')
  const described = below.map((element) => (element.id ||= uniqueId('about')))
  if (described.length) control.setAttribute('aria-describedby', described.join(' '))
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, ...below)
}

/** A region that screen readers announce when its text changes (results, "copied", errors). */
export const liveRegion = (className = 'status') => h('div', { class: className, role: 'status', 'aria-live': 'polite' })
