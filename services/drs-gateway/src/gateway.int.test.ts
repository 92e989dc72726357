import { randomUUID } from 'node:crypto';
import { call } from '@restock/drs-simulator/src/test-support/simulator-harness.js';
import { readTopic } from '@restock/kafka/testing';
import { fromCanonical } from '@restock/units';
import { describe, expect, it } from 'vitest';
import { startGatewayWorld } from './test-support/gateway-harness.js';

const world = await startGatewayWorld();
const { sim, db, schema } = world;
const HOUR = 3_600_000;

async function setFaults(body: object | null) {
  const response =
    body === null
      ? await call(sim, 'DELETE', '/control/v1/faults')
      : await call(sim, 'PUT', '/control/v1/faults', { body });
  expect(response.status).toBe(200);
}

describe('the DRS gateway against the simulator', () => {
  it('places exactly one order when DRS fails half its calls, the command arrives 50 times, the gateway restarts and a call is lost mid-way', async () => {
    const washer = await world.linkWasher();
    await setFaults({ seed: 7, api: { failRate: 0.5 } });
    try {
      const first = world.replenish(washer.deviceId, 'detergent');
      // 50 deliveries of the same command at once, and a second decision for the same slot.
      const second = world.replenish(washer.deviceId, 'detergent');
      await Promise.all([
        ...Array.from({ length: 50 }, () => world.publish('commands', [first])),
        world.publish('commands', [second]),
      ]);
      await world.restart();
      await world.waitUntil(
        async () =>
          (await world.calls(washer.deviceId)).filter((c) => c.operation === 'replenish' && c.state === 'succeeded')
            .length === 2,
        'both replenish calls to succeed',
      );

      // A crash right after a third call went out: recorded, marked calling, its answer never stored.
      const lost = randomUUID();
      const past = new Date(world.clock().getTime() - 60_000);
      await db.pool.query(
        `INSERT INTO "${schema}".calls (call_id, operation, command_type, device_id, slot_id, payload, state, attempts,
           not_before, lease_until, created_at, started_at)
         VALUES ($1, 'replenish', 'ReplenishRequested', $2, 'detergent', '{}', 'calling', 1, $3, $3, $3, $3)`,
        [lost, washer.deviceId, past],
      );
      await world.restart();
      await world.waitUntil(
        async () => (await world.calls(washer.deviceId)).find((c) => c.call_id === lost && c.state === 'succeeded'),
        'the lost call to be reconciled',
      );
    } finally {
      await setFaults(null);
    }

    // The faults were real: requests were answered 500 and retried.
    expect(world.logLines.join('')).toMatch(/"msg":"DRS request retried"/);
    const orders = await world.simOrders(washer.registrationId);
    expect(orders).toHaveLength(1);
    const outcomes = (await world.outcomes()).filter(
      (o) => o.deviceId === washer.deviceId && o.data.operation === 'replenish',
    );
    // One outcome per call, whatever the deliveries and restarts (the relay may repeat an id; readers de-duplicate).
    const byCommand = new Map(outcomes.map((o) => [o.data.commandId, o]));
    expect(byCommand.size).toBe(3);
    const codes = [...byCommand.values()].map((o) => o.data.detailCode).sort();
    expect(codes).toEqual(['ORDER_INPROGRESS', 'ORDER_INPROGRESS', 'STANDARD_ORDER_PLACED']);
    for (const o of byCommand.values()) {
      expect(o.data).toMatchObject({
        outcome: 'succeeded',
        eventInstanceId: orders[0]!.eventInstanceId,
        slotId: 'detergent',
      });
    }
  });

  it('refreshes the access token once on "Invalid token" and before it expires, and never logs a token or code', async () => {
    const washer = await world.linkWasher();
    const tokensAt = async () =>
      (
        await db.pool.query<{ updated_at: Date; access_token: Buffer }>(
          `SELECT updated_at, access_token FROM "${schema}".tokens WHERE device_id = $1`,
          [washer.deviceId],
        )
      ).rows[0]!;
    const linked = await tokensAt();

    // DRS expires every token of the registration: the next call gets 400 {"message":"Invalid token"}.
    expect(
      (await call(sim, 'POST', '/control/v1/tokens/expire', { body: { registrationId: washer.registrationId } }))
        .status,
    ).toBe(200);
    const afterExpiry = world.replenish(washer.deviceId, 'softener');
    await world.publish('commands', [afterExpiry]);
    const done = await world.waitUntil(
      async () =>
        (await world.calls(washer.deviceId)).find(
          (c) => c.call_id === afterExpiry.id && c.state !== 'pending' && c.state !== 'calling',
        ),
      'the call after the expiry',
    );
    expect(done.state).toBe('succeeded');
    const refreshed = await tokensAt();
    expect(refreshed.updated_at.getTime()).toBeGreaterThan(linked.updated_at.getTime());
    expect(refreshed.access_token.equals(linked.access_token)).toBe(false);

    // 56 minutes later the token has 4 minutes left, under the 5 of TOKEN_REFRESH_AHEAD_SECONDS: refreshed first.
    world.forward(56 * 60_000);
    await world.registered(washer.deviceId); // asks subscriptionInfo, which needs a token
    await world.waitUntil(
      async () =>
        (await world.calls(washer.deviceId)).find((c) => c.operation === 'subscriptionInfo' && c.state === 'succeeded'),
      'subscriptionInfo after the registration',
    );
    const ahead = await tokensAt();
    expect(ahead.updated_at.getTime()).toBeGreaterThanOrEqual(world.clock().getTime() - 60_000);

    const subscriptionOutcome = (await world.outcomes()).find(
      (o) => o.deviceId === washer.deviceId && o.data.operation === 'subscriptionInfo',
    );
    expect(subscriptionOutcome?.data.subscriptions).toMatchObject({
      detergent: { subscribed: true, asin: 'B00DETERG1' },
      softener: { subscribed: true, asin: 'B00SOFTEN2' },
    });

    const logs = world.logLines.join('');
    expect(logs).not.toMatch(/Atz[ar]\|/);
    expect(logs).not.toContain(washer.authorizationCode);
  });

  it('sends one slotStatus per burst, after the burst, with the newest quantities in the slot’s DRS unit', async () => {
    const washer = await world.linkWasher({ marketplace: 'US' });
    const statusOf = async () =>
      (await call(sim, 'GET', `/control/v1/slot-statuses?registrationId=${washer.registrationId}`)).json<{
        slotStatuses: { slotId: string; status: Record<string, unknown>; reports: number }[];
      }>().slotStatuses;

    const runOut = '2026-12-01T00:00:00.000Z';
    let revision = 0;
    async function burst(levels: number[]) {
      for (const level of levels) {
        revision++;
        await world.publish('inventory', [
          world.inventory(washer.deviceId, 'detergent', revision, {
            level,
            stockOnHand: level + 1000,
            spareStock: 1000,
          }),
        ]);
        await world.publish('commands', [world.slotStatusDue(washer.deviceId, 'detergent', revision, runOut)]);
      }
    }

    await burst([2900, 2800, 2700, 2600, 2500, 2400, 2300, 2200, 2100, 2000]);
    const first = await world.waitUntil(
      async () => (await statusOf()).find((s) => s.reports === 1),
      'the first status',
    );
    await new Promise((r) => setTimeout(r, 1500)); // longer than the coalescing window: nothing more comes
    expect((await statusOf())[0]?.reports).toBe(1);
    expect(first.slotId).toBe(DETERGENT_ID);
    expect(first.status).toMatchObject({
      remainingQuantityInUnit: fromCanonical(2000, 'volume', 'fl oz'),
      originalQuantityInUnit: fromCanonical(3000, 'volume', 'fl oz'),
      totalQuantityOnHand: fromCanonical(1000, 'volume', 'fl oz'),
      expectedReplenishmentDate: runOut,
    });

    await burst([1900, 1500, 1234.5]);
    const second = await world.waitUntil(
      async () => (await statusOf()).find((s) => s.reports === 2),
      'the second status',
    );
    expect(second.status['remainingQuantityInUnit']).toBe(fromCanonical(1234.5, 'volume', 'fl oz'));
    const statusCalls = (await world.calls(washer.deviceId)).filter((c) => c.operation === 'slotStatus');
    expect(statusCalls).toHaveLength(2);
    expect(statusCalls.every((c) => (c.answer as { unit: string }).unit === 'fl oz')).toBe(true);
  });

  it('sends a slot status again once DRS is back when DRS was down through every retry', async () => {
    const washer = await world.linkWasher({ marketplace: 'UK' });
    await setFaults({ seed: 3, api: { failRate: 1 } });
    try {
      await world.publish('inventory', [
        world.inventory(washer.deviceId, 'softener', 1, { unitType: 'count', unit: 'count', level: 17, capacity: 40 }),
      ]);
      await world.publish('commands', [world.slotStatusDue(washer.deviceId, 'softener', 1, null)]);
      await world.waitUntil(
        async () =>
          (await world.calls(washer.deviceId)).find((c) => c.operation === 'slotStatus' && c.state === 'failed'),
        'the failed slot status',
      );
    } finally {
      await setFaults(null);
    }
    const sent = await world.waitUntil(
      async () =>
        (await world.calls(washer.deviceId)).find((c) => c.operation === 'slotStatus' && c.state === 'succeeded'),
      'the slot status sent again',
    );
    expect(sent.answer).toMatchObject({
      unit: 'count',
      sent: { remainingQuantityInUnit: 17, originalQuantityInUnit: 40 },
    });
  });

  it('reports deviceStatus once a day per registered device', async () => {
    const washer = await world.linkWasher();
    await world.registered(washer.deviceId);
    await world.waitUntil(
      async () =>
        (await db.pool.query(`SELECT 1 FROM "${schema}".registrations WHERE device_id = $1`, [washer.deviceId]))
          .rowCount === 1,
      'the registration',
    );
    const reports = async () =>
      (await call(sim, 'GET', `/control/v1/device-statuses?registrationId=${washer.registrationId}`)).json<{
        deviceStatuses: { reports: number }[];
      }>().deviceStatuses[0]?.reports ?? 0;

    await world.gateway.schedules.deviceStatuses();
    await world.gateway.schedules.deviceStatuses();
    await world.waitUntil(async () => (await reports()) === 1, 'the first device status');
    await new Promise((r) => setTimeout(r, 300));
    expect(await reports()).toBe(1);

    world.forward(24 * HOUR);
    await world.gateway.schedules.deviceStatuses();
    await world.waitUntil(async () => (await reports()) === 2, 'the next day’s device status');
    const calls = (await world.calls(washer.deviceId)).filter((c) => c.operation === 'deviceStatus');
    expect(calls).toHaveLength(2);
  });

  it('asks getOrderInfo for an order whose notifications are overdue, and deregisters on request', async () => {
    const washer = await world.linkWasher();
    const order = world.replenish(washer.deviceId, 'softener');
    await world.publish('commands', [order]);
    await world.waitUntil(
      async () => (await world.calls(washer.deviceId)).find((c) => c.call_id === order.id && c.state === 'succeeded'),
      'the order',
    );
    // No sns-bridge here, so no OrderPlaced ever arrives: an hour later the gateway asks DRS.
    world.forward(2 * HOUR);
    await world.gateway.schedules.overdueOrders();
    await world.waitUntil(
      async () =>
        (await world.calls(washer.deviceId)).find((c) => c.operation === 'getOrderInfo' && c.state === 'succeeded'),
      'getOrderInfo',
    );
    const info = (await world.outcomes()).find(
      (o) => o.deviceId === washer.deviceId && o.data.operation === 'getOrderInfo',
    );
    expect(info?.data.orderInfo?.status).toBe('Processing');

    const deregister = {
      id: randomUUID(),
      type: 'DeregisterRequested',
      deviceId: washer.deviceId,
      occurredAt: world.clock().toISOString(),
      recordedAt: world.clock().toISOString(),
      source: 'test',
      version: 1,
      data: { customerId: 'customer-1' },
    };
    await world.publish('commands', [deregister]);
    await world.waitUntil(
      async () =>
        (await world.calls(washer.deviceId)).find((c) => c.call_id === deregister.id && c.state === 'succeeded'),
      'the deregistration',
    );
    const registration = (await call(sim, 'GET', `/control/v1/registrations/${washer.registrationId}`)).json<{
      registration: { deregisteredAt: string | null };
    }>();
    expect(registration.registration.deregisteredAt).not.toBeNull();
    expect(
      (await db.pool.query(`SELECT 1 FROM "${schema}".tokens WHERE device_id = $1`, [washer.deviceId])).rowCount,
    ).toBe(0);
  });

  it('dead-letters a command DRS refuses, with its answer, and publishes the failure', async () => {
    const washer = await world.linkWasher();
    await call(sim, 'POST', `/control/v1/registrations/${washer.registrationId}/slots/${SOFTENER_ID}/pause`);
    const refused = world.replenish(washer.deviceId, 'softener');
    await world.publish('commands', [refused]);
    await world.waitUntil(
      async () => (await world.calls(washer.deviceId)).find((c) => c.call_id === refused.id && c.state === 'failed'),
      'the refusal',
    );
    const outcome = (await world.outcomes()).find((o) => o.data.commandId === refused.id);
    expect(outcome?.data).toMatchObject({ outcome: 'failed', httpStatus: 400 });
    expect(outcome?.data.error).toContain('is unsubscribed');
    await world.gateway.relay.drain();
    const dlq = await readTopic(world.kafka, world.topics['commands.v1.dlq']!, 1);
    const dead = dlq.find((m) => m.headers?.['event-id']?.toString() === refused.id);
    expect(dead?.headers?.['dlq-drs-status']?.toString()).toBe('400');
    expect(dead?.headers?.['dlq-reason']?.toString()).toContain('is unsubscribed');
    expect(JSON.parse(dead?.value?.toString() ?? '{}')).toMatchObject({ id: refused.id, type: 'ReplenishRequested' });
  });
});

const DETERGENT_ID = '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const SOFTENER_ID = '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f';
