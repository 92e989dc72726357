import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken, OPERATOR_SCOPE } from '@restock/auth';
import { createCodec, Topics } from '@restock/events';
import { createTestKafka, createTestTopics, readTopic, testSuffix } from '@restock/kafka/testing';
import { createTestDatabase } from '@restock/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploaderLog } from './clients/report-uploader.js';
import { loadSimulatorEnv } from './config.js';
import { DEVICE_KINDS } from './domain/consumption-profiles.js';
import { modelIdOf } from './fleet-setup.js';
import { createSimulator, type Simulator } from './simulator.js';

// The real catalog and ingest, each as its own process (services never import services), on a fresh
// database and suffixed topics; the simulator runs in this process against them.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const secret = randomBytes(32).toString('base64url');
const kafka = createTestKafka('device-simulator-test');
const consumptionCodec = createCodec(Topics.consumption);
const children: ChildProcess[] = [];
let topics: Record<string, string> = {};
let catalogUrl = '';
let ingestUrl = '';
let stateDir = '';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function startService(name: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`], {
    cwd: root,
    // kafkajs's partitioner notice is a line per process that says nothing about the test.
    env: { ...process.env, LOG_LEVEL: 'warn', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  const database = await createTestDatabase('restock_devsim');
  topics = await createTestTopics(kafka);
  stateDir = await mkdtemp(join(tmpdir(), 'device-simulator-'));
  const [catalogPort, ingestPort] = [await freePort(), await freePort()];
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  startService('catalog', {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    PORT: String(catalogPort),
    CATALOG_TOPIC: topics[Topics.catalog.name]!,
    AUTH_HMAC_SECRET: secret,
  });
  startService('ingest', {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: database.url,
    INGEST_PORT: String(ingestPort),
    INGEST_CATALOG_TOPIC: topics[Topics.catalog.name]!,
    INGEST_CONSUMPTION_TOPIC: topics[Topics.consumption.name]!,
    INGEST_CATALOG_GROUP: `ingest-devsim-${testSuffix()}`,
  });
  catalogUrl = `http://127.0.0.1:${catalogPort}`;
  ingestUrl = `http://127.0.0.1:${ingestPort}`;
});

afterAll(async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const quiet: UploaderLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function simulatorFor(accepted: Map<string, string[]>): Simulator {
  const config = loadSimulatorEnv({
    INGEST_URL: ingestUrl,
    CATALOG_URL: catalogUrl,
    DEVICES: '4',
    // A simulated day every 4.3 s: every household uses its device within seconds.
    TIME_SCALE: '20000',
    SEED: '7',
    AUTH_HMAC_SECRET: secret,
    STATE_FILE: join(stateDir, 'devices.json'),
    REPORT_INTERVAL_MS: '300',
    TICK_MS: '100',
    READY_TIMEOUT_MS: '120000',
  });
  return createSimulator({
    config,
    log: quiet,
    onAccepted: (deviceId, ids) => accepted.set(deviceId, [...(accepted.get(deviceId) ?? []), ...ids]),
  });
}

/** Runs the simulator until every device has had `perDevice` reports accepted. */
async function runUntilAccepted(simulator: Simulator, accepted: Map<string, string[]>, perDevice: number) {
  const fleet = await simulator.setup();
  simulator.start();
  const deadline = Date.now() + 45_000;
  try {
    while (fleet.some((d) => (accepted.get(d.deviceId)?.length ?? 0) < perDevice)) {
      if (Date.now() > deadline) {
        throw new Error(`not enough reports accepted in 45 s: ${JSON.stringify(simulator.stats())}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await simulator.stop();
  }
  return fleet;
}

async function operatorGet(path: string): Promise<unknown> {
  const token = await mintToken({
    hmacSecret: secret,
    issuer: 'restock-local',
    audience: 'restock',
    subject: 'test-operator',
    scopes: [OPERATOR_SCOPE],
  });
  const response = await fetch(`${catalogUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return response.json();
}

describe('the device simulator against the real catalog and ingest', () => {
  let firstFleet: { deviceId: string; kind: string }[] = [];

  it('creates the four template models and test devices, and its reports are accepted and land on the consumption topic', async () => {
    const accepted = new Map<string, string[]>();
    const simulator = simulatorFor(accepted);
    const fleet = await runUntilAccepted(simulator, accepted, 3);
    firstFleet = fleet.map((d) => ({ deviceId: d.deviceId, kind: d.kind }));
    expect(fleet.map((d) => d.kind).sort()).toEqual([...DEVICE_KINDS].sort());
    expect(simulator.stats()).toMatchObject({ rejected: 0, dropped: 0 });

    for (const kind of DEVICE_KINDS) {
      const model = (await operatorGet(`/admin/v1/models/${modelIdOf('devsim', kind)}`)) as { kind: string };
      expect(model.kind).toBe(kind);
    }
    const devices = (await operatorGet('/admin/v1/devices?limit=100')) as { devices: { testDevice: boolean }[] };
    expect(devices.devices).toHaveLength(4);
    expect(devices.devices.every((d) => d.testDevice)).toBe(true);

    const acceptedIds = new Set([...accepted.values()].flat());
    const messages = await readTopic(kafka, topics[Topics.consumption.name]!, acceptedIds.size);
    const events = messages.map((m) => ({ key: m.key?.toString(), event: consumptionCodec.decode(m.value) }));
    const onTopic = new Set(events.map((e) => e.event.id));
    for (const id of acceptedIds) expect(onTopic.has(id)).toBe(true);
    for (const { key, event } of events) {
      expect(key).toBe(event.deviceId);
      expect(fleet.map((d) => d.deviceId)).toContain(event.deviceId);
    }
    // Each device's readings carry increasing sequences.
    for (const device of fleet) {
      const sequences = events.filter((e) => e.event.deviceId === device.deviceId).map((e) => e.event.data.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    }
  });

  it('reuses the devices of its state file after a restart instead of provisioning new ones', async () => {
    const accepted = new Map<string, string[]>();
    const fleet = await runUntilAccepted(simulatorFor(accepted), accepted, 1);
    expect(fleet.map((d) => ({ deviceId: d.deviceId, kind: d.kind }))).toEqual(firstFleet);
    const devices = (await operatorGet('/admin/v1/devices?limit=100')) as { devices: unknown[] };
    expect(devices.devices).toHaveLength(4);
  });

  it('gets new credentials for its devices when its state file is lost, and reports as the same devices', async () => {
    await rm(join(stateDir, 'devices.json'));
    const accepted = new Map<string, string[]>();
    const fleet = await runUntilAccepted(simulatorFor(accepted), accepted, 1);
    expect(fleet.map((d) => d.deviceId)).toEqual(firstFleet.map((d) => d.deviceId));
    const devices = (await operatorGet('/admin/v1/devices?limit=100')) as { devices: unknown[] };
    expect(devices.devices).toHaveLength(4);
  });
});
