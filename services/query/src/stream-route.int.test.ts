import type { InventoryChanged } from '@restock/events';
import { silentLog } from '@restock/kafka';
import { fromCanonical } from '@restock/units';
import { afterAll, describe, expect, it } from 'vitest';
import { createChangeLog } from './store/change-log.js';
import { createStaleKeys } from './store/stale-keys.js';
import {
  deviceEvent,
  deviceState,
  inventoryChanged,
  inventoryCodec,
  modelDefined,
  publishCatalog,
  washingMachineModel,
} from './test-support/fixtures.js';
import { deadRedis, sameRedis, startQueryHarness, waitFor } from './test-support/query-harness.js';
import { openSse, type SseClient } from './test-support/sse-client.js';

const h = await startQueryHarness({ config: { sse: { heartbeatMs: 200, replayMax: 100, replayTtlMs: 60_000 } } });
const { app, rows } = h;
const s = h.suffix;
const ALICE = `alice-${s}`;
const BOB = `bob-${s}`;
const WASHER = `washer-${s}`;
const QUIET = `quiet-${s}`;
const BOB_WASHER = `bobwasher-${s}`;
const FANOUT = `fanout-${s}`;
const MODEL = `WM-${s}`;
const inventoryTopic = h.topics['inventory.v1']!;

await publishCatalog(h.producer, h.topics['catalog.v1']!, [
  modelDefined(washingMachineModel(MODEL)),
  deviceEvent('DeviceClaimed', deviceState(WASHER, MODEL, 'US', ALICE)),
  deviceEvent('DeviceClaimed', deviceState(QUIET, MODEL, 'DE', ALICE)),
  deviceEvent('DeviceClaimed', deviceState(BOB_WASHER, MODEL, 'US', BOB)),
  deviceEvent('DeviceClaimed', deviceState(FANOUT, MODEL, 'US', ALICE)),
]);
await waitFor(
  async () => (await h.db.pool.query('SELECT count(*)::int AS n FROM query.devices')).rows[0]?.n,
  (n) => n === 4,
);
await rows.slot(WASHER, 'detergent', { unitType: 'volume', capacity: 3000, level: 1200, revision: 1 });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const clients: SseClient[] = [];
afterAll(() => {
  for (const c of clients) c.close();
});

async function stream(deviceId: string, options: { lastEventId?: string; url?: string; customer?: string } = {}) {
  const client = await openSse(`${options.url ?? base}/v1/devices/${deviceId}/stream`, {
    authorization: `Bearer ${await h.token(options.customer ?? ALICE)}`,
    ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
  });
  clients.push(client);
  return client;
}

let revision = 1;
/** Publishes a change of the washer's detergent as the projector would, after writing its new state. */
async function change(level: number, deviceId = WASHER): Promise<InventoryChanged> {
  revision++;
  const event = inventoryChanged(deviceId, { slotId: 'detergent', level, stockOnHand: level, revision });
  await h.producer.publish(inventoryCodec, [event], inventoryTopic);
  return event;
}

const levelOf = (e: { data: string }) => JSON.parse(e.data).canonical.level as number;

