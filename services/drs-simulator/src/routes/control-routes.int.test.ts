import { describe, expect, it } from 'vitest';
import {
  call,
  registerWasher,
  type SimulatorHarness,
  SOFTENER,
  startSimulator,
  WASHER_SLOTS,
} from '../test-support/simulator-harness.js';

const sim: SimulatorHarness = await startSimulator();

async function notificationTypes(registrationId: string): Promise<string[]> {
  const response = await call(sim, 'GET', `/control/v1/notifications?registrationId=${registrationId}`);
  return response
    .json<{ notifications: { notificationType: string }[] }>()
    .notifications.map((n) => n.notificationType);
}

describe('device models', () => {
  it('defines a model, inferring each slot unit type, and serves it with its topic', async () => {
    const response = await call(sim, 'PUT', '/control/v1/device-models/coffee-c1', {
      body: {
        slots: [
          { slotId: 'beans', asin: 'B0BEANS', quantity: 12, unit: 'oz', unitType: 'weight' },
          { slotId: 'pods', asin: 'B0PODS', quantity: 24, unit: 'pods' },
        ],
      },
    });
    expect(response.status).toBe(200);
    const read = await call(sim, 'GET', '/control/v1/device-models/coffee-c1');
    expect(read.json()).toMatchObject({
      modelId: 'coffee-c1',
      topicArn: sim.config.SNS_TOPIC_ARN,
      slots: [
        { slotId: 'beans', unitType: 'weight' },
        { slotId: 'pods', unitType: 'count' },
      ],
    });
  });

  it.each([
    ['an unknown unit', [{ slotId: 'a', asin: 'B0', quantity: 1, unit: 'gallons' }], 'UNIT_UNKNOWN'],
    ['oz without a unit type', [{ slotId: 'a', asin: 'B0', quantity: 1, unit: 'oz' }], 'UNIT_WRONG_TYPE'],
    [
      'a unit of another type',
      [{ slotId: 'a', asin: 'B0', quantity: 1, unit: 'kg', unitType: 'volume' }],
      'UNIT_WRONG_TYPE',
    ],
    [
      'a slot defined twice',
      [
        { slotId: 'a', asin: 'B0', quantity: 1, unit: 'l' },
        { slotId: 'a', asin: 'B1', quantity: 1, unit: 'l' },
      ],
      'SIM_MODEL_INVALID',
    ],
  ])('answers 400 problem+json for %s', async (_label, slots, code) => {
    const response = await call(sim, 'PUT', '/control/v1/device-models/bad-model', { body: { slots } });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code });
  });

  it('answers 400 naming the field for a body that does not match the schema', async () => {
    const response = await call(sim, 'PUT', '/control/v1/device-models/bad-model', { body: { slots: [] } });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'HTTP_VALIDATION_FAILED', field: '/body/slots' });
  });
});

