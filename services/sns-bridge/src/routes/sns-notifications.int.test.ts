import { randomUUID } from 'node:crypto';
import { createCodec, deterministicId, Topics } from '@restock/events';
import { buildDrsNotification, type DrsNotification, type DrsNotificationVersion, type SnsMessage } from '@restock/sns';
import { readSnsFixture } from '@restock/sns/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, createBridgeHarness, TEST_TOPIC_ARN } from '../test-support/bridge-harness.js';

const GETWAGZ_TOPIC_ARN = 'arn:aws:sns:us-east-2:989023162453:sampletopic';
const DRS_DETERGENT = '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const DRS_SOFTENER = '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f';
const ordersCodec = createCodec(Topics.orders);
const subscriptionsCodec = createCodec(Topics.subscriptions);

let bridge: BridgeHarness;

beforeAll(async () => {
  bridge = await createBridgeHarness({ allowedTopicArns: [TEST_TOPIC_ARN, GETWAGZ_TOPIC_ARN] });
  await bridge.seedDevice({
    deviceId: 'washer-1',
    modelId: 'washer-x200',
    serialNumber: 'WM-4471-0099',
    slots: { detergent: DRS_DETERGENT, softener: DRS_SOFTENER },
  });
  // The device and slot of every GetWagz fixture (fixtures/sns README, constants.json).
  await bridge.seedDevice({
    deviceId: 'feeder-1',
    modelId: 'Testing_DRS_Testing',
    serialNumber: '1122334455',
    slots: { pet_food: 'slot-fake-slot' },
  });
});

/** A DRS notification of the washer, as the DRS simulator would build it. */
function washerNotification(type: DrsNotification['type'], version: DrsNotificationVersion): DrsNotification {
  const common = {
    version,
    notificationId: `amzn1.dash.notification.v1.${randomUUID()}`,
    notificationTime: new Date().toISOString(),
    lwaClientId: 'amzn1.application-oa2-client.0123456789abcdef0123456789abcdef',
    modelId: 'washer-x200',
    serialNumber: 'WM-4471-0099',
    directedCustomerId: 'amzn1.account.AEXAMPLECUSTOMER7Q',
  };
  const order = {
    instanceId: `amzn1.dash.v2.o.${randomUUID()}`,
    slotId: DRS_DETERGENT,
    products: [
      {
        asin: version === '2.0' ? 'B00EXAMPLE1' : null,
        quantity: 103,
        unit: 'fl oz',
        estimatedDeliveryDate: '2026-12-01T07:59:59Z',
      },
    ],
  };
  switch (type) {
    case 'OrderPlacedNotification':
    case 'ItemShippedNotification':
      return { ...common, type, order };
    case 'OrderCancelledNotification':
      return { ...common, type, order: { instanceId: order.instanceId, slotId: DRS_DETERGENT } };
    case 'SubscriptionChangedNotification':
      return {
        ...common,
        type,
        subscriptions: {
          [DRS_DETERGENT]: {
            subscribed: true,
            products: version === '2.0' ? [{ asin: 'B00EXAMPLE1', quantity: 1, unit: 'count' }] : [],
          },
          [DRS_SOFTENER]: {
            subscribed: false,
            products: version === '2.0' ? [{ asin: 'B00EXAMPLE2', quantity: 1, unit: 'count' }] : [],
          },
        },
      };
    case 'DeviceRegisteredNotification':
    case 'DeviceDeregisteredNotification':
      return { ...common, type };
  }
}

