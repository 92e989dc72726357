import { createCodec, type InventoryAdjusted, type SlotPreferencesChanged, Topics } from '@restock/events';
import { captureLogs } from '@restock/telemetry/testing';
import { toCanonical } from '@restock/units';
import { describe, expect, it } from 'vitest';
import {
  deviceEvent,
  deviceState,
  modelDefined,
  publishCatalog,
  washingMachineModel,
} from './test-support/fixtures.js';
import { startQueryHarness, waitFor } from './test-support/query-harness.js';

const logs = captureLogs();
const h = await startQueryHarness({ logLevel: 'trace', logDestination: logs.destination });
const { app, rows } = h;
const s = h.suffix;
const ALICE = `alice-${s}`;
const BOB = `bob-${s}`;
const WASHER = `washer-${s}`;
const BOB_WASHER = `bobwasher-${s}`;
const MODEL = `WM-${s}`;

const adjustmentsCodec = createCodec(Topics.adjustments);
const commandsCodec = createCodec(Topics.commands);
const adjustments = await h.collect(h.topics['adjustments.v1']!, (v) => adjustmentsCodec.decode(v));
const commands = await h.collect(h.topics['commands.v1']!, (v) => commandsCodec.decode(v));

await publishCatalog(h.producer, h.topics['catalog.v1']!, [
  modelDefined(washingMachineModel(MODEL)),
  deviceEvent('DeviceClaimed', deviceState(WASHER, MODEL, 'US', ALICE)),
  deviceEvent('DeviceClaimed', deviceState(BOB_WASHER, MODEL, 'US', BOB)),
]);
await waitFor(
  async () => (await h.db.pool.query('SELECT count(*)::int AS n FROM query.devices')).rows[0]?.n,
  (n) => n === 2,
);
await rows.slot(WASHER, 'detergent', { unitType: 'volume', capacity: 3000, level: 1200 });

