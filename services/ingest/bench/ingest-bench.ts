/**
 * Ingest benchmark (a script, not a test): accepted reports per second for single reports and for
 * batches of 100, next to a bare fastify route measured in the same run.
 *
 * It starts the real ingest process (src/main.ts) on 127.0.0.1 against real Kafka ($KAFKA_BROKERS),
 * a fresh database and fresh topics, provisions a device through the catalog topic as production
 * does, drives both servers with autocannon (unique event ids in every request), prints a table, and
 * stops and deletes everything it started. Every run is bounded: BENCH_DURATION_S per measurement.
 *
 *     KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @restock/ingest bench
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { brokerList, CommonConfig, loadConfig } from '@restock/config';
import { allTopicSpecs, Topics } from '@restock/events';
import { createKafka, createProducer, deleteTopics, ensureTopics, silentLog } from '@restock/kafka';
import { createPool } from '@restock/postgres';
import { Type } from '@sinclair/typebox';
import autocannon from 'autocannon';
import {
  deviceEvent,
  modelDefined,
  newDevice,
  publishCatalog,
  washingMachineModel,
} from '../src/test-support/catalog-fixtures.js';

const env = loadConfig(
  Type.Object({
    KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
    DATABASE_URL: CommonConfig.DATABASE_URL,
    REDIS_URL: CommonConfig.REDIS_URL,
    /** Seconds of each measurement. */
    BENCH_DURATION_S: Type.Integer({ default: 10, minimum: 1, maximum: 120 }),
    /** Seconds of unreported warm-up before each measurement. */
    BENCH_WARMUP_S: Type.Integer({ default: 2, minimum: 0, maximum: 30 }),
    BENCH_CONNECTIONS: Type.Integer({ default: 32, minimum: 1, maximum: 512 }),
  }),
);
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const suffix = randomBytes(4).toString('hex');
const say = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface Measurement {
  target: 'ingest' | 'bare fastify';
  shape: string;
  reportsPerRequest: number;
  result: autocannon.Result;
}

