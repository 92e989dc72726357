/**
 * Query benchmark (a script, not a test): latency and throughput of `GET /v1/devices/{deviceId}` at a
 * fixed request rate, next to a bare fastify route answering the same JSON, measured the same way in
 * the same run.
 *
 * It starts the real query process (src/main.ts) twice on 127.0.0.1 against real Kafka, PostgreSQL
 * and Redis, with a fresh database and fresh topics: once with Redis (the cached path), once with
 * Redis pointed at a closed port (every answer from PostgreSQL, as during a Redis outage). The device
 * is claimed through catalog.v1 as in production; its inventory (slots, 28 days of use, orders,
 * subscriptions, registration) is written into the projector's tables, created from the projector's
 * migration files. autocannon drives each server at BENCH_RATE requests/s; the script prints a table
 * and stops and deletes everything it started.
 *
 *     KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @restock/query bench
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { mintToken } from '@restock/auth';
import { brokerList, CommonConfig, loadConfig } from '@restock/config';
import { allTopicSpecs, Topics } from '@restock/events';
import { createKafka, createProducer, deleteTopics, ensureTopics, silentLog } from '@restock/kafka';
import { createPool, migrate } from '@restock/postgres';
import { createRedis, deleteByPrefix } from '@restock/redis';
import { Type } from '@sinclair/typebox';
import autocannon from 'autocannon';
import {
  deviceEvent,
  deviceState,
  modelDefined,
  publishCatalog,
  washingMachineModel,
} from '../src/test-support/fixtures.js';
import { projectionRows } from '../src/test-support/projection-rows.js';

const env = loadConfig(
  Type.Object({
    KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
    DATABASE_URL: CommonConfig.DATABASE_URL,
    REDIS_URL: CommonConfig.REDIS_URL,
    /** Requests per second, over all connections. */
    BENCH_RATE: Type.Integer({ default: 500, minimum: 1, maximum: 20_000 }),
    /** Seconds of each measurement. */
    BENCH_DURATION_S: Type.Integer({ default: 10, minimum: 1, maximum: 120 }),
    /** Seconds of unreported warm-up before each measurement. */
    BENCH_WARMUP_S: Type.Integer({ default: 2, minimum: 0, maximum: 30 }),
    BENCH_CONNECTIONS: Type.Integer({ default: 20, minimum: 1, maximum: 512 }),
  }),
);
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
// The projector's own migration files, applied by path: the benchmark needs its tables, not its code.
const projectorMigrationsDir = fileURLToPath(
  new URL('../../inventory-projector/src/store/migrations', import.meta.url),
);
const suffix = randomBytes(4).toString('hex');
const SECRET = `query-bench-secret-${randomBytes(16).toString('hex')}`;
const say = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface Measurement {
  target: string;
  result: autocannon.Result;
}

