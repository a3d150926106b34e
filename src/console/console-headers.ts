/**
 * The security headers of every console response. The console is a static page and ES modules served by this
 * service: it runs no inline script or style, loads nothing from another origin, and talks to `/api/v1` only, so the
 * Content-Security-Policy can allow `'self'` and nothing else. Framing is refused unless CONSOLE_FRAME_ANCESTORS names
 * the platform's origins. Trusted Types are required with no policy at all: the console never turns a string into
 * markup, so any `innerHTML` would throw instead of becoming an injection.
 */
import type { Config } from '../config.js'

function contentSecurityPolicy(frameAncestors: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ')
}

export function consoleSecurityHeaders(config: Pick<Config, 'consoleFrameAncestors'>): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(config.consoleFrameAncestors),
    'x-content-type-options': 'nosniff',
    // The page's URL may name an integration; a token never is in it (the fragment is removed at once).
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  }
  // Browsers that predate frame-ancestors read this one; it cannot list origins, so it is sent only when none may frame.
  if (config.consoleFrameAncestors.length === 0) headers['x-frame-options'] = 'DENY'
  return headers
}
