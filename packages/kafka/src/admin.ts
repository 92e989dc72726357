import type { Kafka } from 'kafkajs';
import { busError } from './errors.js';
import type { BusLog } from './log.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

/**
 * Creates the missing topics and brings the configuration of existing ones in line with the spec,
 * idempotently. Partitions are only ever added (Kafka cannot remove them), never silently reduced.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: TopicSpec[],
  options: { log: BusLog; replicationFactor?: number },
): Promise<{ created: string[]; updated: string[] }> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      // Leaders are awaited by waitForMetadata below: kafkajs's own wait gives up on the first
      // UNKNOWN_TOPIC_OR_PARTITION a busy broker answers while the topic is being set up.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    if (missing.length > 0)
      await waitForMetadata(
        admin,
        missing.map((s) => s.name),
      );
    const present = specs.filter((s) => existing.has(s.name));
    const updated: string[] = [];
    if (present.length > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
      const grow = present.filter((s) => {
        const t = meta.topics.find((m) => m.name === s.name);
        if (t && t.partitions.length > s.partitions) {
          options.log.warn(
            { topic: s.name, has: t.partitions.length, declared: s.partitions },
            'topic has more partitions than declared',
          );
        }
        return t !== undefined && t.partitions.length < s.partitions;
      });
      if (grow.length > 0) {
        await admin.createPartitions({ topicPartitions: grow.map((s) => ({ topic: s.name, count: s.partitions })) });
        updated.push(...grow.map((s) => s.name));
      }
      await admin.alterConfigs({
        validateOnly: false,
        resources: present.map((s) => ({
          type: 2, // ConfigResourceTypes.TOPIC
          name: s.name,
          configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return { created: missing.map((s) => s.name), updated };
  } catch (error) {
    throw busError(error, 'ensuring topics failed');
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Waits until the broker serves metadata with a leader for every partition of new topics: creation
 * returns before every broker-side cache knows them, and a produce in that gap fails with
 * UNKNOWN_TOPIC_OR_PARTITION.
 */
async function waitForMetadata(admin: ReturnType<Kafka['admin']>, topics: string[]): Promise<void> {
  const deadline = Date.now() + 15_000; // ms
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        // A leader in the metadata is not yet a partition that serves: KRaft brokers answer
        // NOT_LEADER_FOR_PARTITION for a moment after creation. Listing offsets goes to every leader.
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders yet`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Deletes topics (tests and rebuild tooling only). */
export async function deleteTopics(kafka: Kafka, names: string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const doomed = names.filter((n) => existing.has(n));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 10_000 });
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Readiness: the cluster answers a metadata request. */
export async function pingKafka(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw busError(error, 'kafka is not reachable');
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The end offset (next offset to be written) of every partition of each topic. */
export async function topicEndOffsets(
  kafka: Kafka,
  topics: string[],
): Promise<{ topic: string; partition: number; end: number }[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    // A leadership change (or a topic created a moment ago) answers NOT_LEADER_FOR_PARTITION once or
    // twice: retry retriable answers briefly before giving up.
    for (let attempt = 1; ; attempt++) {
      try {
        const result: { topic: string; partition: number; end: number }[] = [];
        for (const topic of topics) {
          for (const p of await admin.fetchTopicOffsets(topic)) {
            result.push({ topic, partition: p.partition, end: Number(p.high) });
          }
        }
        return result;
      } catch (error) {
        if (attempt >= 10 || !busError(error, '').retriable) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } catch (error) {
    throw busError(error, 'reading end offsets failed');
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Reads `count` messages of a topic with a bare kafkajs consumer that does nothing with them: the
 * ceiling a benchmark compares a real consumer against. Resolves with the seconds it took.
 */
export async function measureBareConsumer(kafka: Kafka, topic: string, count: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bare-${topic}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    let started = 0;
    return await new Promise<number>((resolve) => {
      void consumer.run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          if (started === 0) started = performance.now();
          seen += batch.messages.length;
          if (seen >= count) resolve((performance.now() - started) / 1000);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** The cluster's id: a projection's stored offsets only mean something for the cluster they came from. */
export async function clusterId(kafka: Kafka): Promise<string> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).clusterId;
  } catch (error) {
    throw busError(error, 'describing the cluster failed');
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