describe('POST /sns with DRS notifications', () => {
  it('publishes each DRS notification type in each of its versions as exactly one event on its topic, for the right device and slot', async () => {
    const cases: { type: DrsNotification['type']; version: DrsNotificationVersion; event: string; topic: string }[] = [
      { type: 'OrderPlacedNotification', version: '1.0', event: 'OrderPlaced', topic: 'orders.v1' },
      { type: 'OrderPlacedNotification', version: '2.0', event: 'OrderPlaced', topic: 'orders.v1' },
      { type: 'ItemShippedNotification', version: '1.0', event: 'ItemShipped', topic: 'orders.v1' },
      { type: 'ItemShippedNotification', version: '2.0', event: 'ItemShipped', topic: 'orders.v1' },
      { type: 'OrderCancelledNotification', version: '1.0', event: 'OrderCancelled', topic: 'orders.v1' },
      {
        type: 'SubscriptionChangedNotification',
        version: '1.0',
        event: 'SubscriptionChanged',
        topic: 'subscriptions.v1',
      },
      {
        type: 'SubscriptionChangedNotification',
        version: '2.0',
        event: 'SubscriptionChanged',
        topic: 'subscriptions.v1',
      },
      { type: 'DeviceRegisteredNotification', version: '1.0', event: 'DeviceRegistered', topic: 'subscriptions.v1' },
      {
        type: 'DeviceDeregisteredNotification',
        version: '1.0',
        event: 'DeviceDeregistered',
        topic: 'subscriptions.v1',
      },
    ];
    const before = {
      orders: await bridge.topicSize(bridge.topics['orders.v1']!),
      subscriptions: await bridge.topicSize(bridge.topics['subscriptions.v1']!),
    };
    const sent = [];
    for (const c of cases) {
      const notification = washerNotification(c.type, c.version);
      const answer = await bridge.post(bridge.notification(buildDrsNotification(notification)));
      expect(answer, `${c.type} v${c.version}`).toMatchObject({
        status: 200,
        body: { outcome: 'published', eventType: c.event },
      });
      sent.push({ ...c, notification });
    }

    const orders = await bridge.read(bridge.topics['orders.v1']!, before.orders + 5);
    const subscriptions = await bridge.read(bridge.topics['subscriptions.v1']!, before.subscriptions + 4);
    expect(orders).toHaveLength(before.orders + 5);
    expect(subscriptions).toHaveLength(before.subscriptions + 4);
    const events = [
      ...orders.map((record) => ({
        topic: 'orders.v1',
        key: record.key?.toString(),
        event: ordersCodec.decode(record.value),
      })),
      ...subscriptions.map((record) => ({
        topic: 'subscriptions.v1',
        key: record.key?.toString(),
        event: subscriptionsCodec.decode(record.value),
      })),
    ];
    for (const c of sent) {
      const matching = events.filter(
        (e) => 'notificationId' in e.event.data && e.event.data.notificationId === c.notification.notificationId,
      );
      expect(matching, `${c.type} v${c.version}`).toHaveLength(1);
      const [{ topic, key, event }] = matching as [(typeof events)[number]];
      expect(topic).toBe(c.topic);
      expect(key).toBe('washer-1');
      expect(event).toMatchObject({
        id: deterministicId('drs-notification', c.notification.notificationId),
        type: c.event,
        deviceId: 'washer-1',
        occurredAt: c.notification.notificationTime,
        source: 'sns-bridge',
      });
      if (topic === 'orders.v1') {
        expect(event.data).toMatchObject({ slotId: 'detergent', drsSlotId: DRS_DETERGENT });
      }
      if (event.type === 'OrderPlaced' || event.type === 'ItemShipped') {
        expect(event.data.products).toEqual([
          {
            asin: c.version === '2.0' ? 'B00EXAMPLE1' : null,
            quantity: 103,
            unit: 'fl oz',
            estimatedDeliveryAt: '2026-12-01T07:59:59Z',
          },
        ]);
      }
      if (event.type === 'SubscriptionChanged') {
        expect(Object.keys(event.data.slots).sort()).toEqual(['detergent', 'softener']);
        expect(event.data.slots['detergent']).toMatchObject({
          drsSlotId: DRS_DETERGENT,
          subscribed: true,
          asin: c.version === '2.0' ? 'B00EXAMPLE1' : null,
        });
        expect(event.data.slots['softener']).toMatchObject({ subscribed: false });
      }
    }
  });

  it('accepts the envelope sent as application/json as well as text/plain', async () => {
    const notification = washerNotification('DeviceRegisteredNotification', '1.0');
    const answer = await bridge.post(bridge.notification(buildDrsNotification(notification)), {
      'content-type': 'application/json',
    });
    expect(answer).toMatchObject({ status: 200, body: { outcome: 'published', eventType: 'DeviceRegistered' } });
  });
});

