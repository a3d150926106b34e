/**
 * pino, JSON lines by default and pretty only when a person watches a terminal. Secrets are redacted wherever they
 * can appear: request headers (Basic credentials, session cookies), passwords and tokens in logged objects.
 */
import { createRequire } from 'node:module'
import { pino, type BaseLogger, type Bindings, type Logger, type LoggerOptions } from 'pino'
import type { Config } from './config.js'

/**
 * What the modules log through: pino's levels and `child`. A pino logger is one, and so are Fastify's app and request
 * loggers (pino underneath, typed by Fastify as its own base logger), so neither needs a cast to the other.
 */
export type Log = Pick<BaseLogger, 'level' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'> & {
  child(bindings: Bindings): Log
}

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
  'token',
  '*.token',
  'cookie',
  '*.cookie',
  'sessid',
  '*.sessid',
]

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty')
    return true
  } catch {
    return false // production images install no dev dependencies
  }
}

function loggerOptions(config: Pick<Config, 'logLevel'>, isTty = Boolean(process.stdout.isTTY)): LoggerOptions {
  const options: LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
  if (isTty && prettyAvailable()) {
    options.transport = { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }
  }
  return options
}

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  if (destination) return pino(loggerOptions(config, false), destination)
  return pino(loggerOptions(config))
}
