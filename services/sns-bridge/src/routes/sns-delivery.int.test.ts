import { randomUUID } from 'node:crypto';
import { createCodec, type DeviceModelDefined, newEventId, Topics } from '@restock/events';
import { createProducer, silentLog } from '@restock/kafka';
import { deleteByPrefix } from '@restock/redis';
import { buildDrsNotification, type DrsNotification } from '@restock/sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, createBridgeHarness } from '../test-support/bridge-harness.js';

const DRS_INK = 'a0a0a0a0-1111-4222-8333-444455556666';
const ordersCodec = createCodec(Topics.orders);

let bridge: BridgeHarness;

beforeAll(async () => {
  bridge = await createBridgeHarness();
  await bridge.seedDevice({
    deviceId: 'printer-1',
    modelId: 'printer-p100',
    serialNumber: 'PR-0001',
    slots: { black_ink: DRS_INK },
  });
});

function orderPlaced(overrides: Partial<DrsNotification> = {}): DrsNotification {
  return {
    type: 'OrderPlacedNotification',
    version: '2.0',
    notificationId: `amzn1.dash.notification.v1.${randomUUID()}`,
    notificationTime: new Date().toISOString(),
    lwaClientId: null,
    modelId: 'printer-p100',
    serialNumber: 'PR-0001',
    directedCustomerId: 'amzn1.account.AEXAMPLECUSTOMER7Q',
    order: {
      instanceId: `amzn1.dash.v2.o.${randomUUID()}`,
      slotId: DRS_INK,
      products: [{ asin: 'B00INKBLK1', quantity: 1, unit: 'count', estimatedDeliveryDate: '2026-12-01T07:59:59Z' }],
    },
    ...overrides,
  } as DrsNotification;
}

/** The events on orders.v1 made from one DRS notification. */
async function eventsOf(notificationId: string) {
  const topic = bridge.topics['orders.v1']!;
  const records = await bridge.read(topic, await bridge.topicSize(topic));
  return records
    .map((record) => ordersCodec.decode(record.value))
    .filter((event) => 'notificationId' in event.data && event.data.notificationId === notificationId);
}

