/**
 * The screen shown instead of the console when it cannot work for this person: no token yet, a token the API
 * refused (401: expired, wrong), a role that may not manage integrations (403), or an API without keys (503).
 * The API's own sentence is shown as it is; the rest says what to do: sign in through the platform.
 */
import type { ApiError } from './api.js'
import { h } from './dom.js'
import type { PageConfig } from './page-config.js'

function developmentHints(config: PageConfig): HTMLElement {
  const origin = window.location.origin
  return h(
    'div',
    { class: 'dev-hints' },
    h('h2', null, 'Для разработки'),
    h('p', null, 'Встроенное демо (', h('code', null, 'npm start'), ') печатает при запуске готовую ссылку вида ', h('code', null, `${origin}${config.base}#token=…`), '.'),
    h('p', null, 'Или выпустите токен сами (HS256, тем же секретом, что у сервиса; у демо он лежит в ', h('code', null, 'data/demo-admin-jwt-secret'), '):'),
    h(
      'pre',
      null,
      h(
        'code',
        null,
        'ADMIN_JWT_SECRET=$(cat data/demo-admin-jwt-secret) \\\n' +
          '  npm run -s token -- --role location_admin --location <uuid локации>\n' +
          '# или --role system_operator: все локации',
      ),
    ),
    h('p', null, 'и откройте ', h('code', null, `${origin}${config.base}#token=<токен>`), '.'),
  )
}

function explanation(error: ApiError | null): HTMLElement[] {
  if (error?.code === 'ADMIN_API_NOT_CONFIGURED') {
    return [h('p', null, 'Вход администраторов в этом сервисе не настроен. Обратитесь к тем, кто его обслуживает: ответ сервиса ниже говорит, что нужно сделать.')]
  }
  if (error?.status === 403) {
    return [h('p', null, 'У вашей учётной записи нет доступа к интеграциям: он есть у роли «Администратор локации» и у системных операторов. Войдите через платформу под подходящей учётной записью.')]
  }
  return [
    h(
      'p',
      null,
      error ? 'Сеанс входа закончился или токен не подошёл. ' : '',
      'Откройте консоль из платформы Olvery: «Управление экосистемой → Настройки системы → Интеграции». ',
      'Платформа откроет её по ссылке со входом; ключ входа хранится только в этой вкладке браузера и пропадёт, когда вы её закроете.',
    ),
  ]
}

export function signInView(config: PageConfig, error: ApiError | null): HTMLElement {
  const title = error?.code === 'ADMIN_API_NOT_CONFIGURED' ? 'Консоль недоступна' : 'Войдите через платформу'
  return h(
    'div',
    { class: 'card sign-in' },
    h('h1', { tabindex: '-1' }, title),
    ...explanation(error),
    error ? h('p', { class: 'api-message', role: 'alert' }, 'Ответ сервиса: ', h('span', { class: 'api-code' }, error.code), ' ', error.message) : null,
    config.devHints ? developmentHints(config) : null,
  )
}
