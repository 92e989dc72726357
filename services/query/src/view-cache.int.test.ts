import { silentLog } from '@restock/kafka';
import { deleteByPrefix } from '@restock/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { createStaleKeys } from './store/stale-keys.js';
import { createViewCache } from './store/view-cache.js';
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

const h = await startQueryHarness();
const { app, rows } = h;
const s = h.suffix;
const ALICE = `alice-${s}`;
const BOB = `bob-${s}`;
const WASHER = `washer-${s}`;
const GIFT = `gift-${s}`;
const MODEL = `WM-${s}`;
const inventoryTopic = h.topics['inventory.v1']!;

await publishCatalog(h.producer, h.topics['catalog.v1']!, [
  modelDefined(washingMachineModel(MODEL)),
  deviceEvent('DeviceClaimed', deviceState(WASHER, MODEL, 'US', ALICE)),
  deviceEvent('DeviceClaimed', deviceState(GIFT, MODEL, 'US', ALICE)),
]);
await waitFor(
  async () => (await h.db.pool.query('SELECT count(*)::int AS n FROM query.devices')).rows[0]?.n,
  (n) => n === 2,
);
await rows.slot(WASHER, 'detergent', { unitType: 'volume', capacity: 3000, level: 1000, revision: 1 });

async function level(target = app, deviceId = WASHER): Promise<number> {
  const response = await target.inject({
    method: 'GET',
    url: `/v1/devices/${deviceId}`,
    headers: { authorization: `Bearer ${await h.token(ALICE)}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json().slots[0].canonical.level;
}

let revision = 1;
/** What the projector does for a change: write the slot, then announce it on inventory.v1. */
async function projectorChanges(levelMl: number): Promise<void> {
  revision++;
  await rows.slot(WASHER, 'detergent', { unitType: 'volume', capacity: 3000, level: levelMl, revision });
  await h.producer.publish(
    inventoryCodec,
    [inventoryChanged(WASHER, { slotId: 'detergent', level: levelMl, stockOnHand: levelMl, revision })],
    inventoryTopic,
  );
}

describe('the Redis view cache', () => {
  it('serves a repeated read from the cache, and a change published on inventory.v1 within one second', async () => {
    expect(await level()).toBe(1000);
    // Written behind the cache's back: a cached answer does not see it...
    await rows.slot(WASHER, 'detergent', { unitType: 'volume', capacity: 3000, level: 950, revision: 1 });
    expect(await level()).toBe(1000);
    // ...until the projector announces the change.
    revision++;
    await rows.slot(WASHER, 'detergent', { unitType: 'volume', capacity: 3000, level: 900, revision });
    const started = Date.now();
    await h.producer.publish(
      inventoryCodec,
      [inventoryChanged(WASHER, { slotId: 'detergent', level: 900, stockOnHand: 900, revision })],
      inventoryTopic,
    );
    const seen = await waitFor(
      () => level(),
      (l) => l === 900,
      5_000,
    );
    const elapsed = Date.now() - started;
    expect(seen).toBe(900);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("drops a customer's cached views when a device changes hands on catalog.v1", async () => {
    const list = async (customer: string) =>
      (
        await app.inject({
          method: 'GET',
          url: '/v1/devices',
          headers: { authorization: `Bearer ${await h.token(customer)}` },
        })
      )
        .json()
        .devices.map((d: { deviceId: string }) => d.deviceId);
    expect(await list(ALICE)).toContain(GIFT);
    expect(await level(app, GIFT)).toBe(3000);
    await publishCatalog(h.producer, h.topics['catalog.v1']!, [
      deviceEvent('DeviceClaimed', deviceState(GIFT, MODEL, 'US', BOB)),
    ]);
    expect(
      await waitFor(
        () => list(ALICE),
        (ids) => !ids.includes(GIFT),
        5_000,
      ),
    ).not.toContain(GIFT);
    expect(await list(BOB)).toContain(GIFT);
    const old = await app.inject({
      method: 'GET',
      url: `/v1/devices/${GIFT}`,
      headers: { authorization: `Bearer ${await h.token(ALICE)}` },
    });
    expect(old.statusCode).toBe(404);
  });

  it('never stores a view read before an invalidation after it', async () => {
    const cache = createViewCache({
      redis: h.redis,
      staleKeys: createStaleKeys({ redis: h.redis, log: silentLog }),
      log: silentLog,
      ttlMs: 60_000,
    });
    let reads = 0;
    // The change commits (and is invalidated) while the first reader is still reading the old rows.
    const first = await cache.read('device:race', 'v', async () => {
      reads++;
      await cache.invalidate(['device:race']);
      return 'old';
    });
    const second = await cache.read('device:race', 'v', async () => {
      reads++;
      return 'new';
    });
    expect([first, second, reads]).toEqual(['old', 'new', 2]);
    expect(await cache.read('device:race', 'v', async () => 'never read')).toBe('new');
  });
});

describe('Redis down', () => {
  it('answers every read correctly, from PostgreSQL, when Redis is unreachable', async () => {
    const redis = deadRedis(h.redisPrefix);
    afterAll(() => redis.disconnect());
    const replica = await h.extraApp({ redis, catalogGroup: `query-catalog-dead-${s}` });
    const headers = { authorization: `Bearer ${await h.token(ALICE)}` };
    const [fromReplica, fromHealthy] = await Promise.all([
      replica.inject({ method: 'GET', url: `/v1/devices/${WASHER}`, headers }),
      app.inject({ method: 'GET', url: `/v1/devices/${WASHER}`, headers }),
    ]);
    expect(fromReplica.statusCode).toBe(200);
    const { asOf: _a, ...answer } = fromReplica.json();
    const { asOf: _b, ...expected } = fromHealthy.json();
    expect(answer).toEqual(expected);
    for (const url of [
      '/v1/devices',
      `/v1/devices/${WASHER}/orders`,
      `/v1/devices/${WASHER}/slots/detergent/history`,
    ]) {
      expect((await replica.inject({ method: 'GET', url, headers })).statusCode).toBe(200);
    }
    const adjustment = await replica.inject({
      method: 'POST',
      url: `/v1/devices/${WASHER}/slots/detergent/adjustments`,
      headers,
      payload: { mode: 'addSpare', quantity: 1, unit: 'l' },
    });
    expect(adjustment.statusCode).toBe(202);
    // A later change is seen at once: nothing is cached while Redis is away.
    await projectorChanges(880);
    expect(await level(replica)).toBe(880);
  });

  it('stays ready without Redis, reporting it as down and the replica as degraded', async () => {
    const redis = deadRedis(h.redisPrefix);
    afterAll(() => redis.disconnect());
    const replica = await h.extraApp({ redis, catalogGroup: `query-catalog-dead2-${s}` });
    const ready = await replica.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      degraded: true,
      checks: { postgres: { status: 'up' }, kafka: { status: 'up' }, redis: { status: 'down', required: false } },
    });
  });

  it('stays correct when Redis goes away mid-test, and serves no stale entry when it comes back', async () => {
    // Its own key prefix: this replica's cache entries are invalidated by nobody but itself.
    const prefix = `${h.redisPrefix}own:`;
    const redis = sameRedis(prefix);
    afterAll(async () => {
      await deleteByPrefix(redis, '').catch(() => 0);
      redis.disconnect();
    });
    const replica = await h.extraApp({ redis, catalogGroup: `query-catalog-own-${s}` });
    await projectorChanges(800);
    expect(
      await waitFor(
        () => level(replica),
        (l) => l === 800,
        5_000,
      ),
    ).toBe(800);
    expect(await level(replica)).toBe(800); // cached now

    redis.disconnect();
    await waitFor(
      async () => redis.status,
      (status) => status === 'end',
      5_000,
    );
    await projectorChanges(700);
    expect(
      await waitFor(
        () => level(replica),
        (l) => l === 700,
        5_000,
      ),
    ).toBe(700);

    await redis.connect();
    // The entry cached before the outage missed its invalidation; it must never be served.
    for (let i = 0; i < 5; i++) expect(await level(replica)).toBe(700);
    await projectorChanges(600);
    expect(
      await waitFor(
        () => level(replica),
        (l) => l === 600,
        5_000,
      ),
    ).toBe(600);
  });
});
