/** What the service wrote into index.html for this page (src/console/console.plugin.ts renderIndex). */

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? ''
}

export interface PageConfig {
  /** Where the console is served, e.g. `/admin`. */
  base: string
  /** The exchange URL to enter in 1C («Обмен с сайтом» → адрес сайта). */
  exchangeUrl: string
  /** A developer's machine (the embedded demo): the sign-in screen shows how to mint a token. */
  devHints: boolean
  /** RETENTION_EMPTY_POLLS in seconds: how far back the journal still lists exchanges that carried no order. */
  emptyPollsKeptSeconds: number | null
}

export function readPageConfig(): PageConfig {
  const emptyPollsKeptSeconds = Number(meta('olvery-empty-polls-kept-seconds'))
  return {
    base: meta('olvery-console-base').replace(/\/+$/, ''),
    exchangeUrl: new URL(meta('olvery-exchange-url') || '/1c_exchange', window.location.origin).href,
    devHints: meta('olvery-dev-hints') === 'true',
    emptyPollsKeptSeconds: emptyPollsKeptSeconds > 0 ? emptyPollsKeptSeconds : null,
  }
}
