/**
 * The 1C credentials, shown once: after «Сохранить» of a new integration and after «Новый пароль». The service keeps
 * only the password's hash, so this is the only time anyone sees it; the view is removed when it is closed.
 */
import { h } from './dom.js'
import { copyableField } from './views.js'

export interface ShownCredentials {
  login: string
  password: string
  exchangeUrl: string
}

export function credentialsView(credentials: ShownCredentials): HTMLElement {
  return h(
    'div',
    { class: 'credentials' },
    h(
      'p',
      { class: 'once', role: 'alert' },
      h('strong', null, 'Пароль показан один раз и больше показан не будет.'),
      ' Скопируйте его сейчас и передайте администратору 1С. Если он потеряется, выдайте новый на странице интеграции.',
    ),
    copyableField('Логин 1С', credentials.login),
    copyableField('Пароль 1С', credentials.password, { secret: true }),
    copyableField('Адрес обмена для 1С', credentials.exchangeUrl),
    h(
      'p',
      { class: 'hint' },
      'В 1С: узел обмена «Обмен с сайтом» → адрес сайта — этот адрес, логин и пароль — выше; выгрузка заказов включена, выгрузка товаров выключена.',
    ),
  )
}
