import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  call,
  DETERGENT,
  DRS_HEADERS,
  drs,
  drsTypeOf,
  type ReceivedMessage,
  registerWasher,
  type SimulatorHarness,
  type SnsEndpoint,
  SOFTENER,
  snsVerifier,
  startSimulator,
  startSnsEndpoint,
  verified,
  WASHER_SLOTS,
} from '../test-support/simulator-harness.js';

const TOPICS = ['retry', 'network', 'duplicate', 'reorder', 'late', 'unsubscribe', 'restart'].map(
  (name) => `arn:aws:sns:us-east-1:000000000000:drs-sim-${name}`,
);
const sim: SimulatorHarness = await startSimulator();
const verify = snsVerifier(sim, TOPICS);

afterEach(async () => {
  await call(sim, 'DELETE', '/control/v1/faults');
});

function topic(name: string): string {
  const arn = TOPICS.find((t) => t.endsWith(`-${name}`));
  if (arn === undefined) throw new Error(`no topic ${name}`);
  return arn;
}

async function tick() {
  expect((await call(sim, 'POST', '/control/v1/clock/tick')).status).toBe(200);
}

async function advance(seconds: number) {
  expect((await call(sim, 'POST', '/control/v1/clock/advance', { body: { seconds } })).status).toBe(200);
}

/** A model whose notifications go to its own topic, so each test sees only its own messages. */
async function defineModel(modelId: string, topicArn: string) {
  const response = await call(sim, 'PUT', `/control/v1/device-models/${modelId}`, {
    body: { slots: WASHER_SLOTS, topicArn },
  });
  expect(response.status).toBe(200);
}

/** A real endpoint subscribed to `topicArn` and confirmed through its SubscribeURL; its log starts empty. */
async function confirmedEndpoint(topicArn: string): Promise<{ endpoint: SnsEndpoint; subscriptionArn: string }> {
  const endpoint = await startSnsEndpoint();
  const subscribed = await call(sim, 'POST', '/control/v1/sns/subscriptions', {
    body: { endpoint: endpoint.url, topic: topicArn },
  });
  await tick();
  const [confirmation] = await endpoint.waitFor(1);
  const message = await verified(verify, confirmation as ReceivedMessage);
  if (message.Type !== 'SubscriptionConfirmation') throw new Error(message.Type);
  expect((await fetch(message.SubscribeURL)).status).toBe(200);
  endpoint.received.length = 0;
  return { endpoint, subscriptionArn: subscribed.json<{ subscriptionArn: string }>().subscriptionArn };
}

/** Toggles a slot's subscription `count` times: one SubscriptionChanged each. */
async function toggle(registrationId: string, count: number) {
  for (let i = 0; i < count; i++) {
    const action = i % 2 === 0 ? 'pause' : 'resume';
    const response = await call(sim, 'POST', `/control/v1/registrations/${registrationId}/slots/${SOFTENER}/${action}`);
    expect(response.json()['changed']).toBe(true);
  }
}

async function publishedIds(registrationId: string): Promise<string[]> {
  const response = await call(sim, 'GET', `/control/v1/notifications?registrationId=${registrationId}`);
  return response.json<{ notifications: { notificationId: string }[] }>().notifications.map((n) => n.notificationId);
}

/** Each received message as the index of its notification among those published (after registration). */
async function arrivalPattern(received: readonly ReceivedMessage[], published: readonly string[]): Promise<number[]> {
  const pattern: number[] = [];
  for (const message of received) {
    const verifiedMessage = await verified(verify, message);
    if (verifiedMessage.Type !== 'Notification') throw new Error(verifiedMessage.Type);
    const id = (JSON.parse(verifiedMessage.Message) as { notificationInfo: { notificationId: string } })
      .notificationInfo.notificationId;
    pattern.push(published.indexOf(id));
  }
  return pattern;
}

async function deliveriesOf(subscriptionArn: string) {
  const response = await call(
    sim,
    'GET',
    `/control/v1/deliveries?subscriptionArn=${encodeURIComponent(subscriptionArn)}`,
  );
  return response.json<{
    deliveries: {
      status: string;
      attempts: number;
      messageType: string;
      lastError: string | null;
      attemptLog: { attempt: number; statusCode: number | null; error: string | null }[];
    }[];
  }>().deliveries;
}

