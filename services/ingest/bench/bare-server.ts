/**
 * The benchmark's baseline: a bare fastify route at ingest's path that parses the same JSON body and
 * answers 202, with nothing behind it. Started by `ingest-bench.ts` as its own process; prints its
 * port on stdout once listening, ends on SIGTERM.
 */
import fastify from 'fastify';

const app = fastify({ logger: false, bodyLimit: 512 * 1024 });
app.post('/v1/devices/:deviceId/reports', async (_request, reply) =>
  reply.code(202).send({ accepted: [], duplicates: [] }),
);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address !== null ? address.port : ''}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