async function recordedMessages(messageId: string): Promise<number> {
  const { rows } = await bridge.db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${bridge.schema}.sns_messages WHERE message_id = $1`,
    [messageId],
  );
  return rows[0]?.n ?? 0;
}

describe('at-least-once delivery', () => {
  it('publishes once when SNS delivers the same MessageId twice', async () => {
    const notification = orderPlaced();
    const envelope = bridge.notification(buildDrsNotification(notification));
    expect((await bridge.post(envelope)).body).toMatchObject({ outcome: 'published' });
    expect((await bridge.post(envelope)).body).toEqual({ outcome: 'duplicate', of: 'message', via: 'window' });
    expect(await eventsOf(notification.notificationId)).toHaveLength(1);
  });

  it('publishes once when DRS sends the same notificationId again under a new MessageId', async () => {
    const notification = orderPlaced();
    const message = buildDrsNotification(notification);
    expect((await bridge.post(bridge.notification(message))).body).toMatchObject({ outcome: 'published' });
    const again = await bridge.post(bridge.notification(message));
    expect(again).toMatchObject({ status: 200, body: { outcome: 'duplicate', of: 'notification', via: 'window' } });
    expect(await eventsOf(notification.notificationId)).toHaveLength(1);
  });

  it('still de-duplicates through PostgreSQL when the Redis window is lost', async () => {
    const notification = orderPlaced();
    const message = buildDrsNotification(notification);
    const envelope = bridge.notification(message);
    expect((await bridge.post(envelope)).body).toMatchObject({ outcome: 'published' });

    await deleteByPrefix(bridge.redis, '');
    expect((await bridge.post(envelope)).body).toEqual({ outcome: 'duplicate', of: 'message', via: 'record' });
    await deleteByPrefix(bridge.redis, '');
    expect((await bridge.post(bridge.notification(message))).body).toEqual({
      outcome: 'duplicate',
      of: 'notification',
      via: 'record',
    });
    // The record refilled the window (with the notification id): the next retry is answered by Redis again.
    expect((await bridge.post(envelope)).body).toEqual({ outcome: 'duplicate', of: 'notification', via: 'window' });
    expect(await eventsOf(notification.notificationId)).toHaveLength(1);
  });

  it('publishes once when two deliveries of one notification race past the window together', async () => {
    const notification = orderPlaced();
    const envelope = bridge.notification(buildDrsNotification(notification));
    const answers = await Promise.all([bridge.post(envelope), bridge.post(envelope)]);
    expect(answers.map((a) => a.body['outcome']).sort()).toEqual(['duplicate', 'published']);
    expect(await eventsOf(notification.notificationId)).toHaveLength(1);
  });
});

describe('notifications that cannot become an event', () => {
  it('accepts an unknown device, an unknown slot, a Message that is not JSON and an unknown type with 200, one dead letter each with its reason', async () => {
    const dlq = bridge.topics['sns.dlq']!;
    const dlqBefore = await bridge.topicSize(dlq);
    const ordersBefore = await bridge.topicSize(bridge.topics['orders.v1']!);
    const unknownType = JSON.parse(buildDrsNotification(orderPlaced())) as {
      notificationInfo: Record<string, unknown>;
    };
    unknownType.notificationInfo['notificationType'] = 'ItemDeliveredNotification';
    const cases = [
      {
        code: 'BRG_UNKNOWN_DEVICE',
        message: buildDrsNotification(orderPlaced({ serialNumber: 'PR-9999' })),
        reason: 'PR-9999',
      },
      {
        code: 'BRG_UNKNOWN_SLOT',
        message: buildDrsNotification(
          orderPlaced({
            type: 'OrderCancelledNotification',
            version: '1.0',
            order: { instanceId: 'amzn1.dash.v2.o.x', slotId: 'no-such-slot' },
          } as Partial<DrsNotification>),
        ),
        reason: 'no-such-slot',
      },
      { code: 'DRS_NOT_JSON', message: '{"notificationInfo": ', reason: 'not JSON' },
      { code: 'DRS_UNKNOWN_TYPE', message: JSON.stringify(unknownType), reason: 'ItemDeliveredNotification' },
    ];
    const envelopes = [];
    for (const c of cases) {
      const envelope = bridge.notification(c.message);
      envelopes.push(envelope);
      const answer = await bridge.post(envelope);
      expect(answer, c.code).toMatchObject({ status: 200, body: { outcome: 'dead-lettered', code: c.code } });
      expect(String(answer.body['reason']), c.code).toContain(c.reason);
      // SNS retrying it adds nothing.
      expect((await bridge.post(envelope)).body, c.code).toMatchObject({ outcome: 'duplicate' });
    }

    const records = await bridge.read(dlq, dlqBefore + cases.length);
    expect(records).toHaveLength(dlqBefore + cases.length);
    for (const [index, c] of cases.entries()) {
      const envelope = envelopes[index]!;
      const matching = records.filter((r) => r.headers?.['sns-message-id']?.toString() === envelope.MessageId);
      expect(matching, c.code).toHaveLength(1);
      expect(matching[0]?.headers?.['dlq-code']?.toString()).toBe(c.code);
      expect(matching[0]?.headers?.['dlq-reason']?.toString()).toContain(c.reason);
      expect(JSON.parse(matching[0]?.value?.toString() ?? '{}')).toEqual(envelope);
    }
    expect(await bridge.topicSize(bridge.topics['orders.v1']!)).toBe(ordersBefore);
    for (const c of cases) expect(await bridge.counter('sns_bridge.dead_letters', { code: c.code }), c.code).toBe(1);
  });

  it('publishes a notification dead-lettered for an unknown device once DRS sends it again after the device reached the catalog', async () => {
    const notification = orderPlaced({ modelId: 'printer-p100', serialNumber: 'PR-0002' });
    const message = buildDrsNotification(notification);
    expect((await bridge.post(bridge.notification(message))).body).toMatchObject({
      outcome: 'dead-lettered',
      code: 'BRG_UNKNOWN_DEVICE',
    });
    await bridge.seedDevice({
      deviceId: 'printer-2',
      modelId: 'printer-p100',
      serialNumber: 'PR-0002',
      slots: { black_ink: DRS_INK },
    });
    const answer = await bridge.post(bridge.notification(message));
    expect(answer.body).toMatchObject({ outcome: 'published', eventType: 'OrderPlaced' });
    const events = await eventsOf(notification.notificationId);
    expect(events).toHaveLength(1);
    expect(events[0]?.deviceId).toBe('printer-2');
  });
});

describe('the catalog copy', () => {
  it('follows a newer model revision: the new DRS slot id resolves, the replaced one no longer does', async () => {
    const producer = createProducer(bridge.kafka, { log: silentLog });
    await producer.connect();
    const now = new Date().toISOString();
    const revised: DeviceModelDefined = {
      id: newEventId(),
      type: 'DeviceModelDefined',
      version: 1,
      key: 'model:printer-p100',
      occurredAt: now,
      recordedAt: now,
      source: 'test',
      data: {
        modelId: 'printer-p100',
        name: 'Printer P100',
        kind: 'printer',
        slots: [
          {
            slotId: 'black_ink',
            unitType: 'percentage',
            capacity: 100,
            defaultDailyUse: 1,
            replenishmentId: 'b1b1b1b1-new-slot',
            optional: false,
          },
        ],
        marketplaces: {},
        image: null,
        certifiedAt: null,
        revision: 2,
      },
    };
    await producer.publish(createCodec(Topics.catalog), [revised], bridge.topics['catalog.v1']!);
    await producer.disconnect();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await bridge.db.pool.query<{ drs_slot_id: string }>(
        `SELECT drs_slot_id FROM ${bridge.schema}.model_slots WHERE model_id = 'printer-p100'`,
      );
      if (rows.length === 1 && rows[0]?.drs_slot_id === 'b1b1b1b1-new-slot') break;
      if (Date.now() > deadline) throw new Error('the revised model did not reach the catalog copy');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const base = orderPlaced();
    const moved = orderPlaced({
      order: { ...(base as { order: object }).order, slotId: 'b1b1b1b1-new-slot' },
    } as Partial<DrsNotification>);
    expect((await bridge.post(bridge.notification(buildDrsNotification(moved)))).body).toMatchObject({
      outcome: 'published',
    });
    expect((await bridge.post(bridge.notification(buildDrsNotification(orderPlaced())))).body).toMatchObject({
      outcome: 'dead-lettered',
      code: 'BRG_UNKNOWN_SLOT',
    });
  });
});

describe('health', () => {
  it('reports live, and ready with PostgreSQL, Kafka and the catalog consumer up', async () => {
    expect((await bridge.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const ready = await bridge.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      checks: { postgres: { status: 'up' }, kafka: { status: 'up' }, catalog: { status: 'up' } },
    });
  });
});

describe('records', () => {
  it('keeps one durable record per SNS MessageId', async () => {
    const envelope = bridge.notification(buildDrsNotification(orderPlaced()));
    await bridge.post(envelope);
    await bridge.post(envelope);
    expect(await recordedMessages(envelope.MessageId)).toBe(1);
  });
});
