/**
 * The console's entry: takes the platform's token from the address (`#token=…`), then shows the screen of the URL,
 * or the sign-in screen when there is no token or the API refuses it.
 */
import { whenSignInFails, type ApiError } from './api.js'
import { h, show } from './dom.js'
import { renderIntegration } from './integration-page.js'
import { renderList } from './list-page.js'
import { readPageConfig } from './page-config.js'
import { hrefOf, linkHandler, startRouter, type Route } from './router.js'
import { signInView } from './sign-in.js'
import { forgetToken, storedToken, takeTokenFromFragment } from './token.js'

const config = readPageConfig()
takeTokenFromFragment()

const page = document.getElementById('page')!
const account = document.getElementById('account')!
const announcer = document.getElementById('announcer')!
let first = true

function showAccount(): void {
  if (!storedToken()) return show(account)
  const signOut = h('button', { type: 'button', class: 'secondary' }, 'Выйти')
  signOut.addEventListener('click', () => {
    forgetToken()
    showSignIn(null)
  })
  show(account, signOut)
}

function showSignIn(error: ApiError | null): void {
  document.title = 'Вход — интеграции Olvery'
  show(page, signInView(config, error))
  showAccount()
}

whenSignInFails(showSignIn)

function renderRoute(route: Route): void {
  announcer.textContent = ''
  showAccount()
  if (!storedToken()) return showSignIn(null)
  if (route.page === 'list') renderList(page, config)
  else if (route.page === 'integration') renderIntegration(page, config, route.id)
  else {
    const home = { page: 'list' } as const
    show(page, h('div', { class: 'card' }, h('h1', null, 'Такой страницы нет'), h('p', null, h('a', { href: hrefOf(home), onclick: linkHandler(home) }, 'К списку интеграций'))))
  }
  // After moving within the console, focus goes to the new page, as it would after a page load.
  if (!first) page.focus()
  first = false
}

startRouter(config, renderRoute)
