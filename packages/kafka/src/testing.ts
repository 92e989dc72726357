import { randomBytes } from 'node:crypto';
import { allTopicSpecs } from '@restock/events';
import { migrate } from '@restock/postgres';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { afterAll } from 'vitest';
import { deleteTopics, ensureTopics } from './admin.js';
import { createKafka } from './client.js';
import { busMigrationsDir } from './index.js';
import { type BusLog, silentLog } from './log.js';

export function testBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

export function createTestKafka(clientId = 'restock-test', log: BusLog = silentLog): Kafka {
  return createKafka({
    brokers: testBrokers(),
    clientId: `${clientId}-${randomBytes(3).toString('hex')}`,
    log,
    retries: 3,
  });
}

/** A random suffix that keeps a test file's topics, groups and schemas apart from every other file's. */
export function testSuffix(): string {
  return randomBytes(5).toString('hex');
}

/**
 * Creates the catalogue's topics (and their DLQs) under suffixed names for one test file and deletes
 * them when its tests end. Returns the real name of each catalogue topic: `names['consumption.v1']`.
 */
export async function createTestTopics(kafka: Kafka, suffix = testSuffix()): Promise<Record<string, string>> {
  // A catalogue topic `x.v1` becomes `x.v1-<suffix>` and its DLQ `x.v1-<suffix>.dlq`, as consumers name it.
  const names: Record<string, string> = {};
  const specs = allTopicSpecs().map((s) => {
    const base = s.name.endsWith('.dlq') ? s.name.slice(0, -'.dlq'.length) : s.name;
    const name = s.name.endsWith('.dlq') ? `${base}-${suffix}.dlq` : `${base}-${suffix}`;
    names[s.name] = name;
    return { ...s, name, partitions: Math.min(s.partitions, 3) };
  });
  await ensureTopics(kafka, specs, { log: silentLog });
  createdTopics.push({ kafka, names: specs.map((s) => s.name) });
  return names;
}

const createdTopics: { kafka: Kafka; names: string[] }[] = [];

// Registered at import (the test file's top level): an afterAll from inside beforeAll is ignored.
afterAll(async () => {
  for (const t of createdTopics.splice(0)) await deleteTopics(t.kafka, t.names).catch(() => {});
});

/** Applies the bus tables (consumer_offsets, outbox) in a schema. */
export async function migrateBusTables(databaseUrl: string, schema: string): Promise<void> {
  await migrate({ databaseUrl, schema, dir: busMigrationsDir, ledger: 'pgmigrations_bus' });
}

/**
 * Reads a topic from the beginning until `count` messages have arrived (or `timeoutMs` passes) with a
 * throwaway consumer group, and returns them in partition-then-offset order.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<(KafkaMessage & { partition: number })[]> {
  const consumer = kafka.consumer({ groupId: `reader-${testSuffix()}`, sessionTimeout: 10_000 });
  const seen: (KafkaMessage & { partition: number })[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          seen.push({ ...message, partition });
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    // Messages past `count` would reveal duplicates: give them a short moment to arrive.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await consumer.disconnect();
  }
  return seen.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
