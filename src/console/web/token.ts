/**
 * The platform's token. The platform opens `/admin#token=<jwt>`: a fragment never reaches the server or its logs.
 * It is moved at once into sessionStorage (this tab only, gone when the tab closes) and out of the address bar and
 * the history, then sent as `Authorization: Bearer` with every API call.
 */
const KEY = 'olvery-console-token'

/** Takes `#token=…` out of the URL into sessionStorage; other parts of the fragment stay. */
export function takeTokenFromFragment(): void {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''))
  const token = fragment.get('token')?.trim()
  if (token === undefined) return
  if (token) sessionStorage.setItem(KEY, token)
  fragment.delete('token')
  const rest = fragment.toString()
  history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`)
}

export const storedToken = (): string | null => sessionStorage.getItem(KEY)

export const forgetToken = (): void => sessionStorage.removeItem(KEY)