describe('GET /v1/devices/{deviceId}/stream', () => {
  it('opens with a snapshot of the device as GET answers it', async () => {
    const client = await stream(WASHER);
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const first = await client.next();
    expect(first.event).toBe('snapshot');
    const snapshot = JSON.parse(first.data);
    expect(snapshot).toMatchObject({ deviceId: WASHER, name: 'SmartWash 500' });
    expect(snapshot.slots[0]).toMatchObject({ slotId: 'detergent', canonical: { level: 1200 } });
    client.close();
  });

  it('sends a change published on inventory.v1 to the open stream, in the marketplace units', async () => {
    const client = await stream(WASHER);
    await client.next();
    const published = await change(900);
    const event = await client.next();
    expect(event.event).toBe('slot');
    expect(event.id).toMatch(/^\d+-0$/);
    expect(JSON.parse(event.data)).toMatchObject({
      deviceId: WASHER,
      slotId: 'detergent',
      name: 'Laundry detergent',
      unit: 'fl oz',
      level: fromCanonical(900, 'volume', 'fl oz'),
      revision: published.data.revision,
      changedAt: published.occurredAt,
      canonical: { unit: 'ml', level: 900 },
    });
    client.close();
  });

  it('misses nothing on a reconnect with Last-Event-ID: exactly the changes after it, in order, then live ones', async () => {
    const client = await stream(WASHER);
    await client.next();
    await change(800);
    const seen = await client.next();
    client.close();
    // Changes while the client is away; a second stream shows when they have been fanned out.
    const watcher = await stream(WASHER);
    await watcher.next();
    await change(700);
    await change(600);
    await watcher.waitFor((e) => e.event === 'slot' && levelOf(e) === 600);
    watcher.close();

    const back = await stream(WASHER, { lastEventId: seen.id! });
    const missed = [await back.next(), await back.next()];
    expect(missed.map((e) => [e.event, levelOf(e)])).toEqual([
      ['slot', 700],
      ['slot', 600],
    ]);
    await change(500);
    const live = await back.next();
    expect(levelOf(live)).toBe(500);
    const ids = [seen, ...missed, live].map((e) => BigInt(e.id!.split('-')[0]!));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    back.close();
  });

  it('sends the whole state again when the Last-Event-ID is no longer kept', async () => {
    const client = await stream(WASHER, { lastEventId: '424242424-0' });
    const first = await client.next();
    expect(first.event).toBe('snapshot');
    expect(first.id).toMatch(/^\d+-0$/);
    const garbage = await stream(WASHER, { lastEventId: 'not-an-id' });
    expect((await garbage.next()).event).toBe('snapshot');
    client.close();
    garbage.close();
  });

  it("sends only the device's own changes", async () => {
    const client = await stream(QUIET);
    await client.next();
    await change(450);
    await change(40, QUIET);
    const event = await client.next();
    expect(JSON.parse(event.data)).toMatchObject({ deviceId: QUIET, unit: 'l', level: 0.04 });
    client.close();
  });

  it('sends heartbeats while nothing changes', async () => {
    const client = await stream(QUIET);
    await client.waitFor((e) => e.comment?.startsWith('heartbeat') === true, 2_000);
    client.close();
  });

  it('unsubscribes when the client goes away', async () => {
    const channel = `${h.redisPrefix}changes:${QUIET}`;
    const subscribers = async () => {
      const [, count] = (await h.redis.pubsub('NUMSUB', channel)) as [string, number];
      return Number(count);
    };
    await waitFor(subscribers, (n) => n === 0, 5_000);
    const client = await stream(QUIET);
    await client.next();
    expect(await subscribers()).toBe(1);
    client.close();
    expect(await waitFor(subscribers, (n) => n === 0, 5_000)).toBe(0);
  });

  it("answers 404 for another customer's device and 401 without a token, before any event", async () => {
    const other = await app.inject({
      method: 'GET',
      url: `/v1/devices/${BOB_WASHER}/stream`,
      headers: { authorization: `Bearer ${await h.token(ALICE)}` },
    });
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await app.inject({ method: 'GET', url: `/v1/devices/${WASHER}/stream` })).statusCode).toBe(401);
  });
});