describe('SNS retries', () => {
  it('retries a failing endpoint 3 times, 20 s apart, with the same MessageId and body, then gives up', async () => {
    await defineModel('retry-model', topic('retry'));
    const device = await registerWasher(sim, { serialNumber: 'RTY-0001', modelId: 'retry-model' });
    const { endpoint, subscriptionArn } = await confirmedEndpoint(topic('retry'));
    endpoint.respond = () => 500;

    await toggle(device.registrationId, 1);
    await tick();
    await endpoint.waitFor(1);
    await advance(19);
    expect(endpoint.received).toHaveLength(1);
    await advance(1);
    await endpoint.waitFor(2);
    await advance(20);
    await advance(20);
    await endpoint.waitFor(4);
    await advance(20);
    await advance(3600);
    expect(endpoint.received).toHaveLength(4);

    expect(new Set(endpoint.received.map((m) => m.rawBody)).size).toBe(1);
    expect(new Set(endpoint.received.map((m) => m.headers['x-amz-sns-message-id'])).size).toBe(1);
    await verified(verify, endpoint.received[0] as ReceivedMessage);
    const [delivery] = (await deliveriesOf(subscriptionArn)).filter((d) => d.messageType === 'Notification');
    expect(delivery).toMatchObject({ status: 'failed', attempts: 4, lastError: 'HTTP 500' });
    expect(delivery?.attemptLog.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 500],
    ]);
  });

  it('delivers on a retry once the endpoint answers 2xx again', async () => {
    await defineModel('retry-model-2', topic('retry'));
    const device = await registerWasher(sim, { serialNumber: 'RTY-0002', modelId: 'retry-model-2' });
    const { endpoint, subscriptionArn } = await confirmedEndpoint(topic('retry'));
    endpoint.respond = ({ index }) => (index === 0 ? 503 : 204);
    await toggle(device.registrationId, 1);
    await tick();
    await advance(20);
    await endpoint.waitFor(2);
    const deliveries = await deliveriesOf(subscriptionArn);
    expect(deliveries.at(-1)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('counts a refused connection as a failed attempt and logs why', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/sns`;
    await new Promise((resolve) => probe.close(resolve));
    const subscribed = await call(sim, 'POST', '/control/v1/sns/subscriptions', {
      body: { endpoint: url, topic: topic('network') },
    });
    await tick();
    const [delivery] = await deliveriesOf(subscribed.json<{ subscriptionArn: string }>().subscriptionArn);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, messageType: 'SubscriptionConfirmation' });
    expect(delivery?.attemptLog[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('delivery faults, reproducible with a seed', () => {
  it('delivers a share of notifications twice, same MessageId and body, at the same places for the same seed', async () => {
    await defineModel('dup-model', topic('duplicate'));
    const first = await registerWasher(sim, { serialNumber: 'DUP-0001', modelId: 'dup-model' });
    const second = await registerWasher(sim, { serialNumber: 'DUP-0002', modelId: 'dup-model' });
    const { endpoint } = await confirmedEndpoint(topic('duplicate'));

    async function run(registrationId: string): Promise<number[]> {
      endpoint.received.length = 0;
      await call(sim, 'PUT', '/control/v1/faults', { body: { seed: 42, notifications: { duplicateRate: 0.4 } } });
      await toggle(registrationId, 10);
      await tick();
      const published = (await publishedIds(registrationId)).slice(2);
      const received = await endpoint.waitFor(published.length);
      return arrivalPattern(received, published);
    }
    const a = await run(first.registrationId);
    const b = await run(second.registrationId);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(10);
    expect([...new Set(a)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const twice = endpoint.received.filter(
      (m, i, all) =>
        all.findIndex((n) => n.headers['x-amz-sns-message-id'] === m.headers['x-amz-sns-message-id']) !== i,
    );
    for (const copy of twice) {
      const original = endpoint.received.find(
        (m) => m.headers['x-amz-sns-message-id'] === copy.headers['x-amz-sns-message-id'],
      );
      expect(copy.rawBody).toBe(original?.rawBody);
    }
  });

  it('shuffles notifications within each window, the same way for the same seed, and releases a partial window after its wait', async () => {
    await defineModel('reorder-model', topic('reorder'));
    const first = await registerWasher(sim, { serialNumber: 'ORD-0001', modelId: 'reorder-model' });
    const second = await registerWasher(sim, { serialNumber: 'ORD-0002', modelId: 'reorder-model' });
    const { endpoint } = await confirmedEndpoint(topic('reorder'));

    async function run(registrationId: string): Promise<number[]> {
      endpoint.received.length = 0;
      await call(sim, 'PUT', '/control/v1/faults', {
        body: { seed: 42, notifications: { reorderWindow: 4, reorderMaxHoldSeconds: 30 } },
      });
      await toggle(registrationId, 9);
      await tick();
      const published = (await publishedIds(registrationId)).slice(2);
      await endpoint.waitFor(8);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(endpoint.received).toHaveLength(8);
      await advance(30);
      const received = await endpoint.waitFor(9);
      return arrivalPattern(received, published);
    }
    const a = await run(first.registrationId);
    const b = await run(second.registrationId);
    expect(a).toEqual(b);
    expect(a).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...a.slice(0, 4)].sort()).toEqual([0, 1, 2, 3]);
    expect([...a.slice(4, 8)].sort()).toEqual([4, 5, 6, 7]);
    expect(a[8]).toBe(8);
  });

  it('delivers late notifications only after the configured delay', async () => {
    await defineModel('late-model', topic('late'));
    const device = await registerWasher(sim, { serialNumber: 'LAT-0001', modelId: 'late-model' });
    const { endpoint } = await confirmedEndpoint(topic('late'));
    await call(sim, 'PUT', '/control/v1/faults', { body: { notifications: { lateRate: 1, lateSeconds: 300 } } });
    await toggle(device.registrationId, 1);
    await tick();
    await advance(299);
    expect(endpoint.received).toHaveLength(0);
    await advance(1);
    const [late] = await endpoint.waitFor(1);
    expect(drsTypeOf(await verified(verify, late as ReceivedMessage))).toBe('SubscriptionChangedNotification');
  });
});

describe('unsubscribing', () => {
  it('sends a signed UnsubscribeConfirmation and no more notifications', async () => {
    await defineModel('unsub-model', topic('unsubscribe'));
    const device = await registerWasher(sim, { serialNumber: 'UNS-0001', modelId: 'unsub-model' });
    const { endpoint, subscriptionArn } = await confirmedEndpoint(topic('unsubscribe'));
    const response = await fetch(
      `${sim.baseUrl}/sns/unsubscribe?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(
      /^<UnsubscribeResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/">/,
    );
    await toggle(device.registrationId, 1);
    await tick();
    const [confirmation] = await endpoint.waitFor(1);
    const message = await verified(verify, confirmation as ReceivedMessage);
    expect(message.Type).toBe('UnsubscribeConfirmation');
    expect(confirmation?.headers['x-amz-sns-subscription-arn']).toBe(subscriptionArn);
    await advance(60);
    expect(endpoint.received).toHaveLength(1);
  });
});