const started: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  const brokers = brokerList(env.KAFKA_BROKERS);
  const kafka = createKafka({ brokers, clientId: `query-bench-${suffix}`, log: silentLog });

  // A fresh database, dropped at the end.
  const server = new URL(env.DATABASE_URL);
  const adminUrl = new URL(server);
  adminUrl.pathname = '/postgres';
  const admin = createPool({ connectionString: adminUrl.toString(), max: 1 });
  const database = `query_bench_${suffix}`;
  await admin.query(`CREATE DATABASE ${database}`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });
  const databaseUrl = new URL(server);
  databaseUrl.pathname = `/${database}`;
  await migrate({ databaseUrl: databaseUrl.toString(), schema: 'projector', dir: projectorMigrationsDir });

  // Fresh topics with the catalogue's settings, deleted at the end.
  const names = {
    catalog: `${Topics.catalog.name}-bench-${suffix}`,
    inventory: `${Topics.inventory.name}-bench-${suffix}`,
    adjustments: `${Topics.adjustments.name}-bench-${suffix}`,
    commands: `${Topics.commands.name}-bench-${suffix}`,
  };
  const specs = allTopicSpecs();
  const spec = (name: string) => specs.find((s) => s.name === name)!;
  const topicSpecs = Object.entries(names).flatMap(([key, name]) => {
    const base = Topics[key as keyof typeof names].name;
    return [
      { ...spec(base), name },
      { ...spec(`${base}.dlq`), name: `${name}.dlq` },
    ];
  });
  await ensureTopics(kafka, topicSpecs, { log: silentLog });
  cleanups.push(() =>
    deleteTopics(
      kafka,
      topicSpecs.map((s) => s.name),
    ).catch(() => {}),
  );

  const redisPrefix = `restock:query-bench-${suffix}:`;
  cleanups.push(async () => {
    const redis = createRedis({ url: env.REDIS_URL, keyPrefix: redisPrefix });
    await deleteByPrefix(redis, '').catch(() => 0);
    redis.disconnect();
  });
  const queryEnv = (name: string, redisUrl: string) => ({
    OTEL_SERVICE_NAME: `query-bench-${name}`,
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisUrl,
    QUERY_REDIS_PREFIX: redisPrefix,
    QUERY_CATALOG_TOPIC: names.catalog,
    QUERY_INVENTORY_TOPIC: names.inventory,
    QUERY_ADJUSTMENTS_TOPIC: names.adjustments,
    QUERY_COMMANDS_TOPIC: names.commands,
    QUERY_CATALOG_GROUP: `query-bench-catalog-${name}-${suffix}`,
    AUTH_HMAC_SECRET: SECRET,
  });

  // The real query process, with Redis; then a second one on the same database whose Redis is down.
  // One at a time: both apply the same migrations at start.
  const cachedPort = await freePort();
  startProcess('query', queryArgs(), { ...queryEnv('cached', env.REDIS_URL), QUERY_PORT: String(cachedPort) });
  const cachedUrl = `http://127.0.0.1:${cachedPort}`;
  await waitUntil(
    async () => (await fetch(`${cachedUrl}/health/ready`).catch(() => undefined))?.status === 200,
    60_000,
  );
  const uncachedPort = await freePort();
  startProcess('query-no-redis', queryArgs(), {
    ...queryEnv('uncached', 'redis://127.0.0.1:1'),
    QUERY_PORT: String(uncachedPort),
  });
  const uncachedUrl = `http://127.0.0.1:${uncachedPort}`;
  await waitUntil(
    async () => (await fetch(`${uncachedUrl}/health/ready`).catch(() => undefined))?.status === 200,
    60_000,
  );
  say(`query ready at ${cachedUrl} (Redis) and ${uncachedUrl} (Redis down)`);

  // A US washing machine claimed through catalog.v1, with a month of history in the projection.
  const pool = createPool({ connectionString: databaseUrl.toString(), max: 2 });
  const rows = projectionRows(pool);
  const deviceId = `bench-washer-${suffix}`;
  const modelId = `BENCH-${suffix}`;
  const customerId = `bench-customer-${suffix}`;
  const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  await rows.slot(deviceId, 'detergent', { unitType: 'volume', capacity: 3000, level: 1200, spareStock: 500 });
  await rows.slot(deviceId, 'softener', { unitType: 'volume', capacity: 1500, level: 900 });
  for (let offset = 0; offset < 28; offset++) {
    await rows.daily(deviceId, 'detergent', day(offset), 80 + (offset % 5) * 10);
    await rows.daily(deviceId, 'softener', day(offset), 20 + (offset % 3) * 5);
  }
  for (let i = 0; i < 10; i++) {
    await rows.order(deviceId, `bench-order-${i}`, {
      slotId: i % 2 === 0 ? 'detergent' : 'softener',
      state: i === 0 ? 'shipped' : 'arrived',
      quantity: 2000,
      placedAt: new Date(Date.now() - (i * 9 + 2) * 86_400_000),
      estimatedDeliveryAt: new Date(Date.now() + (i === 0 ? 2 : -i * 9) * 86_400_000),
    });
  }
  await rows.subscription(deviceId, 'detergent', true, 'B000DET001');
  await rows.subscription(deviceId, 'softener', true, 'B000SOF001');
  await rows.registration(deviceId, new Date(Date.now() - 30 * 86_400_000));
  await pool.end();
  const producer = createProducer(kafka, { log: silentLog });
  await producer.connect();
  await publishCatalog(producer, names.catalog, [
    modelDefined(washingMachineModel(modelId)),
    deviceEvent('DeviceClaimed', deviceState(deviceId, modelId, 'US', customerId)),
  ]);
  await producer.disconnect();

  const token = await mintToken({
    hmacSecret: SECRET,
    issuer: 'restock-local',
    audience: 'restock',
    subject: customerId,
    ttlSec: 3600,
  });
  const headers = { authorization: `Bearer ${token}` };
  const path = `/v1/devices/${deviceId}`;
  for (const url of [cachedUrl, uncachedUrl]) {
    await waitUntil(async () => (await fetch(`${url}${path}`, { headers })).status === 200, 30_000);
  }
  const answer = await (await fetch(`${cachedUrl}${path}`, { headers })).text();
  say(`device claimed through catalog.v1; the answer is ${answer.length} bytes`);

  // The bare route in its own process too, so every server gets the same share of the machine.
  const bare = startProcess('bare', ['--import', 'tsx', 'bench/bare-server.ts'], { BARE_BODY: answer });
  const bareUrl = `http://127.0.0.1:${await portPrintedBy(bare)}`;

  const measurements: Measurement[] = [];
  for (const [target, url] of [
    ['bare fastify (same JSON)', bareUrl],
    ['query (Redis cache)', cachedUrl],
    ['query (Redis down: PostgreSQL)', uncachedUrl],
  ] as const) {
    if (env.BENCH_WARMUP_S > 0) await drive(url + path, headers, env.BENCH_WARMUP_S);
    const result = await drive(url + path, headers, env.BENCH_DURATION_S);
    measurements.push({ target, result });
    say(`${target}: ${(result['2xx'] / result.duration).toFixed(0)} answers/s`);
  }
  const cacheLines = (await (await fetch(`${cachedUrl}/metrics`)).text())
    .split('\n')
    .filter((line) => line.startsWith('query_cache_lookups_total') && line.includes('view="record"'));

  for (const child of [...started]) await stopProcess(child);
  printTable(measurements);
  const outcomes = cacheLines
    .map((line) => `${/outcome="(\w+)"/.exec(line)?.[1]} ${line.split(' ').at(-1)}`)
    .join(', ');
  process.stdout.write(
    `\nGET ${path.replace(deviceId, '{deviceId}')}, ${answer.length}-byte answer (2 slots, 28 days of use, 10 orders); ` +
      `${env.BENCH_RATE} req/s offered over ${env.BENCH_CONNECTIONS} connections for ${env.BENCH_DURATION_S} s ` +
      `after ${env.BENCH_WARMUP_S} s of warm-up; latency corrected for coordinated omission.\n` +
      `Cache lookups of the cached process (warm-ups and probes included): ${outcomes || 'not reported'}\n`,
  );
}