describe('fan-out across replicas', () => {
  // Another replica's side of the fan-out, without Kafka: its log append publishes on the device's channel.
  const otherReplica = createChangeLog({
    redis: h.redis,
    staleKeys: createStaleKeys({ redis: h.redis, log: silentLog }),
    maxLength: 100,
    ttlMs: 60_000,
  });
  const at = (iso: string) => ({ occurredAt: iso, recordedAt: iso });

  it('delivers a change fanned out by another replica through Redis to a stream it serves', async () => {
    const client = await stream(FANOUT);
    await client.next();
    const event = {
      ...inventoryChanged(FANOUT, { slotId: 'detergent', level: 321, revision: 9 }),
      ...at('2025-06-15T10:00:00.000Z'),
    };
    expect(await otherReplica.append({ id: '900-0', event })).toBe('appended');
    // Every replica reads every change, and only the first one to append it publishes it.
    expect(await otherReplica.append({ id: '900-0', event })).toBe('duplicate');
    const received = await client.next();
    expect(received.id).toBe('900-0');
    expect(levelOf(received)).toBe(321);
    client.close();
  });

  it('resends the state when the device ids go backwards (partitions added), and ignores a lagging replica', async () => {
    const client = await stream(FANOUT);
    expect((await client.next()).id).toBe('900-0');
    // A lagging replica brings an old change the log no longer holds: older than the newest, ignored.
    const late = {
      ...inventoryChanged(FANOUT, { slotId: 'detergent', level: 999, revision: 3 }),
      ...at('2025-06-15T09:00:00.000Z'),
    };
    expect(await otherReplica.append({ id: '300-0', event: late })).toBe('duplicate');
    // A newer change under a lower id: the device moved to another partition. The log starts over.
    const moved = {
      ...inventoryChanged(FANOUT, { slotId: 'detergent', level: 300, revision: 10 }),
      ...at('2025-06-15T11:00:00.000Z'),
    };
    expect(await otherReplica.append({ id: '5-0', event: moved })).toBe('reset');
    const resent = await client.next();
    expect(resent.event).toBe('snapshot');
    expect(resent.id).toBe('5-0');
    const next = {
      ...inventoryChanged(FANOUT, { slotId: 'detergent', level: 290, revision: 11 }),
      ...at('2025-06-15T11:01:00.000Z'),
    };
    expect(await otherReplica.append({ id: '6-0', event: next })).toBe('appended');
    const after = await client.next();
    expect([after.event, after.id, levelOf(after)]).toEqual(['slot', '6-0', 290]);
    client.close();
  });

  it('keeps streaming from a replica whose Redis is down: its own inventory.v1 reader delivers directly', async () => {
    const deadRedisClient = deadRedis(h.redisPrefix);
    const replica = await h.extraApp({ redis: deadRedisClient, catalogGroup: `query-catalog-dead-${s}` });
    const url = await replica.listen({ host: '127.0.0.1', port: 0 });
    afterAll(() => deadRedisClient.disconnect());
    const client = await stream(QUIET, { url });
    const snapshot = await client.next();
    expect(snapshot.event).toBe('snapshot');
    await change(33, QUIET);
    const event = await client.next();
    expect(event.event).toBe('slot');
    expect(JSON.parse(event.data)).toMatchObject({ deviceId: QUIET, canonical: { level: 33 } });
    client.close();
  });

  it('catches up after its subscription drops: nothing published meanwhile is missed', async () => {
    const client = await stream(WASHER);
    await client.next();
    await change(150);
    expect(levelOf(await client.next())).toBe(150);
    // Cut this file's subscriber connections; changes published until they reconnect reach nobody by pub/sub.
    const list = (await h.redis.client('LIST')) as string;
    const ids = list
      .split('\n')
      .filter((line) => line.includes(`name=query-live-${s}-`) && line.includes('-changes '))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) await h.redis.client('KILL', 'ID', id);
    await change(140);
    await change(130);
    await change(120);
    await client.waitFor((e) => e.event === 'slot' && levelOf(e) === 120, 10_000);
    const levels = client.received.filter((e) => e.event === 'slot').map(levelOf);
    expect(levels).toEqual([150, 140, 130, 120]);
    client.close();
  });

  it('keeps streaming when its Redis command connection drops and comes back', async () => {
    const own = sameRedis(h.redisPrefix);
    const replica = await h.extraApp({ redis: own, catalogGroup: `query-catalog-own-${s}` });
    const url = await replica.listen({ host: '127.0.0.1', port: 0 });
    afterAll(() => own.disconnect());
    const client = await stream(WASHER, { url });
    await client.next();
    await change(210);
    expect(levelOf(await client.next())).toBe(210);
    // The replica's command connection drops; its streams keep getting its own reader's changes.
    own.disconnect();
    await change(220);
    expect(levelOf(await client.next())).toBe(220);
    await waitFor(
      async () => own.status,
      (status) => status === 'end',
      5_000,
    );
    await own.connect();
    await change(230);
    expect(levelOf(await client.next())).toBe(230);
    expect(client.received.filter((e) => e.event === 'slot').map(levelOf)).toEqual([210, 220, 230]);
    client.close();
  });
});
