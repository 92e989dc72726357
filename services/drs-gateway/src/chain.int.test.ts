import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createCodec, Topics } from '@restock/events';
import { createProducer, silentLog, topicEndOffsets } from '@restock/kafka';
import { readTopic, testBrokers, testSuffix } from '@restock/kafka/testing';
import { afterAll, expect, it } from 'vitest';
import { startGatewayWorld } from './test-support/gateway-harness.js';

// The whole ordering chain but the projector (whose InventoryChanged the test publishes): the
// reorder-policy service as a separate process, killed with SIGKILL mid-way, this gateway, and the
// drs-simulator. The policy is started by path, as a deployment would: no code of it is imported.
const world = await startGatewayWorld();
const policyMain = fileURLToPath(new URL('../../reorder-policy/src/main.ts', import.meta.url));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

const DAY = 86_400_000;
const stamp = (at: string) => ({ occurredAt: at, recordedAt: at, source: 'test', version: 1 as const });

function startPolicy(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', policyMain], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      output += b.toString();
      if (output.includes('reorder policy started')) resolve(child);
    });
    child.stderr?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.on('exit', (code, signal) => reject(new Error(`policy exited (${code ?? signal}): ${output.slice(-2000)}`)));
  });
}

it('turns falling stock into exactly one DRS order when 50 publishers report at once and the policy is SIGKILLed twice', async () => {
  const washer = await world.linkWasher();
  const suffix = testSuffix();
  const env = {
    KAFKA_BROKERS: testBrokers().join(','),
    DATABASE_URL: world.db.url,
    LOG_LEVEL: 'info',
    PORT: '0',
    DB_SCHEMA: `rp_${suffix}`,
    GROUP_ID: `policy-${suffix}`,
    TOPIC_CATALOG: world.topics['catalog.v1']!,
    TOPIC_CONSUMPTION: world.topics['consumption.v1']!,
    TOPIC_ORDERS: world.topics['orders.v1']!,
    TOPIC_SUBSCRIPTIONS: world.topics['subscriptions.v1']!,
    TOPIC_INVENTORY: world.topics['inventory.v1']!,
    TOPIC_OUTCOMES: world.topics['outcomes.v1']!,
    TOPIC_ADJUSTMENTS: world.topics['adjustments.v1']!,
    TOPIC_COMMANDS: world.topics['commands.v1']!,
    CONSUMER_SESSION_TIMEOUT_MS: '6000',
  };

  // 20 days of 100 ml of detergent a day: the adaptive threshold is 100 ml x 6 days = 600 ml.
  const now = Date.now();
  const consumption = createCodec(Topics.consumption);
  const history = Array.from({ length: 20 }, (_, i) => {
    const at = new Date(now - (20 - i) * DAY).toISOString();
    return {
      id: randomUUID(),
      type: 'ConsumptionReported',
      deviceId: washer.deviceId,
      ...stamp(at),
      data: { slotId: 'detergent', quantity: 100, unit: 'ml', reported: { quantity: 100, unit: 'ml' }, sequence: i },
    };
  });
  const producer = createProducer(world.kafka, { log: silentLog, retry: { retries: 10, initialRetryTime: 200 } });
  await producer.connect();
  await producer.publish(consumption, history as never[], world.topics['consumption.v1']!);
  await producer.disconnect();

  let policy = await startPolicy(env);
  await world.waitUntil(
    async () =>
      (
        await world.db.pool
          .query<{ n: number }>(`SELECT count(*)::int AS n FROM "rp_${suffix}".daily_use`)
          .catch(() => ({ rows: [{ n: 0 }] }))
      ).rows[0]?.n === 20,
    'the use history',
  );

  // 50 publishers at once, each with every 50th revision: 500 states from 2995 ml down to 500 ml.
  const flow = Promise.all(
    Array.from({ length: 50 }, async (_, p) => {
      for (let revision = p + 1; revision <= 500; revision += 50) {
        const level = 3000 - revision * 5;
        await world.publish('inventory', [
          world.inventory(washer.deviceId, 'detergent', revision, { level, stockOnHand: level }),
        ]);
      }
    }),
  );
  for (let kill = 0; kill < 2; kill++) {
    await new Promise((r) => setTimeout(r, 700 + kill * 700));
    policy.kill('SIGKILL');
    await new Promise((r) => policy.once('exit', r));
    policy = await startPolicy(env);
  }
  await flow;

  const order = await world.waitUntil(
    async () => (await world.simOrders(washer.registrationId))[0],
    'the order',
    120_000,
  );
  // Let everything settle, then look again: still one order, from one command.
  await world.waitUntil(
    async () =>
      (await world.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "rp_${suffix}".outbox`)).rows[0]?.n ===
      0,
    'the policy outbox to drain',
  );
  await new Promise((r) => setTimeout(r, 2000));
  policy.kill('SIGTERM');
  await new Promise((r) => policy.once('exit', r));

  expect(await world.simOrders(washer.registrationId)).toEqual([order]);
  const ends = await topicEndOffsets(world.kafka, [world.topics['commands.v1']!]);
  const commands = (
    await readTopic(
      world.kafka,
      world.topics['commands.v1']!,
      ends.reduce((a, e) => a + e.end, 0),
    )
  ).map((m) => createCodec(Topics.commands).decode(m.value));
  const replenish = new Set(
    commands.filter((c) => c.type === 'ReplenishRequested' && c.deviceId === washer.deviceId).map((c) => c.id),
  );
  expect(replenish.size).toBe(1);
  const outcome = (await world.outcomes()).find((o) => replenish.has(o.data.commandId));
  expect(outcome?.data).toMatchObject({
    outcome: 'succeeded',
    detailCode: 'STANDARD_ORDER_PLACED',
    eventInstanceId: order.eventInstanceId,
  });
  // The policy also asked for slot statuses, and the gateway sent them coalesced.
  expect(commands.some((c) => c.type === 'SlotStatusDue' && c.deviceId === washer.deviceId)).toBe(true);
  await world.waitUntil(
    async () =>
      (await world.calls(washer.deviceId)).some((c) => c.operation === 'slotStatus' && c.state === 'succeeded'),
    'a slot status',
  );
}, 300_000);