async function send(
  method: 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  options: { customer?: string; key?: string } = {},
) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${await h.token(options.customer ?? ALICE)}`,
    ...(options.key === undefined ? {} : { 'idempotency-key': options.key }),
  };
  const response = await app.inject({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

const adjust = (body: unknown, options: { customer?: string; key?: string; device?: string; slot?: string } = {}) =>
  send(
    'POST',
    `/v1/devices/${options.device ?? WASHER}/slots/${options.slot ?? 'detergent'}/adjustments`,
    body,
    options,
  );

async function published<T extends { id: string }>(from: { events: T[] }, id: string): Promise<T> {
  const found = await waitFor(
    async () => from.events.find((e) => e.id === id),
    (e) => e !== undefined,
    10_000,
  );
  if (found === undefined) throw new Error(`event ${id} was not published`);
  return found;
}

describe('POST /v1/devices/{deviceId}/slots/{slotId}/adjustments', () => {
  it('answers 202 with the event id and publishes InventoryAdjusted with the level converted exactly', async () => {
    const { status, body } = await adjust({ mode: 'setLevel', quantity: 1.5, unit: 'litres' });
    expect(status).toBe(202);
    expect(body).toEqual({
      eventId: expect.any(String),
      slotId: 'detergent',
      mode: 'setLevel',
      canonical: { quantity: 1500, unit: 'ml' },
    });
    const event = (await published(adjustments, body.eventId)) as InventoryAdjusted;
    expect(event).toMatchObject({
      type: 'InventoryAdjusted',
      deviceId: WASHER,
      source: 'query',
      data: {
        slotId: 'detergent',
        mode: 'setLevel',
        quantity: 1500,
        unit: 'ml',
        reported: { quantity: 1.5, unit: 'litres' },
        customerId: ALICE,
      },
    });
  });

  it('accepts any spelling of a unit of the slot type: fluid ounces, and a level in percent of a full refill', async () => {
    const spare = await adjust({ mode: 'addSpare', quantity: 33.8, unit: 'FL. OZ' });
    expect(spare.status).toBe(202);
    expect(spare.body.canonical).toEqual(toCanonical(33.8, 'fl oz', 'volume'));
    const percent = await adjust({ mode: 'setLevel', quantity: 25, unit: '%' });
    expect(percent.body.canonical).toEqual({ quantity: 750, unit: 'ml' });
    expect(((await published(adjustments, spare.body.eventId)) as InventoryAdjusted).data.mode).toBe('addSpare');
    expect(((await published(adjustments, percent.body.eventId)) as InventoryAdjusted).data.quantity).toBe(750);
  });

  it('answers 400 naming the field for a negative quantity, a unit of the wrong type, an unknown unit, a level above capacity', async () => {
    const cases: [unknown, string][] = [
      [{ mode: 'addSpare', quantity: -1, unit: 'ml' }, '/body/quantity'],
      [{ mode: 'addSpare', quantity: 1, unit: 'kg' }, '/body/unit'],
      [{ mode: 'addSpare', quantity: 1, unit: 'cups' }, '/body/unit'],
      [{ mode: 'setLevel', quantity: 3.5, unit: 'l' }, '/body/quantity'],
      [{ mode: 'setLevel', quantity: 120, unit: '%' }, '/body/quantity'],
      [{ mode: 'addSpare', quantity: 0, unit: 'l' }, '/body/quantity'],
      [{ mode: 'refill', quantity: 1, unit: 'l' }, '/body/mode'],
      [{ quantity: 1, unit: 'l' }, '/body/mode'],
    ];
    // On the softener, which nothing else in this file adjusts: no event of it may appear.
    for (const [body, field] of cases) {
      const answer = await adjust(body, { slot: 'softener' });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.field, JSON.stringify(body)).toBe(field);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(adjustments.events.filter((e) => e.type === 'InventoryAdjusted' && e.data.slotId === 'softener')).toEqual(
      [],
    );
  });

  it('makes a retry with the same Idempotency-Key the same event, published once', async () => {
    const key = `retry-${s}`;
    const first = await adjust({ mode: 'addSpare', quantity: 2, unit: 'liters' }, { key });
    const again = await adjust({ mode: 'addSpare', quantity: 2, unit: 'liters' }, { key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    await published(adjustments, first.body.eventId);
    await new Promise((r) => setTimeout(r, 500));
    expect(adjustments.events.filter((e) => e.id === first.body.eventId)).toHaveLength(1);
  });

  it('answers 422 when an Idempotency-Key is reused for a different request', async () => {
    const key = `reuse-${s}`;
    expect((await adjust({ mode: 'addSpare', quantity: 1, unit: 'l' }, { key })).status).toBe(202);
    const other = await adjust({ mode: 'addSpare', quantity: 5, unit: 'l' }, { key });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'QRY_IDEMPOTENCY_MISMATCH', field: '/headers/idempotency-key' });
  });

  it("answers 404 for another customer's device and publishes nothing", async () => {
    const answer = await adjust({ mode: 'addSpare', quantity: 1, unit: 'l' }, { device: BOB_WASHER });
    expect(answer.status).toBe(404);
    await new Promise((r) => setTimeout(r, 500));
    expect(adjustments.events.filter((e) => e.deviceId === BOB_WASHER)).toEqual([]);
  });
});

describe('PUT /v1/devices/{deviceId}/slots/{slotId}/preferences', () => {
  it('stores the days of cover, shows them on the device and publishes SlotPreferencesChanged once per change', async () => {
    const url = `/v1/devices/${WASHER}/slots/detergent/preferences`;
    const detail = async () =>
      (
        await app.inject({
          method: 'GET',
          url: `/v1/devices/${WASHER}`,
          headers: { authorization: `Bearer ${await h.token(ALICE)}` },
        })
      ).json().slots[0];
    expect(await detail()).toMatchObject({ daysOfCover: 7, daysOfCoverChosen: false });
    const set = await send('PUT', url, { daysOfCover: 14 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ slotId: 'detergent', daysOfCover: 14, eventId: expect.any(String) });
    expect(await detail()).toMatchObject({ daysOfCover: 14, daysOfCoverChosen: true });
    const event = (await published(adjustments, set.body.eventId)) as SlotPreferencesChanged;
    expect(event).toMatchObject({
      type: 'SlotPreferencesChanged',
      deviceId: WASHER,
      data: { slotId: 'detergent', daysOfCover: 14, customerId: ALICE },
    });

    const same = await send('PUT', url, { daysOfCover: 14 });
    expect(same.body.eventId).toBe(set.body.eventId);
    await new Promise((r) => setTimeout(r, 300));
    expect(adjustments.events.filter((e) => e.type === 'SlotPreferencesChanged')).toHaveLength(1);
  });

  it('answers 400 naming the field for days of cover outside 1..60, and 404 for an unknown slot', async () => {
    for (const daysOfCover of [0, 61, 2.5]) {
      const answer = await send('PUT', `/v1/devices/${WASHER}/slots/detergent/preferences`, { daysOfCover });
      expect(answer.status).toBe(400);
      expect(answer.body.field).toBe('/body/daysOfCover');
    }
    const unknown = await send('PUT', `/v1/devices/${WASHER}/slots/bleach/preferences`, { daysOfCover: 10 });
    expect(unknown.status).toBe(404);
  });
});

describe('DRS link', () => {
  const code = `ANdNAVhyhqirUelHGEHA-${s}`;

  it('publishes LinkDrsAccount with the Login with Amazon code and answers 202, never logging the code', async () => {
    const answer = await send('POST', `/v1/devices/${WASHER}/drs-link`, {
      authorizationCode: code,
      redirectUri: 'https://app.example.com/lwa',
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ eventId: expect.any(String) });
    const event = await published(commands, answer.body.eventId);
    expect(event).toMatchObject({
      type: 'LinkDrsAccount',
      deviceId: WASHER,
      data: { customerId: ALICE, authorizationCode: code, redirectUri: 'https://app.example.com/lwa' },
    });
    expect(logs.lines().length).toBeGreaterThan(0);
    expect(JSON.stringify(logs.lines())).not.toContain(code);
  });

  it('answers 400 for a missing code and 404 for another customer device, publishing nothing', async () => {
    const missing = await send('POST', `/v1/devices/${WASHER}/drs-link`, {
      redirectUri: 'https://app.example.com/lwa',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('/body/authorizationCode');
    const other = await send('POST', `/v1/devices/${BOB_WASHER}/drs-link`, {
      authorizationCode: 'x',
      redirectUri: 'https://app.example.com/lwa',
    });
    expect(other.status).toBe(404);
    await new Promise((r) => setTimeout(r, 500));
    expect(commands.events.filter((e) => e.deviceId === BOB_WASHER)).toEqual([]);
  });

  it('publishes DeregisterRequested on DELETE and answers 202', async () => {
    const answer = await send('DELETE', `/v1/devices/${WASHER}/drs-link`);
    expect(answer.status).toBe(202);
    const event = await published(commands, answer.body.eventId);
    expect(event).toMatchObject({ type: 'DeregisterRequested', deviceId: WASHER, data: { customerId: ALICE } });
    expect((await send('DELETE', `/v1/devices/${BOB_WASHER}/drs-link`)).status).toBe(404);
  });

  it('makes a retried unlink with the same Idempotency-Key the same event', async () => {
    const key = `unlink-${s}`;
    const first = await send('DELETE', `/v1/devices/${WASHER}/drs-link`, undefined, { key });
    const again = await send('DELETE', `/v1/devices/${WASHER}/drs-link`, undefined, { key });
    expect(again.body.eventId).toBe(first.body.eventId);
    await published(commands, first.body.eventId);
    await new Promise((r) => setTimeout(r, 500));
    expect(commands.events.filter((e) => e.id === first.body.eventId)).toHaveLength(1);
  });
});
