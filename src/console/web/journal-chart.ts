/**
 * The journal's picture: two bar charts over the same days, exchanges per day (acknowledged by 1C, and not) and orders
 * per day. Plain SVG drawn here; every bar has a title with its numbers, and the whole has a text summary for those
 * who do not see it. Colours come from the stylesheet (classes), as the CSP allows no inline style.
 */
import { h, svg, uniqueId } from './dom.js'
import { count, EXCHANGES, formatDay, ORDERS } from './format.js'
import type { DayTotals } from './journal-days.js'

const WIDTH = 720
const HEIGHT = 110
const LEFT = 44
const RIGHT = 24
const BOTTOM = 20
const TOP = 8

/** The smallest "round" number at or above `max`, so the axis reads 5, 10, 50… rather than 37. */
function axisTop(max: number): number {
  if (max <= 5) return Math.max(1, max)
  const magnitude = 10 ** Math.floor(Math.log10(max))
  return [1, 2, 5, 10].map((f) => f * magnitude).find((n) => n >= max)!
}

interface Series {
  title: string
  /** Stacked parts of each day's bar, bottom first: [value, css class]. */
  parts: (day: DayTotals) => Array<[number, string]>
  describe: (day: DayTotals) => string
}

function barChart(days: readonly DayTotals[], series: Series): SVGSVGElement {
  const titleId = uniqueId('chart')
  const totals = days.map((d) => series.parts(d).reduce((sum, [v]) => sum + v, 0))
  const top = axisTop(Math.max(0, ...totals))
  const plotHeight = HEIGHT - TOP - BOTTOM
  const step = (WIDTH - LEFT - RIGHT) / days.length
  const barWidth = Math.max(2, step * 0.7)
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight
  const bars = days.map((day, i) => {
    let base = 0
    const x = LEFT + i * step + (step - barWidth) / 2
    const rects = series.parts(day).map(([value, className]) => {
      const rect = svg('rect', { x: x.toFixed(1), y: y(base + value).toFixed(1), width: barWidth.toFixed(1), height: ((value / top) * plotHeight).toFixed(1), class: className })
      base += value
      return rect
    })
    // A transparent column over the whole day carries its title, so hovering anywhere on that day shows the numbers.
    return svg('g', { class: 'day' }, svg('title', null, `${formatDay(day.day)}: ${series.describe(day)}`), svg('rect', { x: (LEFT + i * step).toFixed(1), y: TOP, width: step.toFixed(1), height: plotHeight, class: 'hit' }), rects)
  })
  const labels = days.flatMap((day, i) =>
    i % 7 === 0 || i === days.length - 1 ? [svg('text', { x: (LEFT + i * step + step / 2).toFixed(1), y: HEIGHT - 5, class: 'axis-label', 'text-anchor': 'middle' }, formatDay(day.day))] : [],
  )
  return svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': titleId, class: 'chart' },
    svg('title', { id: titleId }, series.title),
    svg('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y(0), y2: y(0), class: 'axis' }),
    svg('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y(top), y2: y(top), class: 'grid' }),
    svg('text', { x: LEFT - 6, y: y(top) + 4, class: 'axis-label', 'text-anchor': 'end' }, top.toLocaleString('ru-RU')),
    svg('text', { x: LEFT - 6, y: y(0) + 4, class: 'axis-label', 'text-anchor': 'end' }, '0'),
    bars,
    labels,
  )
}

export function journalChart(days: readonly DayTotals[]): HTMLElement {
  const exchanges = days.reduce((sum, d) => sum + d.exchanges, 0)
  const acknowledged = days.reduce((sum, d) => sum + d.acknowledged, 0)
  const orders = days.reduce((sum, d) => sum + d.orders, 0)
  const summary = `За ${days.length} дней: ${count(exchanges, EXCHANGES)}, из них 1С подтвердила ${acknowledged.toLocaleString('ru-RU')}; ${count(orders, ORDERS)} отправлено.`
  return h(
    'figure',
    { class: 'journal-chart' },
    h('figcaption', null, summary),
    h('h3', { class: 'chart-title' }, 'Обмены в день'),
    barChart(days, {
      title: 'Обмены в день: подтверждённые 1С и неподтверждённые',
      parts: (d) => [
        [d.acknowledged, 'bar-acknowledged'],
        [d.exchanges - d.acknowledged, 'bar-unacknowledged'],
      ],
      describe: (d) => `${count(d.exchanges, EXCHANGES)}, подтверждено ${d.acknowledged}`,
    }),
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'swatch bar-acknowledged' }),
      ' подтверждены 1С ',
      h('span', { class: 'swatch bar-unacknowledged' }),
      ' без подтверждения',
    ),
    h('h3', { class: 'chart-title' }, 'Заказы в день'),
    barChart(days, { title: 'Заказы, отправленные в 1С, по дням', parts: (d) => [[d.orders, 'bar-orders']], describe: (d) => count(d.orders, ORDERS) }),
  )
}