const started: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  const brokers = brokerList(env.KAFKA_BROKERS);
  const kafka = createKafka({ brokers, clientId: `ingest-bench-${suffix}`, log: silentLog });

  // A fresh database, dropped at the end.
  const server = new URL(env.DATABASE_URL);
  const adminUrl = new URL(server);
  adminUrl.pathname = '/postgres';
  const admin = createPool({ connectionString: adminUrl.toString(), max: 1 });
  const database = `ingest_bench_${suffix}`;
  await admin.query(`CREATE DATABASE ${database}`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });
  const databaseUrl = new URL(server);
  databaseUrl.pathname = `/${database}`;

  // Fresh topics with the catalogue's partitions, deleted at the end.
  const catalogTopic = `${Topics.catalog.name}-bench-${suffix}`;
  const consumptionTopic = `${Topics.consumption.name}-bench-${suffix}`;
  const specs = allTopicSpecs();
  const spec = (name: string) => specs.find((s) => s.name === name)!;
  const topicSpecs = [
    { ...spec(Topics.catalog.name), name: catalogTopic },
    { ...spec(`${Topics.catalog.name}.dlq`), name: `${catalogTopic}.dlq` },
    { ...spec(Topics.consumption.name), name: consumptionTopic },
  ];
  await ensureTopics(kafka, topicSpecs, { log: silentLog });
  cleanups.push(() =>
    deleteTopics(
      kafka,
      topicSpecs.map((s) => s.name),
    ).catch(() => {}),
  );

  // The real ingest process.
  const ingestPort = await freePort();
  const ingest = startProcess('ingest', ['--import', 'tsx', '--import', '@restock/telemetry/register', 'src/main.ts'], {
    OTEL_SERVICE_NAME: 'ingest-bench',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: env.REDIS_URL,
    INGEST_PORT: String(ingestPort),
    INGEST_CATALOG_TOPIC: catalogTopic,
    INGEST_CONSUMPTION_TOPIC: consumptionTopic,
    INGEST_CATALOG_GROUP: `ingest-bench-${suffix}`,
    // The benchmark measures throughput, not the per-device limit.
    INGEST_RATE_LIMIT_MAX: String(1_000_000_000),
  });
  const ingestUrl = `http://127.0.0.1:${ingestPort}`;
  await waitUntil(
    async () => (await fetch(`${ingestUrl}/health/ready`).catch(() => undefined))?.status === 200,
    60_000,
  );
  say(`ingest ready at ${ingestUrl}`);

  // The bare route, in its own process too, so both servers get the same share of the machine.
  const bare = startProcess('bare', ['--import', 'tsx', 'bench/bare-server.ts'], {});
  const barePort = await portPrintedBy(bare);
  const bareUrl = `http://127.0.0.1:${barePort}`;

  // A device, provisioned through the catalog topic.
  const device = newDevice(`bench-${suffix}`, `BENCH-${suffix}`);
  const producer = createProducer(kafka, { log: silentLog });
  await producer.connect();
  await publishCatalog(producer, catalogTopic, [
    modelDefined(washingMachineModel(`BENCH-${suffix}`)),
    deviceEvent('DeviceProvisioned', device.state),
  ]);
  await producer.disconnect();
  const path = `/v1/devices/${device.state.deviceId}/reports`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${device.credential}` };
  await waitUntil(async () => {
    const probe = await fetch(`${ingestUrl}${path}`, { method: 'POST', headers, body: body(1) });
    return probe.status === 202;
  }, 30_000);
  say('device provisioned through the catalog topic; measuring');

  const measurements: Measurement[] = [];
  let promised = 1; // the probe
  for (const [shape, reportsPerRequest] of [
    ['single report', 1],
    ['batch of 100', 100],
  ] as const) {
    for (const [target, url] of [
      ['bare fastify', bareUrl],
      ['ingest', ingestUrl],
    ] as const) {
      if (env.BENCH_WARMUP_S > 0) {
        const warm = await drive(url + path, headers, reportsPerRequest, env.BENCH_WARMUP_S);
        if (target === 'ingest') promised += warm['2xx'] * reportsPerRequest;
      }
      const result = await drive(url + path, headers, reportsPerRequest, env.BENCH_DURATION_S);
      if (target === 'ingest') promised += result['2xx'] * reportsPerRequest;
      measurements.push({ target, shape, reportsPerRequest, result });
      say(`${target}, ${shape}: ${Math.round(result['2xx'] / result.duration)} accepted requests/s`);
    }
  }

  await stopProcess(ingest);
  await stopProcess(bare);
  // Exactly once: the topic holds one record per recorded event id, and every 202 was recorded.
  const db = createPool({ connectionString: databaseUrl.toString(), max: 1 });
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ingest.accepted_events');
  await db.end();
  const recorded = rows[0]?.n ?? 0;
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const offsets = await kafkaAdmin.fetchTopicOffsets(consumptionTopic);
  await kafkaAdmin.disconnect();
  const inTopic = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);

  printTable(measurements);
  process.stdout.write(
    `\nconsumption topic: ${inTopic} records; ingest recorded ${recorded} event ids; 202s covered ${promised} reports ` +
      `(warm-ups and probe included; requests in flight when autocannon stopped were accepted unseen)\n` +
      `${env.BENCH_CONNECTIONS} connections, ${env.BENCH_DURATION_S} s per measurement after ${env.BENCH_WARMUP_S} s of warm-up; ` +
      `Kafka ${env.KAFKA_BROKERS}, consumption topic with ${spec(Topics.consumption.name).partitions} partitions\n`,
  );
}

let sequence = 0;
function body(reports: number): string {
  const at = new Date().toISOString();
  const one = () => {
    sequence++;
    return {
      eventId: randomUUID(),
      slotId: 'detergent',
      type: 'consumed',
      quantity: 1.5,
      unit: 'fl oz',
      occurredAt: at,
      sequence,
    };
  };
  return JSON.stringify(reports === 1 ? one() : { reports: Array.from({ length: reports }, one) });
}

async function drive(
  url: string,
  headers: Record<string, string>,
  reportsPerRequest: number,
  seconds: number,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers,
    connections: env.BENCH_CONNECTIONS,
    duration: seconds,
    // Every request carries fresh event ids, so ingest publishes each instead of calling it a duplicate.
    requests: [{ setupRequest: (request) => ({ ...request, body: body(reportsPerRequest) }) }],
  });
}

function printTable(measurements: Measurement[]): void {
  const bareReports = new Map(
    measurements.filter((m) => m.target === 'bare fastify').map((m) => [m.shape, reportsPerSecond(m)]),
  );
  const rows = measurements.map((m) => {
    const perSecond = m.result['2xx'] / m.result.duration;
    const bare = bareReports.get(m.shape) ?? 0;
    return [
      m.shape,
      m.target,
      perSecond.toFixed(0),
      reportsPerSecond(m).toFixed(0),
      m.result.latency.p50.toFixed(1),
      m.result.latency.p99.toFixed(1),
      m.target === 'ingest' && bare > 0 ? `${(reportsPerSecond(m) / bare).toFixed(3)}` : '1',
      String(m.result.non2xx + m.result.errors),
    ];
  });
  const header = ['shape', 'server', 'requests/s', 'reports/s', 'p50 ms', 'p99 ms', 'x bare', 'failed'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

function reportsPerSecond(m: Measurement): number {
  return (m.result['2xx'] * m.reportsPerRequest) / m.result.duration;
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