describe('a restart', () => {
  it('keeps orders, tokens, the simulated clock and pending deliveries, which resume after it', async () => {
    await defineModel('restart-model', topic('restart'));
    const device = await registerWasher(sim, { serialNumber: 'RST-0001', modelId: 'restart-model' });
    const { endpoint, subscriptionArn } = await confirmedEndpoint(topic('restart'));
    endpoint.respond = () => 500;
    const placed = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    const orderId = placed.json<{ eventInstanceId: string }>().eventInstanceId;
    await tick();
    await endpoint.waitFor(1);
    const before = (await call(sim, 'GET', '/control/v1/clock')).json<{ now: string }>().now;

    await sim.restart();

    const after = (await call(sim, 'GET', '/control/v1/clock')).json<{ now: string }>().now;
    expect(new Date(after).getTime()).toBeGreaterThanOrEqual(new Date(before).getTime());
    const order = await call(sim, 'GET', `/control/v1/orders/${orderId}`);
    expect(order.json()).toMatchObject({ status: 'placed', slotId: DETERGENT });
    const again = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    expect(again.json()).toEqual({ eventInstanceId: orderId, detailCode: 'ORDER_INPROGRESS' });

    endpoint.respond = () => 200;
    await advance(20);
    const [, retried] = await endpoint.waitFor(2);
    expect(retried?.rawBody).toBe(endpoint.received[0]?.rawBody);
    const message = await verified(verify, retried as ReceivedMessage);
    expect(drsTypeOf(message)).toBe('OrderPlacedNotification');
    expect((await deliveriesOf(subscriptionArn)).at(-1)).toMatchObject({ status: 'delivered', attempts: 2 });

    // The order life goes on: shipped a day after it was placed.
    await advance(86_400);
    const [, , shipped] = await endpoint.waitFor(3);
    expect(drsTypeOf(await verified(verify, shipped as ReceivedMessage))).toBe('ItemShippedNotification');
  });
});