function queryArgs(): string[] {
  return ['--import', 'tsx', '--import', '@restock/telemetry/register', 'src/main.ts'];
}

async function drive(url: string, headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'GET',
    headers,
    connections: env.BENCH_CONNECTIONS,
    duration: seconds,
    overallRate: env.BENCH_RATE,
  });
}

function printTable(measurements: Measurement[]): void {
  const rows = measurements.map((m) => [
    m.target,
    String(env.BENCH_RATE),
    (m.result['2xx'] / m.result.duration).toFixed(1),
    m.result.latency.p50.toFixed(2),
    m.result.latency.p90.toFixed(2),
    m.result.latency.p99.toFixed(2),
    m.result.latency.max.toFixed(2),
    String(m.result.non2xx + m.result.errors + m.result.timeouts),
  ]);
  const header = ['server', 'offered/s', 'answered/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'failed'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

function startProcess(name: string, args: string[], extraEnv: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: serviceDir,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk.toString()}`));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) say(`${name} exited with code ${code}`);
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function portPrintedBy(child: ChildProcess): Promise<number> {
  let seen = '';
  for await (const chunk of child.stdout!) {
    seen += String(chunk);
    const match = /listening (\d+)/.exec(seen);
    if (match) return Number(match[1]);
  }
  throw new Error('the bare server exited before listening');
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > until) throw new Error(`gave up after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  await main();
} catch (error) {
  say(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  for (const child of started) await stopProcess(child);
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => say(`cleanup failed: ${String(error)}`));
}
