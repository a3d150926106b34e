/** Small views every screen uses: an API error as the API words it, a copyable value, a confirmation, a section. */
import { ApiError } from './api.js'
import { h, liveRegion, show, uniqueId } from './dom.js'

/** Any failure of an action: an ApiError shows its own message, anything else what the browser said. */
export function errorView(error: unknown, context?: string): HTMLElement {
  if (!(error instanceof ApiError)) {
    return h('div', { class: 'error', role: 'alert', tabindex: '-1' }, h('p', null, context ?? 'Не получилось.', ' ', String((error as Error)?.message ?? error)))
  }
  const problems = error.problems
  return h(
    'div',
    { class: 'error', role: 'alert', tabindex: '-1' },
    context ? h('p', { class: 'error-context' }, context) : null,
    // The API's own sentence, exactly: it says what to do, and support can search for it.
    h('p', { class: 'api-message' }, h('span', { class: 'api-code' }, error.code), ' ', error.message),
    problems.length
      ? h(
          'ul',
          { class: 'problems' },
          problems.map((p) => h('li', null, h('code', null, p.path || '(весь текст)'), ' ', p.message)),
        )
      : null,
  )
}

/** Runs `action`; a failure that is a sign-in problem is shown by the sign-in screen, any other one in `into`. */
export async function attempt<T>(into: HTMLElement, action: () => Promise<T>, context?: string): Promise<T | undefined> {
  into.replaceChildren()
  try {
    return await action()
  } catch (error) {
    if (error instanceof ApiError && error.isSignInProblem) return undefined
    into.replaceChildren(errorView(error, context))
    return undefined
  }
}

/** A value to give someone (login, password, the exchange URL): read-only, labelled, with a copy button. */
export function copyableField(label: string, value: string, options: { secret?: boolean } = {}): HTMLElement {
  const input = h('input', { type: 'text', readonly: true, value, id: uniqueId('copy'), class: options.secret ? 'secret' : null, spellcheck: 'false' })
  const status = liveRegion('copy-status')
  const copy = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'aria-label': `Копировать: ${label}`,
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(value)
          status.textContent = 'Скопировано'
        } catch {
          // No clipboard (an insecure origin, or a frame without clipboard-write): leave it selected for Ctrl+C.
          input.focus()
          input.select()
          status.textContent = 'Выделено: нажмите Ctrl+C, чтобы скопировать'
        }
      },
    },
    'Копировать',
  )
  return h('div', { class: 'field copyable' }, h('label', { for: input.id }, label), h('div', { class: 'copy-row' }, input, copy), status)
}

/**
 * Asks before an action that cannot be undone. Resolves true for the confirming button, false for «Отменить» or
 * Escape. The dialog is modal: focus stays in it, and returns where it was.
 */
export function confirmAction(options: { title: string; text: string; confirm: string; danger?: boolean; extra?: HTMLElement }): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uniqueId('confirm')
    const dialog = h(
      'dialog',
      { 'aria-labelledby': titleId, class: 'confirm' },
      h('h2', { id: titleId }, options.title),
      h('p', null, options.text),
      options.extra ?? null,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close('cancel') }, 'Отменить'),
        h('button', { type: 'button', class: options.danger ? 'danger' : 'primary', onclick: () => dialog.close('confirm') }, options.confirm),
      ),
    )
    dialog.addEventListener('close', () => {
      dialog.remove()
      resolve(dialog.returnValue === 'confirm')
    })
    document.body.append(dialog)
    dialog.showModal()
  })
}

/** A titled part of a page, a landmark for screen readers. */
export function section(title: string, ...children: Array<Node | null>): HTMLElement {
  const id = uniqueId('section')
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children)
}

export const badge = (text: string, kind: string) => h('span', { class: `badge badge-${kind}` }, text)

export const loading = (text = 'Загрузка…') => h('p', { class: 'loading', role: 'status' }, text)

/**
 * Says that an action succeeded, in the banner above the page: it outlives the page being drawn anew after the change,
 * and screen readers announce it.
 */
export function announce(text: string): void {
  const banner = document.getElementById('announcer')
  if (banner) banner.textContent = text
}

/**
 * A list the API pages newest first (`limit`, `cursor` → `nextCursor`) as a table: the first page at once, «Показать
 * ещё» while there is more; the API's problems shown in `problems` (attempt). Returns the element the table lives in.
 */
export function pagedTable<T>(params: {
  problems: HTMLElement
  /** One page after `cursor` (null: the first), or undefined when the API refused (its problem is shown). */
  page: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null } | undefined>
  empty: string
  caption: string
  columns: readonly string[]
  row: (item: T) => HTMLElement
}): HTMLElement {
  const list = h('div', null, loading())
  let items: T[] = []
  let cursor: string | null = null
  const render = () => {
    if (items.length === 0) return show(list, h('p', { class: 'empty' }, params.empty))
    const more = h('button', { type: 'button', class: 'secondary' }, 'Показать ещё')
    more.addEventListener('click', () => void load())
    show(
      list,
      h(
        'table',
        { class: 'list' },
        h('caption', null, params.caption),
        h('thead', null, h('tr', null, params.columns.map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', null, items.map(params.row)),
      ),
      cursor ? more : null,
    )
  }
  const load = async () => {
    const page = await attempt(params.problems, () => params.page(cursor))
    if (!page) return show(list)
    items = items.concat(page.items)
    cursor = page.nextCursor
    render()
  }
  void load()
  return list
}
