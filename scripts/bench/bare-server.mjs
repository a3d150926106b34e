// The ceiling of `npm run bench`, section 3: the same Fastify as the service, one route answering `success\n` to any
// GET, no logging, no database. Plain JavaScript run by plain node, as the service runs from dist/.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/*', async (_request, reply) => reply.type('text/plain; charset=UTF-8').send('success\n'))
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
