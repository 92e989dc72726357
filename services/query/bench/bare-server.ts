/**
 * The benchmark's baseline: a bare fastify route at the query service's path that answers the same
 * JSON body (given in BARE_BODY) with nothing behind it: no token check, no cache, no database.
 * Started by `query-bench.ts` as its own process; prints its port on stdout once listening, ends on
 * SIGTERM.
 */
import fastify from 'fastify';

const body = JSON.parse(process.env['BARE_BODY'] ?? '{}') as unknown;
const app = fastify({ logger: false });
app.get('/v1/devices/:deviceId', async () => body);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address !== null ? address.port : ''}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
