import type { TopicCodec } from '@restock/events';
import { type Pool, quoteIdent, type Tx } from '@restock/postgres';
import type { Static, TSchema } from '@sinclair/typebox';
import pg from 'pg';
import type { BusLog } from './log.js';
import { type BusProducer, eventHeaders, eventKey, type OutgoingMessage } from './producer.js';

/**
 * Writes events to the service's outbox inside the caller's transaction; the relay publishes them after
 * commit. Nothing is ever published "after commit, hopefully" (ARCHITECTURE principle 2).
 */
export async function enqueueEvents<E extends readonly TSchema[]>(
  tx: Tx,
  schema: string,
  codec: TopicCodec<E>,
  events: Static<E[number]>[],
  topic: string = codec.topic.name,
): Promise<void> {
  await enqueueMessages(
    tx,
    schema,
    events.map((event) => {
      const e = event as { id: string; type: string; version: number; deviceId?: string; key?: string };
      return { topic, key: eventKey(e), value: codec.encode(event), headers: eventHeaders(e), eventId: e.id };
    }),
  );
}

export interface OutboxMessage extends OutgoingMessage {
  eventId: string | null;
}

/** Writes pre-encoded messages (dead letters, forwarded records) to the outbox inside the caller's transaction. */
export async function enqueueMessages(tx: Tx, schema: string, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const table = `${quoteIdent(schema)}.outbox`;
  // One multi-row INSERT per call keeps a large batch to a single round trip.
  const params: unknown[] = [];
  const rows: string[] = [];
  for (const m of messages) {
    const i = params.length;
    params.push(m.eventId, m.topic, m.key, m.value, JSON.stringify(m.headers));
    rows.push(`($${i + 1}, $${i + 2}, $${i + 3}, $${i + 4}, $${i + 5})`);
  }
  await tx.query(`INSERT INTO ${table} (event_id, topic, key, value, headers) VALUES ${rows.join(', ')}`, params);
  await tx.query(`SELECT pg_notify($1, '')`, [notifyChannel(schema)]);
}

function notifyChannel(schema: string): string {
  return `${schema}_outbox`;
}

export interface OutboxRelayOptions {
  /** A connection string: the relay holds one dedicated connection for its lock and LISTEN. */
  databaseUrl: string;
  pool: Pool;
  schema: string;
  producer: BusProducer;
  log: BusLog;
  /** Rows published per round. */
  batchSize?: number;
  /** ms between polls when no notification arrives (a safety net for missed NOTIFYs). */
  pollInterval?: number;
  /** Test hook: runs after the broker acknowledged a round and before its rows are deleted. */
  afterPublish?: (messages: OutgoingMessage[]) => Promise<void> | void;
}

export interface OutboxRelay {
  start(): void;
  /** Publishes whatever is pending now (used by tests and on shutdown). */
  drain(): Promise<number>;
  stop(): Promise<void>;
  /** Rows not yet published. */
  pending(): Promise<number>;
}

/**
 * Publishes the outbox in insertion order, at least once, under each event's own id. Only one relay
 * per schema runs at a time (a PostgreSQL advisory lock), which keeps the global order and therefore
 * the order per key; other replicas wait as hot standbys.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const table = `${quoteIdent(options.schema)}.outbox`;
  const batchSize = options.batchSize ?? 500;
  const pollInterval = options.pollInterval ?? 1_000;
  const lockKey = advisoryKey(`outbox:${options.schema}`);
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let lockClient: pg.Client | undefined;
  let draining: Promise<number> | undefined;

  async function publishRound(): Promise<number> {
    const { rows } = await options.pool.query<{
      seq: number;
      topic: string;
      key: string | null;
      value: Buffer | null;
      headers: Record<string, string>;
    }>(`SELECT seq, topic, key, value, headers FROM ${table} ORDER BY seq LIMIT $1`, [batchSize]);
    if (rows.length === 0) return 0;
    const messages = rows.map((r) => ({ topic: r.topic, key: r.key, value: r.value, headers: r.headers }));
    await options.producer.sendMessages(messages);
    await options.afterPublish?.(messages);
    await options.pool.query(`DELETE FROM ${table} WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
    return rows.length;
  }

  async function drainOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await publishRound();
      total += n;
      if (n < batchSize) return total;
    }
  }

  async function acquireLock(): Promise<boolean> {
    if (!lockClient) {
      const client = new pg.Client({ connectionString: options.databaseUrl });
      client.on('error', (error) => {
        options.log.warn({ err: error }, 'outbox relay lost its lock connection');
        if (lockClient === client) lockClient = undefined;
        wake?.();
      });
      client.on('notification', () => wake?.());
      await client.connect();
      lockClient = client;
    }
    const { rows } = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      lockKey,
    ]);
    if (rows[0]?.locked) {
      await lockClient.query(`LISTEN ${quoteIdent(`${options.schema}_outbox`)}`);
      return true;
    }
    return false;
  }

  async function run(): Promise<void> {
    let haveLock = false;
    let failures = 0;
    while (running) {
      try {
        if (!haveLock || !lockClient) {
          haveLock = false;
          haveLock = await acquireLock();
        }
        if (haveLock) {
          draining = drainOnce();
          await draining;
        }
        failures = 0;
      } catch (error) {
        failures++;
        haveLock = haveLock && lockClient !== undefined;
        options.log.warn({ err: error, failures }, 'outbox relay round failed; retrying');
      } finally {
        draining = undefined;
      }
      if (!running) break;
      const delay = failures > 0 ? Math.min(200 * 2 ** failures, 5_000) : pollInterval;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async drain() {
      if (draining) await draining.catch(() => 0);
      return drainOnce();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
      const client = lockClient;
      lockClient = undefined;
      if (client) {
        await client.query('SELECT pg_advisory_unlock_all()').catch(() => {});
        await client.end().catch(() => {});
      }
    },
    async pending() {
      const { rows } = await options.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      return rows[0]?.n ?? 0;
    },
  };
}

/** A stable 63-bit advisory lock key from a name. */
function advisoryKey(name: string): string {
  let h = 1469598103934665603n;
  for (const ch of Buffer.from(name)) {
    h ^= BigInt(ch);
    h = (h * 1099511628211n) & 0x7fffffffffffffffn;
  }
  return h.toString();
}
