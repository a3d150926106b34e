/** People of the demo: Russian names in both genders, phones, premises, and logins transliterated for e-mail. */
import type { Random } from './random.js'

const MALE_LAST_NAMES = [
  'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров',
  'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев',
  'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров', 'Зайцев', 'Соловьёв', 'Борисов', 'Яковлев', 'Григорьев',
  'Романов', 'Воробьёв', 'Сергеев', 'Кузьмин', 'Фролов', 'Александров', 'Дмитриев', 'Королёв', 'Гусев', 'Киселёв',
  'Ильин', 'Максимов', 'Поляков', 'Сорокин', 'Виноградов', 'Ковалёв', 'Белов', 'Медведев', 'Антонов', 'Тарасов',
  'Жуков', 'Баранов', 'Филиппов', 'Комаров', 'Давыдов', 'Беляев', 'Герасимов', 'Богданов', 'Осипов', 'Сидоров',
  'Вишневский', 'Покровский', 'Ким', 'Шевченко', 'Черных', 'Бондаренко', 'Цой', 'Ерёмин', 'Голубев', 'Ёлкин',
]
const MALE_FIRST_NAMES = [
  'Александр', 'Дмитрий', 'Максим', 'Сергей', 'Андрей', 'Алексей', 'Артём', 'Илья', 'Кирилл', 'Михаил',
  'Никита', 'Матвей', 'Роман', 'Егор', 'Арсений', 'Иван', 'Денис', 'Евгений', 'Тимофей', 'Владислав',
  'Игорь', 'Павел', 'Олег', 'Константин', 'Григорий', 'Фёдор', 'Юрий', 'Вадим', 'Руслан', 'Тимур',
]
const FEMALE_FIRST_NAMES = [
  'Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Екатерина', 'Татьяна', 'Ирина', 'Светлана', 'Юлия',
  'Анастасия', 'Дарья', 'Полина', 'Алина', 'Виктория', 'Ксения', 'Марина', 'Софья', 'Алёна', 'Вероника',
  'Людмила', 'Галина', 'Надежда', 'Валерия', 'Кристина', 'Диана', 'Евгения', 'Ульяна', 'Маргарита', 'Лилия',
]
/** Patronymics as [male, female] pairs, written out rather than derived: the derivation has many exceptions. */
const PATRONYMICS: ReadonlyArray<readonly [string, string]> = [
  ['Александрович', 'Александровна'], ['Дмитриевич', 'Дмитриевна'], ['Сергеевич', 'Сергеевна'],
  ['Андреевич', 'Андреевна'], ['Алексеевич', 'Алексеевна'], ['Иванович', 'Ивановна'], ['Михайлович', 'Михайловна'],
  ['Николаевич', 'Николаевна'], ['Владимирович', 'Владимировна'], ['Петрович', 'Петровна'], ['Юрьевич', 'Юрьевна'],
  ['Викторович', 'Викторовна'], ['Олегович', 'Олеговна'], ['Игоревич', 'Игоревна'], ['Павлович', 'Павловна'],
  ['Евгеньевич', 'Евгеньевна'], ['Ильич', 'Ильинична'], ['Никитич', 'Никитична'], ['Фомич', 'Фоминична'],
  ['Константинович', 'Константиновна'], ['Валерьевич', 'Валерьевна'], ['Романович', 'Романовна'],
]

export const PERSONAL_MAIL_DOMAINS = ['example.com', 'example.net', 'example.org']

export const HOME_STREETS = [
  'ул. Ленина', 'ул. Советская', 'ул. Мира', 'ул. Гагарина', 'ул. Садовая', 'пр-кт Победы', 'ул. Лесная',
]

export interface Person {
  last: string
  first: string
  middle: string | null
  female: boolean
}

function femaleLastName(male: string): string {
  if (/(ов|ев|ёв|ин|ын)$/.test(male)) return `${male}а`
  if (/(ский|цкий)$/.test(male)) return `${male.slice(0, -2)}ая`
  return male // Ким, Шевченко, Черных do not change
}

export function randomPerson(rng: Random): Person {
  const female = rng.chance(0.5)
  const last = rng.pick(MALE_LAST_NAMES)
  const patronymic = rng.pick(PATRONYMICS)
  return {
    last: female ? femaleLastName(last) : last,
    first: female ? rng.pick(FEMALE_FIRST_NAMES) : rng.pick(MALE_FIRST_NAMES),
    middle: female ? patronymic[1] : patronymic[0],
    female,
  }
}

export const initials = (p: Person): string => `${p.first.charAt(0)}.${p.middle ? ` ${p.middle.charAt(0)}.` : ''}`

export function randomPhone(rng: Random): string {
  return `+79${rng.digits(9)}` // E.164, a Russian mobile number
}

export function randomPremises(rng: Random): string {
  return rng.weighted<() => string>([
    [() => `офис ${rng.int(1, 12)}${String(rng.int(1, 30)).padStart(2, '0')}`, 70],
    [() => `каб. ${rng.int(1, 60)}`, 10],
    [() => `пом. ${rng.int(1, 9)}Н`, 8],
    [() => `коворкинг, место ${rng.int(1, 80)}`, 12],
  ])()
}

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
}

export function translit(text: string): string {
  let out = ''
  for (const ch of text.toLowerCase()) {
    const mapped = TRANSLIT[ch]
    if (mapped !== undefined) out += mapped
    else if (/[a-z0-9]/.test(ch)) out += ch
  }
  return out
}
