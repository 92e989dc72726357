/**
 * Projector benchmark (a script, never a test). Pre-fills a fresh consumption topic with
 * BENCH_EVENTS ConsumptionReported events (default 1,000,000) over BENCH_DEVICES devices, then in the
 * same run measures: a bare kafkajs consumer reading the topic (the ceiling), the projector applying
 * it (events/s), and a rebuild of the projection from the log. Prints a table and writes JSON to
 * bench-results/. Needs the local Kafka and PostgreSQL (`npm run infra:up`).
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { brokerList } from '@restock/config';
import { allTopicSpecs, type ConsumptionReported, createCodec, Topics } from '@restock/events';
import {
  createKafka,
  createProducer,
  deleteTopics,
  ensureTopics,
  measureBareConsumer,
  silentLog,
  topicEndOffsets,
} from '@restock/kafka';
import { createPool } from '@restock/postgres';
import cliProgress from 'cli-progress';
import pg from 'pg';
import { buildProjector } from '../src/app.js';
import type { ProjectorConfig } from '../src/config.js';
import { rebuildProjection } from '../src/rebuild.js';
import { migrateProjection } from '../src/test-support/projection.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/restock';
const suffix = randomBytes(4).toString('hex');
const dbName = `restock_bench_${suffix}`;

const kafka = createKafka({ brokers: brokerList(brokers), clientId: 'projector-bench', log: silentLog });
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = Object.assign(new URL(server), { pathname: `/${dbName}` }).toString();
const pool = createPool({ connectionString: dbUrl, max: 8 });
const names = Object.fromEntries(allTopicSpecs().map((s) => [s.name, `${s.name}-bench-${suffix}`]));
const specs = allTopicSpecs().map((s) => ({ ...s, name: names[s.name] ?? s.name }));
const bar = (label: string, total: number) => {
  const b = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(10)} |{bar}| {percentage}% | {value}/{total} | {rate}/s | ETA {eta}s`,
      // In a log (no terminal) the bar still prints a line every few seconds.
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  b.start(total, 0, { rate: 0 });
  return b;
};

try {
  await ensureTopics(kafka, specs, { log: silentLog });
  const topic = names['consumption.v1']!;
  const codec = createCodec(Topics.consumption);
  const producer = createProducer(kafka, { log: silentLog });
  await producer.connect();

  // 1. Fill the topic.
  const fill = bar('filling', EVENTS);
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const fillStart = performance.now();
  for (let i = 0; i < EVENTS; i += 5_000) {
    const messages = [];
    for (let j = i; j < Math.min(EVENTS, i + 5_000); j++) {
      const at = new Date(t0 + j * 1_000).toISOString();
      const deviceId = `dev-${j % DEVICES}`;
      const event: ConsumptionReported = {
        id: crypto.randomUUID(),
        type: 'ConsumptionReported',
        version: 1,
        deviceId,
        occurredAt: at,
        recordedAt: at,
        source: 'bench',
        data: { slotId: 'pods', quantity: 1, unit: 'count', reported: { quantity: 1, unit: 'pods' }, sequence: j },
      };
      messages.push({ topic, key: deviceId, value: codec.encode(event), headers: { 'event-id': event.id } });
    }
    await producer.sendMessages(messages);
    fill.update(Math.min(EVENTS, i + 5_000), {
      rate: Math.round((i + 5_000) / ((performance.now() - fillStart) / 1000)),
    });
  }
  fill.stop();

  // 2. The ceiling: a bare kafkajs consumer of the same topic.
  const bareSeconds = await measureBareConsumer(kafka, topic, EVENTS);

  // 3. The projector.
  const config: ProjectorConfig = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: dbUrl,
    LOG_LEVEL: 'warn',
    PORT: 0,
    HOST: '127.0.0.1',
    DB_SCHEMA: 'projector',
    GROUP_ID: `bench-${suffix}`,
    TOPIC_CATALOG: names['catalog.v1']!,
    TOPIC_CONSUMPTION: topic,
    TOPIC_ORDERS: names['orders.v1']!,
    TOPIC_SUBSCRIPTIONS: names['subscriptions.v1']!,
    TOPIC_ADJUSTMENTS: names['adjustments.v1']!,
    TOPIC_INVENTORY: names['inventory.v1']!,
    DELIVERY_INTERVAL_MS: 60_000,
    CONSUMER_SESSION_TIMEOUT_MS: 30_000,
    PARTITIONS_CONCURRENTLY: 2,
  };
  await migrateProjection(dbUrl, 'projector');
  const projector = buildProjector(
    { pool, kafka, producer, log: silentLog, clock: () => new Date(), databaseUrl: dbUrl },
    config,
  );
  const ends = await topicEndOffsets(kafka, [topic]);
  const applied = async () =>
    (
      await pool.query<{ n: number }>(
        `SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM projector.consumer_offsets WHERE group_id = $1 AND topic = $2`,
        [config.GROUP_ID, topic],
      )
    ).rows[0]?.n ?? 0;
  const target = ends.reduce((a, e) => a + e.end, 0);
  const apply = bar('projector', target);
  const projStart = performance.now();
  await projector.start();
  for (let n = 0; n < target; n = Number(await applied())) {
    apply.update(n, { rate: Math.round(n / ((performance.now() - projStart) / 1000)) });
    await new Promise((r) => setTimeout(r, 500));
  }
  const projSeconds = (performance.now() - projStart) / 1000;
  apply.update(target);
  apply.stop();
  await projector.stop();
  const rss = process.memoryUsage().rss;

  // 4. Rebuild from the log.
  const rebuildBar = bar('rebuild', target);
  const rebuild = await rebuildProjection({
    pool,
    kafka,
    databaseUrl: dbUrl,
    config,
    log: silentLog,
    clock: () => new Date(),
    onProgress: (p) => rebuildBar.update(Math.min(p.applied, target), { rate: p.eventsPerSecond }),
  });
  rebuildBar.stop();
  await producer.disconnect();

  const rows = [
    { what: 'bare kafkajs consumer (ceiling)', seconds: bareSeconds, perSecond: EVENTS / bareSeconds },
    { what: 'inventory projector, live', seconds: projSeconds, perSecond: EVENTS / projSeconds },
    { what: 'rebuild (replay + swap)', seconds: rebuild.seconds, perSecond: EVENTS / rebuild.seconds },
  ];
  process.stdout.write(
    `\nprojector benchmark: ${EVENTS} ConsumptionReported events, ${DEVICES} devices, 6 partitions\n`,
  );
  process.stdout.write(
    `${'run'.padEnd(34)}${'seconds'.padStart(10)}${'events/s'.padStart(12)}${'vs ceiling'.padStart(12)}\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${r.what.padEnd(34)}${r.seconds.toFixed(1).padStart(10)}${Math.round(r.perSecond).toString().padStart(12)}${(r.perSecond / (rows[0]?.perSecond ?? 1)).toFixed(3).padStart(12)}\n`,
    );
  }
  process.stdout.write(`peak RSS of the benchmark process: ${(rss / 1024 / 1024).toFixed(0)} MiB\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    `bench-results/projector-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    JSON.stringify({ events: EVENTS, devices: DEVICES, rows, rssBytes: rss }, null, 2),
  );
} finally {
  await pool.end();
  await deleteTopics(
    kafka,
    specs.map((s) => s.name),
  ).catch(() => {});
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
