import { randomUUID } from 'node:crypto';
import { fromCanonical } from '@restock/units';
import { describe, expect, it } from 'vitest';
import {
  coffeeMachineModel,
  deviceEvent,
  deviceState,
  modelDefined,
  publishCatalog,
  washingMachineModel,
} from './test-support/fixtures.js';
import { POLICY_SCHEMA, startQueryHarness, waitFor } from './test-support/query-harness.js';

const NOW = new Date('2025-06-15T12:00:00.000Z');
const h = await startQueryHarness({ now: NOW });
const { app, rows } = h;
const s = h.suffix;
const ALICE = `alice-${s}`;
const BOB = `bob-${s}`;
const WASHER = `washer-${s}`;
const COFFEE = `coffee-${s}`;
const BOB_WASHER = `bobwasher-${s}`;
const UNCLAIMED = `unclaimed-${s}`;
const WASHER_MODEL = `WM-${s}`;
const COFFEE_MODEL = `CM-${s}`;
const flOz = (ml: number) => fromCanonical(ml, 'volume', 'fl oz');
const at = (iso: string) => new Date(iso);

// The catalogue arrives through catalog.v1, as in production; the inventory is written into the
// projector's tables directly.
await publishCatalog(h.producer, h.topics['catalog.v1']!, [
  modelDefined(washingMachineModel(WASHER_MODEL)),
  modelDefined(coffeeMachineModel(COFFEE_MODEL)),
  deviceEvent('DeviceClaimed', deviceState(WASHER, WASHER_MODEL, 'US', ALICE)),
  deviceEvent('DeviceClaimed', deviceState(COFFEE, COFFEE_MODEL, 'DE', ALICE)),
  deviceEvent('DeviceClaimed', deviceState(BOB_WASHER, WASHER_MODEL, 'US', BOB)),
  deviceEvent('DeviceProvisioned', deviceState(UNCLAIMED, WASHER_MODEL, 'US', null)),
]);
await waitFor(
  async () => (await h.db.pool.query('SELECT count(*)::int AS n FROM query.devices')).rows[0]?.n,
  (n) => n === 4,
);
await rows.slot(WASHER, 'detergent', {
  unitType: 'volume',
  capacity: 3000,
  level: 1200,
  spareStock: 300,
  revision: 17,
});
await rows.slot(WASHER, 'softener', { unitType: 'volume', capacity: 1500, level: 1500, revision: 2 });
for (let day = 1; day <= 14; day++)
  await rows.daily(WASHER, 'detergent', `2025-06-${String(day).padStart(2, '0')}`, 100);
await rows.daily(WASHER, 'detergent', '2025-06-15', 50);
await rows.order(WASHER, 'order-open', {
  slotId: 'detergent',
  state: 'shipped',
  quantity: 2000,
  asin: 'B000DET001',
  placedAt: at('2025-06-12T08:00:00Z'),
  shippedAt: at('2025-06-13T08:00:00Z'),
  estimatedDeliveryAt: at('2025-06-17T18:00:00Z'),
});
await rows.order(WASHER, 'order-arrived', {
  slotId: 'detergent',
  state: 'arrived',
  quantity: 2000,
  placedAt: at('2025-05-01T08:00:00Z'),
  arrivedAt: at('2025-05-05T08:00:00Z'),
});
await rows.order(WASHER, 'order-cancelled', {
  slotId: 'softener',
  state: 'cancelled',
  quantity: 1500,
  placedAt: at('2025-05-20T08:00:00Z'),
  cancelledAt: at('2025-05-20T09:00:00Z'),
});
await rows.subscription(WASHER, 'detergent', true, 'B000DET001');
await rows.subscription(WASHER, 'softener', false, null);
await rows.registration(WASHER, at('2025-06-01T10:00:00Z'));
await rows.slot(COFFEE, 'pods', { unitType: 'count', capacity: 40, level: 12 });
await rows.slot(COFFEE, 'beans', { unitType: 'weight', capacity: 1000, level: 250 });
// Decisions as the reorder-policy service stores them.
await h.db.pool.query(
  `INSERT INTO ${POLICY_SCHEMA}.decisions (device_id, slot_id, decided_at, outcome, reason, command_id, cycle) VALUES
   ($1, 'detergent', '2025-06-12T07:59:00Z', 'ordered', '{"burnRatePerDay": 100, "stockOnHand": 1500, "threshold": 1550, "daysLeft": 15}', $2, 3),
   ($1, 'detergent', '2025-06-10T07:59:00Z', 'held', '{"burnRatePerDay": 100, "stockOnHand": 1700, "threshold": 700, "daysLeft": 17}', NULL, 3)`,
  [WASHER, randomUUID()],
);