describe('the GetWagz payload fixtures, re-signed with a test identity', () => {
  /** The fixture's envelope re-signed as its topic would sign it today (the 2018 certificate is lost). */
  function resigned(file: string, edit: (message: string) => string = (m) => m): SnsMessage {
    const fixture = readSnsFixture('drs-payloads-aws-signed-cert-missing', file) as Record<string, string>;
    return bridge.sign({
      Type: 'Notification',
      MessageId: fixture['MessageId']!,
      TopicArn: fixture['TopicArn']!,
      Subject: fixture['Subject']!,
      Message: edit(fixture['Message']!),
      Timestamp: fixture['Timestamp']!,
      UnsubscribeURL: fixture['UnsubscribeURL']!,
    });
  }

  it('publishes the five well-formed DRS payloads for the fixture device, quantities and units as sent', async () => {
    const expected: Record<string, { eventType: string; topic: string }> = {
      'deviceRegisteredNotification.json': { eventType: 'DeviceRegistered', topic: 'subscriptions.v1' },
      'subscriptionChangedNotification.json': { eventType: 'SubscriptionChanged', topic: 'subscriptions.v1' },
      'orderPlacedNotification.json': { eventType: 'OrderPlaced', topic: 'orders.v1' },
      'itemShippedNotification.json': { eventType: 'ItemShipped', topic: 'orders.v1' },
      'orderCancelledNotification.json': { eventType: 'OrderCancelled', topic: 'orders.v1' },
    };
    const sizes = {
      orders: await bridge.topicSize(bridge.topics['orders.v1']!),
      subscriptions: await bridge.topicSize(bridge.topics['subscriptions.v1']!),
    };
    const eventIds: Record<string, string> = {};
    for (const [file, { eventType }] of Object.entries(expected)) {
      const answer = await bridge.post(resigned(file));
      expect(answer, file).toMatchObject({ status: 200, body: { outcome: 'published', eventType } });
      eventIds[file] = String(answer.body['eventId']);
    }
    const orders = await bridge.read(bridge.topics['orders.v1']!, sizes.orders + 3);
    const subscriptions = await bridge.read(bridge.topics['subscriptions.v1']!, sizes.subscriptions + 2);
    expect(orders).toHaveLength(sizes.orders + 3);
    expect(subscriptions).toHaveLength(sizes.subscriptions + 2);

    const shipped = orders
      .map((record) => ordersCodec.decode(record.value))
      .find((event) => event.id === eventIds['itemShippedNotification.json']);
    expect(shipped).toMatchObject({
      type: 'ItemShipped',
      deviceId: 'feeder-1',
      occurredAt: '2018-05-25T01:02:06.426Z',
      data: {
        slotId: 'pet_food',
        drsSlotId: 'slot-fake-slot',
        instanceId: 'amzn1.dash.v2.o.fakeorder',
        products: [{ asin: 'FAKEASIN', quantity: 30, unit: 'pounds', estimatedDeliveryAt: '2018-05-27T06:59:59Z' }],
      },
    });
    const changed = subscriptions
      .map((record) => subscriptionsCodec.decode(record.value))
      .find((event) => event.id === eventIds['subscriptionChangedNotification.json']);
    expect(changed).toMatchObject({
      type: 'SubscriptionChanged',
      deviceId: 'feeder-1',
      data: {
        slots: {
          pet_food: {
            drsSlotId: 'slot-fake-slot',
            subscribed: true,
            asin: 'FAKEASIN',
            productQuantity: 24,
            productUnit: 'pounds',
          },
        },
      },
    });
  });

  it('accepts and dead-letters the wrapped, non-DRS, unknown-type and not-JSON payloads with their reasons', async () => {
    const expected: Record<string, string> = {
      'deviceDeregisteredNotification.json': 'DRS_INVALID',
      'allTargets.json': 'DRS_INVALID',
      'emailOnly.json': 'DRS_INVALID',
      'httpOnly.json': 'DRS_INVALID',
      'httpsOnly.json': 'DRS_INVALID',
      'notDRSNotification.json': 'DRS_INVALID',
      'fakeAction.json': 'DRS_UNKNOWN_TYPE',
      'invalidJsonNotification.json': 'DRS_NOT_JSON',
    };
    const dlq = bridge.topics['sns.dlq']!;
    const dlqBefore = await bridge.topicSize(dlq);
    const eventsBefore =
      (await bridge.topicSize(bridge.topics['orders.v1']!)) +
      (await bridge.topicSize(bridge.topics['subscriptions.v1']!));
    const bodies: Record<string, string> = {};
    for (const [file, code] of Object.entries(expected)) {
      const envelope = resigned(file);
      bodies[envelope.MessageId] = JSON.stringify(envelope);
      const answer = await bridge.post(bodies[envelope.MessageId]!, { 'x-amz-sns-message-type': 'Notification' });
      expect(answer, file).toMatchObject({ status: 200, body: { outcome: 'dead-lettered', code } });
    }
    // SNS retrying one of them changes nothing: the MessageId was recorded with its dead letter.
    expect((await bridge.post(resigned('emailOnly.json'))).body).toMatchObject({ outcome: 'duplicate', of: 'message' });

    const records = await bridge.read(dlq, dlqBefore + 8);
    expect(records).toHaveLength(dlqBefore + 8);
    for (const [file, code] of Object.entries(expected)) {
      const fixture = readSnsFixture('drs-payloads-aws-signed-cert-missing', file);
      const matching = records.filter((r) => r.headers?.['sns-message-id']?.toString() === fixture['MessageId']);
      expect(matching, file).toHaveLength(1);
      const [record] = matching as [(typeof records)[number]];
      expect(record.headers?.['dlq-code']?.toString()).toBe(code);
      expect(record.headers?.['dlq-reason']?.toString().length).toBeGreaterThan(10);
      expect(record.headers?.['sns-topic-arn']?.toString()).toBe(GETWAGZ_TOPIC_ARN);
      expect(record.value?.toString()).toBe(bodies[String(fixture['MessageId'])]);
    }
    const wrapped = records.find(
      (r) => r.headers?.['sns-message-id']?.toString() === '75103c40-8e08-5761-aec1-686eb5490a30',
    );
    expect(wrapped?.headers?.['dlq-reason']?.toString()).toContain('per-protocol keys');
    const eventsAfter =
      (await bridge.topicSize(bridge.topics['orders.v1']!)) +
      (await bridge.topicSize(bridge.topics['subscriptions.v1']!));
    expect(eventsAfter).toBe(eventsBefore);
    expect(await bridge.counter('sns_bridge.dead_letters', { code: 'DRS_INVALID' })).toBe(6);
    expect(await bridge.counter('sns_bridge.dead_letters', { code: 'DRS_UNKNOWN_TYPE' })).toBe(1);
    expect(await bridge.counter('sns_bridge.dead_letters', { code: 'DRS_NOT_JSON' })).toBe(1);
  });

  it('refuses the payload altered after signing (serial "HACKED!") and publishes nothing', async () => {
    const hacked = readSnsFixture('drs-payloads-aws-signed-cert-missing', 'invalidSignatureNotification.json');
    const hackedMessage = String(hacked['Message']);
    // Signed as the genuine notification was, then altered in transit as the fixture is.
    const genuine = resigned('invalidSignatureNotification.json', (message) =>
      message.replace('HACKED!', '1122334455').replace('SOMEONEELSE', 'FAKETEST'),
    );
    const sizes = await Promise.all(
      ['orders.v1', 'subscriptions.v1', 'sns.dlq'].map((t) => bridge.topicSize(bridge.topics[t]!)),
    );
    const answer = await bridge.post({ ...genuine, Message: hackedMessage });
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_BAD_SIGNATURE' } });
    expect(answer.contentType).toContain('application/problem+json');
    expect(String(answer.body['detail'])).toContain('Signature does not match');
    const after = await Promise.all(
      ['orders.v1', 'subscriptions.v1', 'sns.dlq'].map((t) => bridge.topicSize(bridge.topics[t]!)),
    );
    expect(after).toEqual(sizes);
  });
});
