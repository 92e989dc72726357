import { randomUUID } from 'node:crypto';
import { createCodec, deterministicId, Topics } from '@restock/events';
import { createKafka, createProducer, silentLog } from '@restock/kafka';
import { buildDrsNotification, type DrsNotification } from '@restock/sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, createBridgeHarness } from '../test-support/bridge-harness.js';

const DRS_POD_SLOT = 'c0ffee00-1111-4222-8333-444455556666';
const subscriptionsCodec = createCodec(Topics.subscriptions);

let bridge: BridgeHarness;
/** While true, every producer the bridge makes for publishing talks to a closed port. */
let kafkaDown = false;

beforeAll(async () => {
  bridge = await createBridgeHarness({
    newPublishProducer: (kafka) =>
      kafkaDown
        ? createProducer(
            createKafka({ brokers: ['127.0.0.1:1'], clientId: 'sns-bridge-kafka-down', log: silentLog, retries: 1 }),
            { log: silentLog, retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } },
          )
        : createProducer(kafka, { log: silentLog, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } }),
    publishTimeoutMs: 5_000,
  });
  await bridge.seedDevice({
    deviceId: 'coffee-1',
    modelId: 'coffee-c1',
    serialNumber: 'CF-0001',
    slots: { pods: DRS_POD_SLOT },
  });
});

function deviceRegistered(serialNumber = 'CF-0001'): DrsNotification {
  return {
    type: 'DeviceRegisteredNotification',
    version: '1.0',
    notificationId: `amzn1.dash.notification.v1.${randomUUID()}`,
    notificationTime: new Date().toISOString(),
    lwaClientId: null,
    modelId: 'coffee-c1',
    serialNumber,
    directedCustomerId: 'amzn1.account.AEXAMPLECUSTOMER7Q',
  };
}

async function recorded(messageId: string): Promise<number> {
  const { rows } = await bridge.db.pool.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM ${bridge.schema}.sns_messages WHERE message_id = $1)::int
          + (SELECT count(*) FROM ${bridge.schema}.drs_notifications WHERE message_id = $1)::int AS n`,
    [messageId],
  );
  return rows[0]?.n ?? 0;
}

// The publisher keeps a healthy producer once it has one, so the outage is staged once, before the
// first publish of this file; the event and the dead letter both live through it.
describe('a Kafka outage', () => {
  it('answers 503 while Kafka is down, records nothing, and publishes exactly one event or dead letter when SNS retries', async () => {
    const notification = deviceRegistered();
    const envelope = bridge.notification(buildDrsNotification(notification));
    const deadLetter = bridge.notification(buildDrsNotification(deviceRegistered('CF-UNKNOWN')));
    const topic = bridge.topics['subscriptions.v1']!;
    const dlq = bridge.topics['sns.dlq']!;
    const before = { events: await bridge.topicSize(topic), deadLetters: await bridge.topicSize(dlq) };

    kafkaDown = true;
    const refused = await bridge.post(envelope);
    expect(refused).toMatchObject({ status: 503, body: { code: 'BRG_BUS_UNAVAILABLE' } });
    expect(refused.contentType).toContain('application/problem+json');
    expect(await recorded(envelope.MessageId)).toBe(0);
    // A second retry during the outage is refused the same way, not taken for a duplicate.
    expect((await bridge.post(envelope)).status).toBe(503);
    expect((await bridge.post(deadLetter)).status).toBe(503);
    expect(await recorded(deadLetter.MessageId)).toBe(0);
    expect(await bridge.topicSize(topic)).toBe(before.events);
    expect(await bridge.topicSize(dlq)).toBe(before.deadLetters);

    kafkaDown = false;
    const accepted = await bridge.post(envelope);
    expect(accepted).toMatchObject({ status: 200, body: { outcome: 'published', eventType: 'DeviceRegistered' } });
    expect((await bridge.post(envelope)).body).toMatchObject({ outcome: 'duplicate' });
    expect((await bridge.post(deadLetter)).body).toMatchObject({
      outcome: 'dead-lettered',
      code: 'BRG_UNKNOWN_DEVICE',
    });
    expect((await bridge.post(deadLetter)).body).toMatchObject({ outcome: 'duplicate' });

    const records = await bridge.read(topic, before.events + 1);
    const events = records
      .map((record) => subscriptionsCodec.decode(record.value))
      .filter((event) => event.data.notificationId === notification.notificationId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: deterministicId('drs-notification', notification.notificationId),
      deviceId: 'coffee-1',
    });
    expect(await bridge.topicSize(topic)).toBe(before.events + 1);
    expect(await bridge.topicSize(dlq)).toBe(before.deadLetters + 1);
    expect(await bridge.counter('sns_bridge.messages', { outcome: 'unavailable' })).toBe(3);
  });
});
