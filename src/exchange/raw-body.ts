/**
 * Every exchange body as raw bytes (PROTOCOL.md §2, §8: a `file` chunk is never decoded), at most `file_limit` of
 * them, and what happens to a body over it (PROTOCOL.md §3.5: 1C must read `failure\n<reason>`, not a network error).
 *
 * A client such as 1C writes its whole body before it reads the answer. Answering as soon as the body passes the limit
 * and closing the connection would make the rest of its writes fail (a reset or a broken pipe), and 1C would report a
 * network error instead of the limit. So a body over the limit is read on and thrown away, up to
 * `DISCARD_FACTOR × file_limit` in all, before the failure is answered; the answer then closes the connection (Fastify
 * adds `Connection: close` to every parser error). Only a body larger than that bound, or one whose Content-Length
 * already says so, is answered at once: reading on would let a client keep the service busy without end.
 */
import type { FastifyRequest } from 'fastify'
import { errorCodes } from 'fastify'

/** How much of an oversized body is read and discarded before the answer, in `file_limit`s. */
export const DISCARD_FACTOR = 16

type Done = (error: Error | null, body?: Buffer) => void

/** The content-type parser of the exchange (`addContentTypeParser('*', …)`): the body as a Buffer, or a 413-coded error. */
export function rawBodyParser(limitBytes: number): (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done) => void {
  const discardBytes = DISCARD_FACTOR * limitBytes
  return (request, payload, done) => {
    const declared = Number(request.headers['content-length'])
    if (declared > discardBytes) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
    const chunks: Buffer[] = []
    let received = 0
    const finish = (error: Error | null, body?: Buffer) => {
      payload.removeListener('data', onData)
      payload.removeListener('end', onEnd)
      payload.removeListener('error', onError)
      done(error, body)
    }
    const onData = (chunk: Buffer | string) => {
      received += chunk.length
      if (received <= limitBytes) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
      else if (chunks.length > 0) chunks.length = 0 // over the limit: nothing of it is kept
      if (received > discardBytes) {
        payload.pause() // read no further: the answer closes the connection
        finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
      }
    }
    const onEnd = () => {
      if (received > limitBytes) return finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
      if (!Number.isNaN(declared) && declared !== received) return finish(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH())
      finish(null, Buffer.concat(chunks, received))
    }
    const onError = (error: Error & { statusCode?: number }) => {
      // The client went away mid-body: a 4xx of the client's making, never a 500.
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400
      finish(error)
    }
    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', onError)
    payload.resume()
  }
}
