/**
 * Counts the statements a process sends to PostgreSQL: a TCP proxy in front of the server that reads the frontend
 * side of the protocol and counts each simple Query ('Q': BEGIN, COMMIT, an unparameterised statement) and each
 * Execute ('E': a statement of the extended protocol, prepared or not). The service is pointed at the proxy by its
 * DATABASE_URL and knows nothing of it, so what is counted is exactly what it sends as deployed.
 */
import net from 'node:net'

/** PostgreSQL's SSLRequest and GSSENCRequest codes: an untyped message answered by one byte, then the startup. */
const NEGOTIATION_CODES = new Set([80877103, 80877104])

export interface StatementCounter {
  /** The server's URL with the proxy's host and port in place of the server's. */
  url: string
  /** Statements sent since the start or the last `reset`. */
  count(): number
  reset(): void
  close(): Promise<void>
}

export async function startStatementCounter(serverUrl: string): Promise<StatementCounter> {
  const target = new URL(serverUrl)
  let statements = 0
  const sockets = new Set<net.Socket>()
  const proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(server)
    client.setNoDelay(true)
    server.setNoDelay(true)
    let pending: Buffer = Buffer.alloc(0)
    let started = false
    client.on('data', (data: Buffer) => {
      server.write(data)
      pending = pending.length ? Buffer.concat([pending, data]) : data
      for (;;) {
        if (!started) {
          if (pending.length < 8) break
          const length = pending.readInt32BE(0)
          if (pending.length < length) break
          started = !NEGOTIATION_CODES.has(pending.readInt32BE(4))
          pending = pending.subarray(length)
          continue
        }
        if (pending.length < 5) break
        const length = pending.readInt32BE(1)
        if (pending.length < 1 + length) break
        const type = pending[0]
        if (type === 0x51 /* Q */ || type === 0x45 /* E */) statements++
        pending = pending.subarray(1 + length)
      }
    })
    server.on('data', (data: Buffer) => client.write(data))
    const end = () => {
      client.destroy()
      server.destroy()
      sockets.delete(client)
      sockets.delete(server)
    }
    client.on('close', end).on('error', end)
    server.on('close', end).on('error', end)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const url = new URL(serverUrl)
  url.hostname = '127.0.0.1'
  url.port = String((proxy.address() as net.AddressInfo).port)
  return {
    url: url.toString(),
    count: () => statements,
    reset: () => {
      statements = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        proxy.close(() => resolve())
      }),
  }
}
