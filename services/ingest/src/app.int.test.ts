import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { newDeviceCredential } from '@restock/auth';
import { createCodec, type DeviceState, Topics } from '@restock/events';
import type { HttpApp } from '@restock/http';
import { type BusProducer, busMigrationsDir, createProducer, type ProjectionConsumer, silentLog } from '@restock/kafka';
import { createTestKafka, createTestTopics, readTopic, testBrokers, testSuffix } from '@restock/kafka/testing';
import { createPool, migrate } from '@restock/postgres';
import { createTestDatabase, type TestDatabase } from '@restock/postgres/testing';
import { createRedis } from '@restock/redis';
import { createTestRedis } from '@restock/redis/testing';
import { createLogger } from '@restock/telemetry';
import { installInMemoryTracing } from '@restock/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type IngestConfig, type IngestDeps } from './app.js';
import { createCatalogConsumer } from './handlers/catalog-projection.js';
import { createIngestPublisher } from './store/event-publisher.js';
import {
  coffeeMachineModel,
  deviceEvent,
  modelDefined,
  newDevice,
  publishCatalog,
  washingMachineModel,
} from './test-support/catalog-fixtures.js';

const SCHEMA = 'ingest';
const consumptionCodec = createCodec(Topics.consumption);
const kafka = createTestKafka('ingest-app');
const { redis } = createTestRedis();
const logger = createLogger({ service: 'ingest-test', level: 'silent' });
const suffix = testSuffix();
const WASHER = `WM-${suffix}`;
const COFFEE = `CM-${suffix}`;

let db: TestDatabase;
let topics: Record<string, string>;
let catalogProducer: BusProducer;
let consumer: ProjectionConsumer;
let publisher: BusProducer;
let deps: IngestDeps;
let app: HttpApp;
const devices: Record<string, { state: DeviceState; credential: string }> = {};
/** Every event id a 202 answered as accepted, across this file: consumption.v1 must hold each once, and nothing else. */
const acceptedIds: string[] = [];

