import {
  createCodec,
  type DeregisterRequested,
  type InventoryAdjusted,
  type LinkDrsAccount,
  type SlotPreferencesChanged,
  Topics,
} from '@restock/events';
import { enqueueEvents } from '@restock/kafka';
import { type Pool, quoteIdent, type Tx, withTransaction } from '@restock/postgres';
import { QueryError, QueryErrorCode } from '../domain/query-error.js';

const adjustmentsCodec = createCodec(Topics.adjustments);
const commandsCodec = createCodec(Topics.commands);

export interface CommandStoreOptions {
  pool: Pool;
  schema: string;
  topics: { adjustments: string; commands: string };
}

/** What a request with an Idempotency-Key is remembered by. */
export interface IdempotentRequest {
  kind: string;
  customerId: string;
  deviceId: string;
  digest: string;
}

/** The outcome of an accepted request: the event's id and what the first answer said. */
export interface Accepted<A> {
  eventId: string;
  answer: A;
  /** True when this was a retry answered from the first request's record. */
  replayed: boolean;
}

/**
 * Writes of the customer's requests: each event goes to the outbox in the same transaction as the
 * rows it belongs to (the remembered Idempotency-Key, the preference), and the relay publishes it
 * after commit. Accepted means durable: the 202 is sent after that commit.
 */
export function createCommandStore(options: CommandStoreOptions) {
  const s = quoteIdent(options.schema);

  /**
   * Records a request with an Idempotency-Key; false when its event id was recorded before (then the
   * first record's answer is returned, or a 422 when the key came with another request).
   */
  async function remember<A>(
    tx: Tx,
    eventId: string,
    request: IdempotentRequest,
    answer: A,
    now: Date,
  ): Promise<{ fresh: true } | { fresh: false; answer: A }> {
    const inserted = await tx.query(
      `INSERT INTO ${s}.idempotent_requests (event_id, kind, customer_id, device_id, digest, answer, accepted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
      [eventId, request.kind, request.customerId, request.deviceId, request.digest, JSON.stringify(answer), now],
    );
    if (inserted.rowCount === 1) return { fresh: true };
    const { rows } = await tx.query<{ digest: string; answer: A }>(
      `SELECT digest, answer FROM ${s}.idempotent_requests WHERE event_id = $1`,
      [eventId],
    );
    const first = rows[0];
    if (first === undefined || first.digest !== request.digest) {
      throw new QueryError(
        QueryErrorCode.QRY_IDEMPOTENCY_MISMATCH,
        422,
        'this Idempotency-Key was already used for a different request; use a new key for a new request',
        { field: '/headers/idempotency-key' },
      );
    }
    return { fresh: false, answer: first.answer };
  }

  /** Enqueues one event, remembering the request first when it carries an Idempotency-Key. */
  async function accept<A>(
    write: (tx: Tx) => Promise<void>,
    eventId: string,
    idempotent: IdempotentRequest | undefined,
    answer: A,
    now: Date,
  ): Promise<Accepted<A>> {
    return withTransaction(options.pool, async (tx) => {
      if (idempotent !== undefined) {
        const known = await remember(tx, eventId, idempotent, answer, now);
        if (!known.fresh) return { eventId, answer: known.answer, replayed: true };
      }
      await write(tx);
      return { eventId, answer, replayed: false };
    });
  }

  return {
    adjust<A>(event: InventoryAdjusted, idempotent: IdempotentRequest | undefined, answer: A, now: Date) {
      return accept(
        (tx) => enqueueEvents(tx, options.schema, adjustmentsCodec, [event], options.topics.adjustments),
        event.id,
        idempotent,
        answer,
        now,
      );
    },

    command(event: LinkDrsAccount | DeregisterRequested, idempotent: IdempotentRequest | undefined, now: Date) {
      return accept(
        (tx) => enqueueEvents(tx, options.schema, commandsCodec, [event], options.topics.commands),
        event.id,
        idempotent,
        {},
        now,
      );
    },

    /**
     * Stores the slot's days of cover and publishes SlotPreferencesChanged, unless the slot already has
     * that value: a repeated PUT changes nothing and answers with the event that set it.
     */
    async setPreferences(event: SlotPreferencesChanged): Promise<{ eventId: string; changed: boolean }> {
      return withTransaction(options.pool, async (tx) => {
        const { rows } = await tx.query<{ days_of_cover: number; event_id: string }>(
          `SELECT days_of_cover, event_id FROM ${s}.slot_preferences WHERE device_id = $1 AND slot_id = $2 FOR UPDATE`,
          [event.deviceId, event.data.slotId],
        );
        const current = rows[0];
        if (current !== undefined && current.days_of_cover === event.data.daysOfCover) {
          return { eventId: current.event_id, changed: false };
        }
        await tx.query(
          `INSERT INTO ${s}.slot_preferences (device_id, slot_id, days_of_cover, customer_id, event_id, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (device_id, slot_id) DO UPDATE SET days_of_cover = EXCLUDED.days_of_cover,
             customer_id = EXCLUDED.customer_id, event_id = EXCLUDED.event_id, updated_at = EXCLUDED.updated_at`,
          [
            event.deviceId,
            event.data.slotId,
            event.data.daysOfCover,
            event.data.customerId,
            event.id,
            new Date(event.occurredAt),
          ],
        );
        await enqueueEvents(tx, options.schema, adjustmentsCodec, [event], options.topics.adjustments);
        return { eventId: event.id, changed: true };
      });
    },

    /** Forgets Idempotency-Keys older than `before`; returns how many. */
    async pruneIdempotentRequests(before: Date): Promise<number> {
      const r = await options.pool.query(`DELETE FROM ${s}.idempotent_requests WHERE accepted_at < $1`, [before]);
      return r.rowCount ?? 0;
    },
  };
}

export type CommandStore = ReturnType<typeof createCommandStore>;