async function get(url: string, customer: string | null = ALICE, headers: Record<string, string> = {}) {
  const authorization = customer === null ? {} : { authorization: `Bearer ${await h.token(customer)}` };
  const response = await app.inject({ method: 'GET', url, headers: { ...authorization, ...headers } });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

describe('GET /v1/devices', () => {
  it("lists only the customer's own devices, with model, marketplace and localized names", async () => {
    const { status, body } = await get('/v1/devices');
    expect(status).toBe(200);
    expect(body.devices).toEqual([
      {
        deviceId: COFFEE,
        name: 'Kaffeemaschine',
        modelId: COFFEE_MODEL,
        modelName: `Coffee ${COFFEE_MODEL}`,
        kind: 'coffee_machine',
        marketplace: 'DE',
        serialNumber: expect.any(String),
        slots: [
          { slotId: 'pods', name: 'Kapseln' },
          { slotId: 'beans', name: 'Bohnen' },
        ],
      },
      {
        deviceId: WASHER,
        name: 'SmartWash 500',
        modelId: WASHER_MODEL,
        modelName: `Washer ${WASHER_MODEL}`,
        kind: 'washing_machine',
        marketplace: 'US',
        serialNumber: expect.any(String),
        slots: [
          { slotId: 'detergent', name: 'Laundry detergent' },
          { slotId: 'softener', name: 'Fabric softener' },
        ],
      },
    ]);
  });

  it('lists nothing for a customer without devices', async () => {
    expect((await get('/v1/devices', `nobody-${s}`)).body).toEqual({ devices: [] });
  });
});

describe('GET /v1/devices/{deviceId}', () => {
  it('shows every slot in US units with stock on hand, shipments, burn rate from history, days left and run-out date', async () => {
    const { status, body } = await get(`/v1/devices/${WASHER}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      deviceId: WASHER,
      name: 'SmartWash 500',
      marketplace: 'US',
      drs: { registered: true, registeredAt: '2025-06-01T10:00:00.000Z', deregisteredAt: null },
      asOf: NOW.toISOString(),
    });
    const detergent = body.slots[0];
    // 14 days of 100 ml and 50 ml today over 14.5 days: 100 ml a day. Stock on hand: 1200 in the slot,
    // 300 on the shelf, 2000 on the way = 3500 ml, 35 days from noon on June 15th.
    expect(detergent).toEqual({
      slotId: 'detergent',
      name: 'Laundry detergent',
      unitType: 'volume',
      unit: 'fl oz',
      level: flOz(1200),
      capacity: flOz(3000),
      percent: 40,
      spareStock: flOz(300),
      stockOnHand: flOz(3500),
      onTheWay: [
        {
          instanceId: 'order-open',
          state: 'shipped',
          quantity: flOz(2000),
          estimatedDeliveryAt: '2025-06-17T18:00:00.000Z',
        },
      ],
      burnRatePerDay: flOz(100),
      burnRate: { basis: 'history', windowDays: 14.5 },
      daysLeft: 35,
      runOutDate: '2025-07-20',
      autoReorder: { enabled: true, asin: 'B000DET001' },
      openOrder: {
        instanceId: 'order-open',
        state: 'shipped',
        quantity: flOz(2000),
        asin: 'B000DET001',
        placedAt: '2025-06-12T08:00:00.000Z',
        estimatedDeliveryAt: '2025-06-17T18:00:00.000Z',
      },
      daysOfCover: 7,
      daysOfCoverChosen: false,
      lastUseAt: null,
      revision: 17,
      canonical: { unit: 'ml', level: 1200, capacity: 3000, spareStock: 300, stockOnHand: 3500, burnRatePerDay: 100 },
    });
  });

  it("uses the model's default daily use for a slot without history", async () => {
    const softener = (await get(`/v1/devices/${WASHER}`)).body.slots[1];
    expect(softener).toMatchObject({
      slotId: 'softener',
      name: 'Fabric softener',
      burnRate: { basis: 'default', windowDays: 0 },
      burnRatePerDay: flOz(25),
      daysLeft: 60,
      runOutDate: '2025-08-14',
      autoReorder: { enabled: false, asin: null },
      openOrder: null,
      onTheWay: [],
    });
  });

  it('shows metric and count units outside the US', async () => {
    const { body } = await get(`/v1/devices/${COFFEE}`);
    expect(body.drs).toEqual({ registered: false, registeredAt: null, deregisteredAt: null });
    expect(
      body.slots.map((x: { name: string; unit: string; level: number; daysLeft: number }) => [
        x.name,
        x.unit,
        x.level,
        x.daysLeft,
      ]),
    ).toEqual([
      ['Kapseln', 'count', 12, 3],
      ['Bohnen', 'kg', 0.25, 8.33],
    ]);
  });

  it("answers 404 for another customer's device, exactly as for a device that does not exist", async () => {
    const other = await get(`/v1/devices/${BOB_WASHER}`);
    const unknown = await get(`/v1/devices/nothing-${s}`);
    const unclaimed = await get(`/v1/devices/${UNCLAIMED}`);
    for (const answer of [other, unknown, unclaimed]) {
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 404, code: 'QRY_DEVICE_NOT_FOUND' });
    }
    expect(other.body.detail).toBe(`device ${BOB_WASHER} was not found`);
    expect((await get(`/v1/devices/${BOB_WASHER}`, BOB)).status).toBe(200);
  });
});

describe('authentication', () => {
  it('answers 401 with a problem document without a bearer token', async () => {
    const { status, headers, body } = await get(`/v1/devices/${WASHER}`, null);
    expect(status).toBe(401);
    expect(headers['www-authenticate']).toBe('Bearer realm="restock"');
    expect(body).toMatchObject({ code: 'AUTH_MISSING', status: 401 });
  });

  it('answers 401 to a token signed with another key', async () => {
    const forged = await h.token(ALICE, { secret: 'another-secret-that-is-at-least-32-bytes-long' });
    const response = await app.inject({
      method: 'GET',
      url: '/v1/devices',
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(response.json()).toMatchObject({ code: 'AUTH_INVALID', detail: expect.stringContaining('signature') });
  });

  it('answers 401 to an expired token', async () => {
    const expired = await h.token(ALICE, { ttlSec: 60, now: new Date(Date.now() - 2 * 60 * 60_000) });
    const response = await app.inject({
      method: 'GET',
      url: `/v1/devices/${WASHER}`,
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'AUTH_INVALID', detail: expect.stringContaining('expired') });
  });

  it('answers 401 to a token that is not a JWT at all', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/devices',
      headers: { authorization: 'Bearer not.a.jwt' },
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('GET /v1/devices/{deviceId}/orders', () => {
  it('lists every order with its state and dates, newest first, in display units', async () => {
    const { status, body } = await get(`/v1/devices/${WASHER}/orders`);
    expect(status).toBe(200);
    expect(body.orders.map((o: { instanceId: string; state: string }) => [o.instanceId, o.state])).toEqual([
      ['order-open', 'shipped'],
      ['order-cancelled', 'cancelled'],
      ['order-arrived', 'arrived'],
    ]);
    expect(body.orders[0]).toEqual({
      instanceId: 'order-open',
      slotId: 'detergent',
      slotName: 'Laundry detergent',
      state: 'shipped',
      unit: 'fl oz',
      quantity: flOz(2000),
      canonicalQuantity: 2000,
      asin: 'B000DET001',
      placedAt: '2025-06-12T08:00:00.000Z',
      shippedAt: '2025-06-13T08:00:00.000Z',
      estimatedDeliveryAt: '2025-06-17T18:00:00.000Z',
      arrivedAt: null,
      cancelledAt: null,
    });
    expect(body.orders[2]).toMatchObject({ arrivedAt: '2025-05-05T08:00:00.000Z' });
  });

  it("answers 404 for another customer's orders", async () => {
    expect((await get(`/v1/devices/${BOB_WASHER}/orders`)).status).toBe(404);
  });
});

describe('GET /v1/devices/{deviceId}/slots/{slotId}/history', () => {
  it('lists the use of each of the last N days, zero-filled, in display and canonical units', async () => {
    const { status, body } = await get(`/v1/devices/${WASHER}/slots/detergent/history?days=3`);
    expect(status).toBe(200);
    expect(body).toEqual({
      slotId: 'detergent',
      name: 'Laundry detergent',
      unit: 'fl oz',
      canonicalUnit: 'ml',
      from: '2025-06-13',
      to: '2025-06-15',
      days: [
        { day: '2025-06-13', quantity: flOz(100), canonicalQuantity: 100 },
        { day: '2025-06-14', quantity: flOz(100), canonicalQuantity: 100 },
        { day: '2025-06-15', quantity: flOz(50), canonicalQuantity: 50 },
      ],
    });
    const quiet = await get(`/v1/devices/${WASHER}/slots/softener/history?days=2`);
    expect(quiet.body.days.map((d: { quantity: number }) => d.quantity)).toEqual([0, 0]);
  });

  it('answers 400 naming the parameter for a bad number of days, and 404 for an unknown slot', async () => {
    const bad = await get(`/v1/devices/${WASHER}/slots/detergent/history?days=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('/querystring/days');
    const unknown = await get(`/v1/devices/${WASHER}/slots/bleach/history`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'QRY_SLOT_NOT_FOUND', field: '/params/slotId' });
  });
});

describe('GET /v1/devices/{deviceId}/slots/{slotId}/decisions', () => {
  it("lists the reorder policy's decisions with their reasons, newest first", async () => {
    const { status, body } = await get(`/v1/devices/${WASHER}/slots/detergent/decisions`);
    expect(status).toBe(200);
    expect(body).toEqual({
      slotId: 'detergent',
      decisions: [
        {
          decidedAt: '2025-06-12T07:59:00.000Z',
          outcome: 'ordered',
          reason: { burnRatePerDay: 100, stockOnHand: 1500, threshold: 1550, daysLeft: 15 },
        },
        {
          decidedAt: '2025-06-10T07:59:00.000Z',
          outcome: 'held',
          reason: { burnRatePerDay: 100, stockOnHand: 1700, threshold: 700, daysLeft: 17 },
        },
      ],
    });
    expect((await get(`/v1/devices/${WASHER}/slots/softener/decisions`)).body.decisions).toEqual([]);
    expect((await get(`/v1/devices/${BOB_WASHER}/slots/detergent/decisions`)).status).toBe(404);
  });
});

describe('OpenAPI, health and metrics', () => {
  it('serves an OpenAPI document of every route, generated from the route schemas, and a browsable UI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/health/live',
      '/health/ready',
      '/v1/devices',
      '/v1/devices/{deviceId}',
      '/v1/devices/{deviceId}/drs-link',
      '/v1/devices/{deviceId}/orders',
      '/v1/devices/{deviceId}/slots/{slotId}/adjustments',
      '/v1/devices/{deviceId}/slots/{slotId}/decisions',
      '/v1/devices/{deviceId}/slots/{slotId}/history',
      '/v1/devices/{deviceId}/slots/{slotId}/preferences',
      '/v1/devices/{deviceId}/stream',
    ]);
    expect(doc.paths['/v1/devices/{deviceId}/slots/{slotId}/adjustments'].post.requestBody).toBeDefined();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('is live and ready with PostgreSQL, Kafka and Redis up', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      degraded: false,
      checks: { postgres: { status: 'up' }, kafka: { status: 'up' }, redis: { status: 'up', required: false } },
    });
  });

  it('needs no token for probes, the document and the UI', async () => {
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });
});
