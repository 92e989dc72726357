import { randomUUID } from 'node:crypto';
import { SpanKind, trace } from '@opentelemetry/api';
import { createCodec, type InventoryChanged, Topics } from '@restock/events';
import { createProducer, silentLog } from '@restock/kafka';
import { createTestKafka, createTestTopics, readTopic, testBrokers, testSuffix } from '@restock/kafka/testing';
import { createTestDatabase } from '@restock/postgres/testing';
import { installInMemoryTracing } from '@restock/telemetry/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProjector } from './app.js';
import { WASHER } from './test-support/history.js';
import { migrateProjection } from './test-support/projection.js';

const kafka = createTestKafka('projector-tracing');
const producer = createProducer(kafka, { log: silentLog });
const db = await createTestDatabase();
const topics = await createTestTopics(kafka);
await producer.connect();
afterAll(async () => {
  await producer.disconnect();
});

const stamp = (iso: string) => ({ occurredAt: iso, recordedAt: iso, source: 'test', version: 1 as const });

describe('the projector’s tracing', () => {
  it('publishes InventoryChanged in the process span of the consumption that changed the slot, linked to its producer', async () => {
    const tracing = installInMemoryTracing();
    const schema = `p_${testSuffix()}`;
    await migrateProjection(db.url, schema);
    const projector = buildProjector(
      { pool: db.pool, kafka, producer, log: silentLog, clock: () => new Date(), databaseUrl: db.url },
      {
        KAFKA_BROKERS: testBrokers().join(','),
        DATABASE_URL: db.url,
        LOG_LEVEL: 'silent',
        PORT: 0,
        HOST: '127.0.0.1',
        DB_SCHEMA: schema,
        GROUP_ID: `projector-${testSuffix()}`,
        TOPIC_CATALOG: topics['catalog.v1']!,
        TOPIC_CONSUMPTION: topics['consumption.v1']!,
        TOPIC_ORDERS: topics['orders.v1']!,
        TOPIC_SUBSCRIPTIONS: topics['subscriptions.v1']!,
        TOPIC_ADJUSTMENTS: topics['adjustments.v1']!,
        TOPIC_INVENTORY: topics['inventory.v1']!,
        DELIVERY_INTERVAL_MS: 60_000,
        CONSUMER_SESSION_TIMEOUT_MS: 6_000,
        PARTITIONS_CONCURRENTLY: 2,
      },
    );
    const deviceId = `dev-${testSuffix()}`;
    const catalog = createCodec(Topics.catalog);
    await producer.publish(
      catalog,
      [
        {
          id: randomUUID(),
          type: 'DeviceModelDefined',
          key: `model:${WASHER.modelId}`,
          ...stamp('2026-03-01T00:00:00Z'),
          data: WASHER,
        },
        {
          id: randomUUID(),
          type: 'DeviceProvisioned',
          deviceId,
          ...stamp('2026-03-01T00:00:00Z'),
          data: {
            deviceId,
            modelId: WASHER.modelId,
            serialNumber: 'SN1',
            marketplace: 'US',
            customerId: 'c1',
            credentialHash: null,
            credentialRevision: 0,
            testDevice: false,
            provisionedAt: '2026-03-01T00:00:00Z',
          },
        },
      ] as never[],
      topics['catalog.v1']!,
    );
    await projector.start();
    const changesOfDevice = async (timeoutMs: number) =>
      (await readTopic(kafka, topics['inventory.v1']!, 100, timeoutMs))
        .map((m) => ({
          event: JSON.parse(m.value?.toString() ?? '{}') as InventoryChanged,
          traceparent: m.headers?.['traceparent']?.toString(),
        }))
        .filter((c) => c.event.deviceId === deviceId && c.event.data.slotId === 'detergent');
    try {
      // The catalogue first (its own slot state out), so the consumption's batch is the one that changes the slot.
      const until = Date.now() + 60_000;
      while ((await changesOfDevice(1_000)).length === 0 && Date.now() < until);
      // Ingest's side: its request span is active while the report is published.
      await trace.getTracer('test').startActiveSpan('ingest request', async (span) => {
        await producer.publish(
          createCodec(Topics.consumption),
          [
            {
              id: randomUUID(),
              type: 'ConsumptionReported',
              deviceId,
              ...stamp('2026-03-01T10:00:00Z'),
              data: {
                slotId: 'detergent',
                quantity: 500,
                unit: 'ml',
                reported: { quantity: 0.5, unit: 'l' },
                sequence: 1,
              },
            },
          ] as never[],
          topics['consumption.v1']!,
        );
        span.end();
      });
      const ingest = tracing.spans().find((s) => s.name === 'ingest request')!;
      let change: Awaited<ReturnType<typeof changesOfDevice>>[number] | undefined;
      while (!change && Date.now() < until) {
        change = (await changesOfDevice(2_000)).find((c) => c.event.data.level === 1500);
      }
      expect(change, 'the InventoryChanged of the consumption').toBeDefined();
      const process = tracing
        .spans()
        .find(
          (s) =>
            s.kind === SpanKind.CONSUMER &&
            s.attributes['messaging.destination.name'] === topics['consumption.v1'] &&
            s.links.some((l) => l.context.spanId === ingest.spanContext().spanId),
        );
      expect(process, 'the projector’s process span, linked to the producer’s').toBeDefined();
      const [, traceId, parentId] = change?.traceparent?.split('-') ?? [];
      expect(traceId).toBe(process?.spanContext().traceId);
      expect(parentId).toBe(process?.spanContext().spanId);
    } finally {
      await projector.stop();
      await tracing.shutdown();
    }
  }, 120_000);
});