describe('registrations', () => {
  it('answers 404 for a model that is not defined', async () => {
    const response = await call(sim, 'POST', '/control/v1/registrations', {
      body: { modelId: 'no-such-model', serialNumber: 'X1' },
    });
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ code: 'SIM_MODEL_UNKNOWN' });
  });

  it('answers 400 for a redirect URI the LWA security profile does not allow', async () => {
    const response = await call(sim, 'POST', '/control/v1/registrations', {
      body: { modelId: 'washer-x200', serialNumber: 'X2', slots: WASHER_SLOTS, redirectUri: 'https://evil.example/cb' },
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'SIM_REDIRECT_URI_NOT_ALLOWED' });
  });

  it('hands out a code for the configured client and publishes DeviceRegistered then SubscriptionChanged', async () => {
    const response = await call(sim, 'POST', '/control/v1/registrations', {
      body: {
        modelId: 'washer-x200',
        serialNumber: 'CTL-0001',
        slots: WASHER_SLOTS,
        directedCustomerId: 'amzn1.account.AEXAMPLECUSTOMER7Q',
      },
    });
    expect(response.status).toBe(201);
    const body = response.json<{ registration: { registrationId: string }; authorizationCode: string }>();
    expect(body).toMatchObject({
      clientId: sim.config.LWA_CLIENT_ID,
      redirectUri: 'https://app.restock.test/lwa/callback',
      authorizationCode: expect.stringMatching(/^[A-Za-z]{20}$/),
      registration: { directedCustomerId: 'amzn1.account.AEXAMPLECUSTOMER7Q', marketplace: 'US', isTestDevice: false },
      replacedRegistrationId: null,
    });
    expect(await notificationTypes(body.registration.registrationId)).toEqual([
      'DeviceRegisteredNotification',
      'SubscriptionChangedNotification',
    ]);
  });

  it('deregisters the previous registration of the same device, with DeviceDeregistered', async () => {
    const first = await registerWasher(sim, { serialNumber: 'CTL-0002' });
    const again = await call(sim, 'POST', '/control/v1/registrations', {
      body: { modelId: 'washer-x200', serialNumber: 'CTL-0002' },
    });
    expect(again.json()).toMatchObject({ replacedRegistrationId: first.registrationId });
    expect((await notificationTypes(first.registrationId)).at(-1)).toBe('DeviceDeregisteredNotification');
  });

  it('leaves exactly one active registration when one device is registered many times at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        call(sim, 'POST', '/control/v1/registrations', {
          body: { modelId: 'washer-x200', serialNumber: 'CTL-RACE', slots: WASHER_SLOTS },
        }),
      ),
    );
    for (const answer of answers) {
      expect([201, 409]).toContain(answer.status);
      if (answer.status === 409) expect(answer.json()).toMatchObject({ code: 'SIM_REGISTRATION_CONFLICT' });
    }
    const active = await call(sim, 'GET', '/control/v1/registrations?serialNumber=CTL-RACE&active=true');
    expect(active.json<{ registrations: unknown[] }>().registrations).toHaveLength(1);
  });

  it('sends SubscriptionChanged only for a real change, and pauses and resumes a slot', async () => {
    const device = await registerWasher(sim, { serialNumber: 'CTL-0003' });
    const url = `/control/v1/registrations/${device.registrationId}/slots/${SOFTENER}`;
    const same = await call(sim, 'PATCH', url, { body: { subscribed: true } });
    expect(same.json()).toMatchObject({ changed: false });
    const paused = await call(sim, 'POST', `${url}/pause`);
    expect(paused.json<{ slots: { slotId: string; subscribed: boolean }[] }>().slots).toContainEqual(
      expect.objectContaining({ slotId: SOFTENER, subscribed: false }),
    );
    await call(sim, 'POST', `${url}/resume`);
    expect(await notificationTypes(device.registrationId)).toEqual([
      'DeviceRegisteredNotification',
      'SubscriptionChangedNotification',
      'SubscriptionChangedNotification',
      'SubscriptionChangedNotification',
    ]);
  });

  it('answers 409 for changes to a deregistered registration, and 404 for an unknown one', async () => {
    const device = await registerWasher(sim, { serialNumber: 'CTL-0004' });
    await call(sim, 'DELETE', `/control/v1/registrations/${device.registrationId}`);
    const again = await call(sim, 'DELETE', `/control/v1/registrations/${device.registrationId}`);
    expect(again.status).toBe(409);
    const patched = await call(
      sim,
      'POST',
      `/control/v1/registrations/${device.registrationId}/slots/${SOFTENER}/pause`,
    );
    expect(patched.status).toBe(409);
    const unknown = await call(sim, 'GET', '/control/v1/registrations/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
  });
});

describe('faults, clock and health', () => {
  it('sets faults with defaults for what is not named, and clears them', async () => {
    const set = await call(sim, 'PUT', '/control/v1/faults', {
      body: { seed: 3, notifications: { duplicateRate: 0.25 } },
    });
    expect(set.json()).toEqual({
      seed: 3,
      api: { failRate: 0, slowRate: 0, slowMs: 0, tokenExpiryRate: 0 },
      notifications: { duplicateRate: 0.25, lateRate: 0, lateSeconds: 0, reorderWindow: 0, reorderMaxHoldSeconds: 60 },
      orders: { resolutionRate: 0 },
    });
    expect((await call(sim, 'GET', '/control/v1/faults')).json()).toEqual(set.json());
    const cleared = await call(sim, 'DELETE', '/control/v1/faults');
    expect(cleared.json()).toMatchObject({ seed: 3, notifications: { duplicateRate: 0 } });
    expect((await call(sim, 'PUT', '/control/v1/faults', { body: { api: { failRate: 2 } } })).status).toBe(400);
  });

  it('advances the simulated clock by the seconds asked and reports the tick', async () => {
    const before = new Date((await call(sim, 'GET', '/control/v1/clock')).json<{ now: string }>().now).getTime();
    const advanced = await call(sim, 'POST', '/control/v1/clock/advance', { body: { seconds: 3600 } });
    const body = advanced.json<{ now: string; scale: number; tick: Record<string, unknown> }>();
    expect(new Date(body.now).getTime() - before).toBeGreaterThanOrEqual(3_600_000);
    expect(body).toMatchObject({ scale: 1, tick: { shipped: 0, delivered: 0, expired: 0, released: 0 } });
  });

  it('answers /health/live and /health/ready with PostgreSQL up', async () => {
    expect((await call(sim, 'GET', '/health/live')).json()).toEqual({ status: 'live' });
    expect((await call(sim, 'GET', '/health/ready')).json()).toMatchObject({
      status: 'ready',
      checks: { postgres: { status: 'up' } },
    });
  });
});