function config(overrides: Partial<IngestConfig> = {}): IngestConfig {
  return {
    schema: SCHEMA,
    consumptionTopic: topics['consumption.v1']!,
    bodyLimitBytes: 512 * 1024,
    rateLimit: { max: 10_000, windowMs: 60_000 },
    maxClockSkewMs: 5 * 60_000,
    lookupCacheMs: 100,
    publishDeadlineMs: 8_000,
    retryAfterSeconds: 5,
    dedupRetentionMs: 7 * 24 * 60 * 60_000,
    pruneIntervalMs: 60 * 60_000,
    ...overrides,
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate({ databaseUrl: db.url, schema: SCHEMA, dir: busMigrationsDir, ledger: 'pgmigrations_bus' });
  await migrate({
    databaseUrl: db.url,
    schema: SCHEMA,
    dir: fileURLToPath(new URL('./store/migrations', import.meta.url)),
  });
  topics = await createTestTopics(kafka, suffix);
  catalogProducer = createProducer(kafka, { log: silentLog });
  await catalogProducer.connect();
  consumer = createCatalogConsumer({
    kafka,
    pool: db.pool,
    schema: SCHEMA,
    groupId: `ingest-catalog-${suffix}`,
    topic: topics['catalog.v1']!,
    log: silentLog,
  });
  await consumer.start();
  publisher = createIngestPublisher({ brokers: testBrokers(), clientId: 'ingest-test', log: silentLog });
  deps = { pool: db.pool, redis, publisher, kafka, catalogConsumer: consumer, logger };
  app = await buildApp(deps, config());

  for (const name of ['washer', 'washer2', 'rate', 'rate2', 'revoked', 'rotated']) {
    devices[name] = newDevice(`${name}-${suffix}`, WASHER);
  }
  devices['coffee'] = newDevice(`coffee-${suffix}`, COFFEE);
  await publishCatalog(catalogProducer, topics['catalog.v1']!, [
    modelDefined(washingMachineModel(WASHER)),
    modelDefined(coffeeMachineModel(COFFEE)),
    ...Object.values(devices).map((d) => deviceEvent('DeviceProvisioned', d.state)),
  ]);
  await waitFor(
    async () => (await db.pool.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.devices`)).rows[0]?.n,
    (n) => n === Object.keys(devices).length,
  );

  // Registered last so it runs first, before the helpers drop the database and delete the topics.
  afterAll(async () => {
    await app.close();
    await consumer.stop();
    await publisher.disconnect();
    await catalogProducer.disconnect();
  });
});

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

let sequence = 0;
function consumed(slotId: string, quantity: number, unit: string, extra: Record<string, unknown> = {}) {
  sequence++;
  return {
    eventId: randomUUID(),
    slotId,
    type: 'consumed',
    quantity,
    unit,
    occurredAt: new Date(Date.now() - 1_000).toISOString(),
    sequence,
    ...extra,
  };
}
function level(slotId: string, fields: Record<string, unknown>) {
  sequence++;
  return {
    eventId: randomUUID(),
    slotId,
    type: 'level',
    occurredAt: new Date(Date.now() - 1_000).toISOString(),
    sequence,
    ...fields,
  };
}

async function post(
  device: string,
  body: unknown,
  options: { credential?: string | null; target?: HttpApp; headers?: Record<string, string> } = {},
) {
  const d = devices[device];
  const deviceId = d?.state.deviceId ?? device;
  const credential = options.credential === undefined ? d?.credential : options.credential;
  const response = await (options.target ?? app).inject({
    method: 'POST',
    url: `/v1/devices/${deviceId}/reports`,
    headers: {
      'content-type': 'application/json',
      ...(credential === null || credential === undefined ? {} : { authorization: `Bearer ${credential}` }),
      ...options.headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (response.statusCode === 202) acceptedIds.push(...(response.json() as { accepted: string[] }).accepted);
  return response;
}

function expectProblem(response: { statusCode: number; headers: Record<string, unknown> }, status: number) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
}

/** Reads consumption.v1 whole: it must hold exactly the accepted ids, each once. */
async function topicCounts(): Promise<{ counts: Map<string, number>; total: number; values: Buffer[] }> {
  const messages = await readTopic(kafka, topics['consumption.v1']!, acceptedIds.length);
  const counts = new Map<string, number>();
  for (const m of messages) {
    const id = m.headers?.['event-id']?.toString() ?? '';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return { counts, total: messages.length, values: messages.flatMap((m) => (m.value ? [m.value] : [])) };
}

describe('accepting reports', () => {
  it('accepts a single report as the whole body and publishes it converted, under the device event id', async () => {
    const report = consumed('detergent', 3, 'fl oz');
    const before = Date.now();
    const response = await post('washer', report);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: [report.eventId], duplicates: [] });

    const { values } = await topicCounts();
    const event = values.map((v) => consumptionCodec.decode(v)).find((e) => e.id === report.eventId);
    expect(event).toMatchObject({
      type: 'ConsumptionReported',
      deviceId: devices['washer']!.state.deviceId,
      occurredAt: report.occurredAt,
      source: 'ingest',
      data: { slotId: 'detergent', quantity: 88.720589, unit: 'ml', reported: { quantity: 3, unit: 'fl oz' } },
    });
    expect(Date.parse(event!.recordedAt)).toBeGreaterThanOrEqual(before - 1);
  });

  it('accepts a batch of consumed and level reports in several spellings, oz by the slot type', async () => {
    const reports = [
      consumed('detergent', 1.5, 'Litres'),
      level('detergent', { percent: 25 }),
      consumed('pods', 2, 'pods'),
      consumed('ground_coffee', 2, 'oz'),
      level('ground_coffee', { quantity: 1, unit: 'lbs' }),
    ];
    const washer = await post('washer', { reports: reports.slice(0, 2) });
    const coffee = await post('coffee', { reports: reports.slice(2) });
    expect(washer.statusCode).toBe(202);
    expect(coffee.statusCode).toBe(202);
    expect(coffee.json()).toEqual({ accepted: reports.slice(2).map((r) => r.eventId), duplicates: [] });

    const { values } = await topicCounts();
    const byId = new Map(values.map((v) => consumptionCodec.decode(v)).map((e) => [e.id, e]));
    expect(reports.map((r) => [byId.get(r.eventId)?.type, byId.get(r.eventId)?.data.quantity])).toEqual([
      ['ConsumptionReported', 1500],
      ['LevelReported', 750],
      ['ConsumptionReported', 2],
      ['ConsumptionReported', 56.699046],
      ['LevelReported', 453.59237],
    ]);
  });
});

describe('tracing', () => {
  it('publishes each request’s events as children of that request’s server span, also when requests share a transaction', async () => {
    const tracing = installInMemoryTracing();
    try {
      // Two devices at once, so their events can go out in one group publish.
      const callers = ['washer', 'washer2'].map((device) => ({
        device,
        traceId: randomBytes(16).toString('hex'),
        report: consumed('detergent', 1, 'ml'),
      }));
      const responses = await Promise.all(
        callers.map((c) =>
          post(c.device, c.report, {
            headers: { traceparent: `00-${c.traceId}-${randomBytes(8).toString('hex')}-01` },
          }),
        ),
      );
      for (const r of responses) expect(r.statusCode).toBe(202);

      const messages = await readTopic(kafka, topics['consumption.v1']!, acceptedIds.length);
      for (const c of callers) {
        const server = tracing
          .spans()
          .find((s) => s.name === 'POST /v1/devices/:deviceId/reports' && s.spanContext().traceId === c.traceId);
        expect(server, `the server span of ${c.device}`).toBeDefined();
        const message = messages.find((m) => m.headers?.['event-id']?.toString() === c.report.eventId);
        const traceparent = message?.headers?.['traceparent']?.toString();
        expect(traceparent).toBe(`00-${c.traceId}-${server!.spanContext().spanId}-01`);
      }
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('exactly once per event id', () => {
  it('answers a repeated request with 202 listing every id as a duplicate, and publishes nothing again', async () => {
    const body = { reports: [consumed('detergent', 10, 'ml'), consumed('softener', 20, 'ml')] };
    const first = await post('washer', body);
    const again = await post('washer', body);
    expect(first.json()).toEqual({ accepted: body.reports.map((r) => r.eventId), duplicates: [] });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ accepted: [], duplicates: body.reports.map((r) => r.eventId) });

    const { counts, total } = await topicCounts();
    expect(total).toBe(acceptedIds.length);
    for (const r of body.reports) expect(counts.get(r.eventId)).toBe(1);
  });

  it('accepts the new ids of a retried batch and lists the old ones as duplicates', async () => {
    const old = consumed('detergent', 1, 'ml');
    await post('washer', old);
    const fresh = consumed('detergent', 2, 'ml');
    const response = await post('washer', { reports: [old, fresh] });
    expect(response.json()).toEqual({ accepted: [fresh.eventId], duplicates: [old.eventId] });
  });

  it('publishes each event once when identical requests race', async () => {
    const body = { reports: Array.from({ length: 20 }, (_, i) => consumed('detergent', i + 1, 'ml')) };
    const ids = body.reports.map((r) => r.eventId);
    const responses = await Promise.all(Array.from({ length: 5 }, () => post('washer2', body)));
    expect(responses.map((r) => r.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const answers = responses.map((r) => r.json() as { accepted: string[]; duplicates: string[] });
    // Every id accepted by exactly one of the five, and a duplicate for the four others.
    expect(answers.flatMap((a) => a.accepted).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(answers.filter((a) => a.duplicates.includes(id))).toHaveLength(4);

    const { counts, total } = await topicCounts();
    expect(total).toBe(acceptedIds.length);
    for (const id of ids) expect(counts.get(id)).toBe(1);
  });

  it('answers concurrent requests of several devices each with its own ids', async () => {
    const names = ['washer', 'washer2', 'coffee'] as const;
    const bodies = names.map((name) => ({
      name,
      body: { reports: [consumed(name === 'coffee' ? 'pods' : 'detergent', 1, name === 'coffee' ? 'pods' : 'ml')] },
    }));
    const responses = await Promise.all(bodies.map(({ name, body }) => post(name, body)));
    responses.forEach((r, i) => {
      expect(r.json()).toEqual({ accepted: [bodies[i]!.body.reports[0]!.eventId], duplicates: [] });
    });
  });

  it('keeps the same event id of two devices apart: each device has its own ids', async () => {
    const shared = consumed('detergent', 5, 'ml');
    expect((await post('washer', shared)).json()).toEqual({ accepted: [shared.eventId], duplicates: [] });
    expect((await post('washer2', shared)).json()).toEqual({ accepted: [shared.eventId], duplicates: [] });
  });
});

describe('bad input', () => {
  it('answers 400 naming an unknown field of a report in a batch', async () => {
    const response = await post('washer', {
      reports: [consumed('detergent', 1, 'ml'), consumed('detergent', 1, 'ml', { colour: 'blue' })],
    });
    expectProblem(response, 400);
    expect(response.json()).toMatchObject({ field: '/body/reports/1/colour', code: 'HTTP_VALIDATION_FAILED' });
  });

  it('answers 400 naming an unknown field of a single report at its place in the body', async () => {
    const response = await post('washer', consumed('detergent', 1, 'ml', { colour: 'blue' }));
    expectProblem(response, 400);
    expect(response.json()).toMatchObject({ field: '/body/colour' });
  });

  it('answers 400 naming an unknown field next to reports', async () => {
    const response = await post('washer', { reports: [consumed('detergent', 1, 'ml')], extra: true });
    expectProblem(response, 400);
    expect(response.json()).toMatchObject({ field: '/body/extra' });
  });

  it('answers 400 for more than 500 reports, an empty batch and an unknown report type', async () => {
    const many = await post('washer', { reports: Array.from({ length: 501 }, () => consumed('detergent', 1, 'ml')) });
    expectProblem(many, 400);
    expect(many.json()).toMatchObject({ field: '/body/reports' });
    expectProblem(await post('washer', { reports: [] }), 400);
    const type = await post('washer', consumed('detergent', 1, 'ml', { type: 'spilled' }));
    expectProblem(type, 400);
    expect(type.json()).toMatchObject({ field: '/body/type' });
  });

  it('answers 400 naming the slot and unit when the unit does not fit the slot', async () => {
    const response = await post('washer', {
      reports: [
        consumed('detergent', 1, 'ml'),
        consumed('softener', 1, 'ml'),
        consumed('detergent', 1, 'l'),
        consumed('detergent', 2, 'kg'),
      ],
    });
    expectProblem(response, 400);
    const problem = response.json();
    expect(problem).toMatchObject({
      code: 'ING_UNIT_WRONG_TYPE',
      field: '/body/reports/3/unit',
      slotId: 'detergent',
      unit: 'kg',
    });
    expect(problem.detail).toContain('"kg"');
    expect(problem.detail).toContain('"detergent"');
  });

  it('answers 400 for a negative quantity, at the quantity', async () => {
    const response = await post('washer', consumed('detergent', -1, 'ml'));
    expectProblem(response, 400);
    expect(response.json()).toMatchObject({ field: '/body/quantity' });
  });

  it('answers 400 for occurredAt more than five minutes ahead of the service clock', async () => {
    const response = await post('washer', {
      reports: [consumed('detergent', 1, 'ml', { occurredAt: new Date(Date.now() + 10 * 60_000).toISOString() })],
    });
    expectProblem(response, 400);
    expect(response.json()).toMatchObject({ code: 'ING_OCCURRED_IN_FUTURE', field: '/body/reports/0/occurredAt' });
  });

  it('answers 404 naming the field for a slot the device model does not have', async () => {
    const response = await post('washer', { reports: [consumed('detergent', 1, 'ml'), consumed('pods', 1, 'pods')] });
    expectProblem(response, 404);
    expect(response.json()).toMatchObject({
      code: 'ING_SLOT_UNKNOWN',
      field: '/body/reports/1/slotId',
      slotId: 'pods',
    });
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await post('washer', { reports: [consumed('detergent', 1, 'ml')], pad: 'x'.repeat(600 * 1024) });
    expectProblem(response, 413);
  });

  it('takes 500 pretty-printed reports within the body limit', async () => {
    const reports = Array.from({ length: 500 }, () => consumed('detergent', 123.456789, 'millilitres'));
    const response = await post('washer', JSON.stringify({ reports }, null, 2));
    expect(response.statusCode).toBe(202);
    expect(response.json().accepted).toHaveLength(500);
  });

  it('answers 400 naming the body for JSON that does not parse', async () => {
    expectProblem(await post('washer', '{"reports": ['), 400);
  });
});

describe('who may report', () => {
  it('answers 401 with WWW-Authenticate when the credential is missing', async () => {
    const response = await post('washer', consumed('detergent', 1, 'ml'), { credential: null });
    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(response.json()).toMatchObject({ field: '/headers/authorization' });
  });

  it('answers 401 for an unknown credential', async () => {
    const response = await post('washer', consumed('detergent', 1, 'ml'), { credential: newDeviceCredential() });
    expectProblem(response, 401);
    expect(response.json()).toMatchObject({ code: 'ING_CREDENTIAL_INVALID', field: '/headers/authorization' });
  });

  it('answers 401, not 404, for an unknown device', async () => {
    const response = await post(`nobody-${suffix}`, consumed('detergent', 1, 'ml'), {
      credential: newDeviceCredential(),
    });
    expectProblem(response, 401);
  });

  it('answers 403 when the credential belongs to another device, whether or not the path names a device', async () => {
    const own = devices['washer']!.credential;
    const other = await post('coffee', consumed('pods', 1, 'pods'), { credential: own });
    expectProblem(other, 403);
    expect(other.json()).toMatchObject({ code: 'ING_DEVICE_MISMATCH' });
    expectProblem(await post(`nobody-${suffix}`, consumed('pods', 1, 'pods'), { credential: own }), 403);
  });

  it('answers 429 once a device exceeds its rate, without limiting other devices', async () => {
    const limited = await buildApp(deps, config({ rateLimit: { max: 3, windowMs: 60_000 } }));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await post('rate', consumed('detergent', 1, 'ml'), { target: limited })).statusCode);
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
      const refused = await post('rate', consumed('detergent', 1, 'ml'), { target: limited });
      expectProblem(refused, 429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await post('rate2', consumed('detergent', 1, 'ml'), { target: limited })).statusCode).toBe(202);
    } finally {
      await limited.close();
    }
  });

  it('does not count requests with a wrong credential against the device', async () => {
    const limited = await buildApp(deps, config({ rateLimit: { max: 1, windowMs: 60_000 } }));
    const device = newDevice(`guarded-${suffix}`, WASHER);
    devices['guarded'] = device;
    await publishCatalog(catalogProducer, topics['catalog.v1']!, [deviceEvent('DeviceProvisioned', device.state)]);
    await waitFor(
      async () =>
        (await db.pool.query(`SELECT 1 FROM ${SCHEMA}.devices WHERE device_id = $1`, [device.state.deviceId])).rowCount,
      (n) => n === 1,
    );
    try {
      for (let i = 0; i < 3; i++) {
        const stranger = await post('guarded', consumed('detergent', 1, 'ml'), {
          credential: newDeviceCredential(),
          target: limited,
        });
        expectProblem(stranger, 401);
      }
      expect((await post('guarded', consumed('detergent', 1, 'ml'), { target: limited })).statusCode).toBe(202);
    } finally {
      await limited.close();
    }
  });

  it('lets requests through when Redis is down', async () => {
    const deadRedis = createRedis({ url: 'redis://127.0.0.1:1', onError: () => {} });
    const target = await buildApp({ ...deps, redis: deadRedis }, config({ rateLimit: { max: 1, windowMs: 60_000 } }));
    try {
      for (let i = 0; i < 3; i++) {
        expect((await post('washer', consumed('detergent', 1, 'ml'), { target })).statusCode).toBe(202);
      }
    } finally {
      await target.close();
      deadRedis.disconnect();
    }
  });
});

describe('when a dependency is down', () => {
  it('answers 503 with Retry-After within 10 s when Kafka is unreachable, and records nothing', async () => {
    const deadPublisher = createIngestPublisher({ brokers: ['127.0.0.1:1'], clientId: 'ingest-dead', log: silentLog });
    const target = await buildApp({ ...deps, publisher: deadPublisher }, config());
    const body = { reports: [consumed('detergent', 1, 'ml'), consumed('softener', 2, 'ml')] };
    try {
      const started = Date.now();
      const refused = await post('washer', body, { target });
      expect(Date.now() - started).toBeLessThan(10_000);
      expectProblem(refused, 503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toMatchObject({ code: 'ING_BUS_UNAVAILABLE' });
    } finally {
      await target.close();
      await deadPublisher.disconnect();
    }
    // Nothing was recorded: the device's retry is accepted, not called a duplicate.
    const retried = await post('washer', body);
    expect(retried.json()).toEqual({ accepted: body.reports.map((r) => r.eventId), duplicates: [] });
  });

  it('answers 503 at the publish deadline when the broker accepts connections but never answers, and records nothing', async () => {
    // A "broker" on loopback that takes connections and stays silent: kafkajs waits for its answers.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const hungPublisher = createIngestPublisher({
      brokers: [`127.0.0.1:${port}`],
      clientId: 'ingest-hung',
      log: silentLog,
    });
    const target = await buildApp({ ...deps, publisher: hungPublisher }, config({ publishDeadlineMs: 3_000 }));
    const body = { reports: [consumed('detergent', 1, 'ml')] };
    try {
      const started = Date.now();
      const refused = await post('washer', body, { target });
      expect(Date.now() - started).toBeLessThan(5_000);
      expectProblem(refused, 503);
      expect(refused.json()).toMatchObject({ code: 'ING_BUS_UNAVAILABLE' });
      expect(refused.headers['retry-after']).toBe('5');
      // The retry waits for the first attempt's transaction to give up, then publishes: it is new.
      const retried = await post('washer', body);
      expect(retried.json()).toEqual({ accepted: [body.reports[0]!.eventId], duplicates: [] });
    } finally {
      await target.close();
      await hungPublisher.disconnect();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('answers 503 with Retry-After when PostgreSQL is unreachable', async () => {
    const deadPool = createPool({ connectionString: 'postgres://postgres@127.0.0.1:1/restock' });
    const target = await buildApp({ ...deps, pool: deadPool }, config());
    try {
      const response = await post('washer', consumed('detergent', 1, 'ml'), { target });
      expectProblem(response, 503);
      expect(response.headers['retry-after']).toBe('5');
    } finally {
      await target.close();
      await deadPool.end();
    }
  });
});

describe('catalog changes through catalog.v1', () => {
  it('accepts a device and model published after start within seconds, without a restart', async () => {
    const modelId = `LATE-${suffix}`;
    const device = newDevice(`late-${suffix}`, modelId);
    devices['late'] = device;
    const before = await post('late', consumed('pods', 1, 'pods'));
    expectProblem(before, 401);

    const published = Date.now();
    await publishCatalog(catalogProducer, topics['catalog.v1']!, [
      modelDefined(coffeeMachineModel(modelId)),
      deviceEvent('DeviceProvisioned', device.state),
    ]);
    const after = await waitFor(
      () => post('late', consumed('pods', 1, 'pods')),
      (r) => r.statusCode === 202,
    );
    expect(after.statusCode).toBe(202);
    expect(Date.now() - published).toBeLessThan(10_000);
  });

  it('answers 503 while a device model has not arrived, and accepts once it has', async () => {
    const modelId = `SOON-${suffix}`;
    const device = newDevice(`soon-${suffix}`, modelId);
    devices['soon'] = device;
    await publishCatalog(catalogProducer, topics['catalog.v1']!, [deviceEvent('DeviceProvisioned', device.state)]);
    const waiting = await waitFor(
      () => post('soon', consumed('detergent', 1, 'ml')),
      (r) => r.statusCode !== 401,
    );
    expectProblem(waiting, 503);
    expect(waiting.json()).toMatchObject({ code: 'ING_MODEL_UNKNOWN' });
    expect(waiting.headers['retry-after']).toBe('5');

    await publishCatalog(catalogProducer, topics['catalog.v1']!, [modelDefined(washingMachineModel(modelId))]);
    const accepted = await waitFor(
      () => post('soon', consumed('detergent', 1, 'ml')),
      (r) => r.statusCode === 202,
    );
    expect(accepted.statusCode).toBe(202);
  });

  it('answers 401 within seconds once the credential is revoked', async () => {
    const device = devices['revoked']!;
    expect((await post('revoked', consumed('detergent', 1, 'ml'))).statusCode).toBe(202);
    await publishCatalog(catalogProducer, topics['catalog.v1']!, [
      deviceEvent('DeviceCredentialRevoked', { ...device.state, credentialHash: null, credentialRevision: 2 }),
    ]);
    const refused = await waitFor(
      () => post('revoked', consumed('detergent', 1, 'ml')),
      (r) => r.statusCode === 401,
    );
    expectProblem(refused, 401);
  });

  it('accepts the rotated credential and refuses the old one', async () => {
    const old = devices['rotated']!;
    const rotated = newDevice(old.state.deviceId, WASHER);
    await publishCatalog(catalogProducer, topics['catalog.v1']!, [
      deviceEvent('DeviceCredentialRotated', {
        ...old.state,
        credentialHash: rotated.state.credentialHash,
        credentialRevision: 2,
      }),
    ]);
    const accepted = await waitFor(
      () => post('rotated', consumed('detergent', 1, 'ml'), { credential: rotated.credential }),
      (r) => r.statusCode === 202,
    );
    expect(accepted.statusCode).toBe(202);
    expectProblem(await post('rotated', consumed('detergent', 1, 'ml'), { credential: old.credential }), 401);
  });

  it('sets aside a catalog record it cannot read and goes on applying the next ones', async () => {
    const device = newDevice(`after-junk-${suffix}`, WASHER);
    devices['afterJunk'] = device;
    await catalogProducer.sendMessages([
      { topic: topics['catalog.v1']!, key: device.state.deviceId, value: Buffer.from('not an event'), headers: {} },
    ]);
    await publishCatalog(catalogProducer, topics['catalog.v1']!, [deviceEvent('DeviceProvisioned', device.state)]);
    const accepted = await waitFor(
      () => post('afterJunk', consumed('detergent', 1, 'ml')),
      (r) => r.statusCode === 202,
    );
    expect(accepted.statusCode).toBe(202);
    const { rows } = await db.pool.query<{ topic: string }>(`SELECT topic FROM ${SCHEMA}.outbox`);
    expect(rows.map((r) => r.topic)).toEqual([`${topics['catalog.v1']}.dlq`]);
  });
});

describe('health', () => {
  it('is live, and ready when PostgreSQL, Kafka and the catalog consumer are', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(Object.keys(ready.json().checks).sort()).toEqual(['catalog', 'kafka', 'postgres']);
  });

  it('is not ready while the catalog consumer is not running', async () => {
    const target = await buildApp({ ...deps, catalogConsumer: { isRunning: () => false } }, config());
    try {
      const ready = await target.inject({ method: 'GET', url: '/health/ready' });
      expectProblem(ready, 503);
      expect(ready.json().detail).toContain('catalog');
    } finally {
      await target.close();
    }
  });
});

describe('consumption.v1 after all of the above', () => {
  it('holds every accepted event exactly once, and nothing else', async () => {
    const { counts, total } = await topicCounts();
    expect(total).toBe(acceptedIds.length);
    const expected = new Map<string, number>();
    // The per-device test accepted one id for two devices: that id is two events, once each.
    for (const id of acceptedIds) expected.set(id, (expected.get(id) ?? 0) + 1);
    expect(counts).toEqual(expected);
  });
});
