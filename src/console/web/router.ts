/** The console's two screens live at `<base>` and `<base>/integrations/<id>`: real URLs, so a link can be shared. */
import type { PageConfig } from './page-config.js'

export type Route = { page: 'list' } | { page: 'integration'; id: string } | { page: 'unknown' }

let base = ''
let render: (route: Route) => void = () => undefined

export function startRouter(config: PageConfig, renderRoute: (route: Route) => void): void {
  base = config.base
  render = renderRoute
  window.addEventListener('popstate', () => render(currentRoute()))
  render(currentRoute())
}

function currentRoute(): Route {
  const path = window.location.pathname.slice(base.length).replace(/\/+$/, '')
  if (path === '') return { page: 'list' }
  const match = /^\/integrations\/([^/]+)$/.exec(path)
  return match ? { page: 'integration', id: decodeURIComponent(match[1]!) } : { page: 'unknown' }
}

export const hrefOf = (route: Route): string =>
  route.page === 'integration' ? `${base}/integrations/${encodeURIComponent(route.id)}` : `${base}/`

function navigate(route: Route): void {
  history.pushState(null, '', hrefOf(route))
  render(route)
}

/** A link that moves within the console without reloading it (and opens in a new tab as any link does). */
export function linkHandler(route: Route) {
  return (event: Event) => {
    const mouse = event as MouseEvent
    if (mouse.ctrlKey || mouse.metaKey || mouse.shiftKey || mouse.button > 0) return
    event.preventDefault()
    navigate(route)
  }
}
