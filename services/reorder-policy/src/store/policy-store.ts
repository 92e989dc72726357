import type { DeviceModel, DeviceState, OrderState } from '@restock/events';
import type { DecisionReason, SlotHistory } from '@restock/policy';
import { quoteIdent, type Tx } from '@restock/postgres';
import type { InventoryState, RegistrationFacts } from '../domain/slot-inputs.js';

export type CycleEnd = 'arrived' | 'cancelled' | 'failed' | 'no-order';

/** The reorder policy's SQL, in its own schema. Every function runs inside the caller's transaction. */
export function createPolicyStore(schema: string) {
  const s = quoteIdent(schema);

  return {
    schema,

    /** Records an event id; false when it was applied before (a re-delivery). */
    async markApplied(tx: Tx, eventId: string): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO ${s}.applied_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING`,
        [eventId],
      );
      return rowCount === 1;
    },

    /**
     * Serialises the batches that touch the same devices, whichever topic and partition they come
     * from, so two decisions for one slot never run side by side. Sorted, so two batches never wait
     * on each other in opposite orders.
     */
    async lockDevices(tx: Tx, deviceIds: string[]): Promise<void> {
      for (const id of [...new Set(deviceIds)].sort()) {
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [`reorder-policy:${id}`]);
      }
    },

    async upsertModel(tx: Tx, model: DeviceModel): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.models (model_id, slots) VALUES ($1, $2)
         ON CONFLICT (model_id) DO UPDATE SET slots = EXCLUDED.slots`,
        [model.modelId, JSON.stringify(model.slots)],
      );
    },

    async deleteModel(tx: Tx, modelId: string): Promise<void> {
      await tx.query(`DELETE FROM ${s}.models WHERE model_id = $1`, [modelId]);
    },

    async upsertDevice(tx: Tx, device: DeviceState): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.devices (device_id, model_id, marketplace) VALUES ($1, $2, $3)
         ON CONFLICT (device_id) DO UPDATE SET model_id = EXCLUDED.model_id, marketplace = EXCLUDED.marketplace`,
        [device.deviceId, device.modelId, device.marketplace],
      );
    },

    /** The device's marketplace and the model's default daily use of the slot, when the catalogue told. */
    async catalogFacts(
      tx: Tx,
      deviceId: string,
      slotId: string,
    ): Promise<{ marketplace: string | null; defaultDailyUse: number | null }> {
      const { rows } = await tx.query<{
        marketplace: string;
        slots: { slotId: string; defaultDailyUse: number }[] | null;
      }>(
        `SELECT d.marketplace, m.slots FROM ${s}.devices d LEFT JOIN ${s}.models m ON m.model_id = d.model_id
         WHERE d.device_id = $1`,
        [deviceId],
      );
      const row = rows[0];
      return {
        marketplace: row?.marketplace ?? null,
        defaultDailyUse: row?.slots?.find((x) => x.slotId === slotId)?.defaultDailyUse ?? null,
      };
    },

    async slot(tx: Tx, deviceId: string, slotId: string): Promise<{ revision: number; state: InventoryState } | null> {
      const { rows } = await tx.query<{ revision: number; state: InventoryState }>(
        `SELECT revision, state FROM ${s}.slots WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      return rows[0] ?? null;
    },

    async saveSlot(tx: Tx, deviceId: string, state: InventoryState, stateAt: Date): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.slots (device_id, slot_id, revision, state, state_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (device_id, slot_id) DO UPDATE
           SET revision = EXCLUDED.revision, state = EXCLUDED.state, state_at = EXCLUDED.state_at`,
        [deviceId, state.slotId, state.revision, JSON.stringify(state), stateAt],
      );
    },

    async slotIdsOfDevice(tx: Tx, deviceId: string): Promise<string[]> {
      const { rows } = await tx.query<{ slot_id: string }>(
        `SELECT slot_id FROM ${s}.slots WHERE device_id = $1 ORDER BY slot_id`,
        [deviceId],
      );
      return rows.map((r) => r.slot_id);
    },

    /** Adds use to a day and starts (or moves back) the tracking of the slot to that day. */
    async addUse(tx: Tx, deviceId: string, slotId: string, day: string, quantity: number): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.use_tracking (device_id, slot_id, tracked_since) VALUES ($1, $2, $3)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET tracked_since = LEAST(use_tracking.tracked_since, EXCLUDED.tracked_since)`,
        [deviceId, slotId, day],
      );
      if (quantity <= 0) return;
      await tx.query(
        `INSERT INTO ${s}.daily_use (device_id, slot_id, day, quantity) VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id, slot_id, day) DO UPDATE SET quantity = daily_use.quantity + EXCLUDED.quantity`,
        [deviceId, slotId, day, quantity],
      );
    },

    async lastReading(
      tx: Tx,
      deviceId: string,
      slotId: string,
    ): Promise<{ sequence: number; quantity: number | null }> {
      const { rows } = await tx.query<{ last_reading_seq: number; last_reading: number | null }>(
        `SELECT last_reading_seq, last_reading FROM ${s}.use_tracking WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      return { sequence: rows[0]?.last_reading_seq ?? -1, quantity: rows[0]?.last_reading ?? null };
    },

    async saveReading(tx: Tx, deviceId: string, slotId: string, sequence: number, quantity: number): Promise<void> {
      await tx.query(
        `UPDATE ${s}.use_tracking SET last_reading_seq = $3, last_reading = $4 WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId, sequence, quantity],
      );
    },

    async registrationEvent(tx: Tx, deviceId: string, kind: 'registered' | 'deregistered', at: Date): Promise<void> {
      const column = kind === 'registered' ? 'registered_at' : 'deregistered_at';
      await tx.query(
        `INSERT INTO ${s}.registrations (device_id, ${column}) VALUES ($1, $2)
         ON CONFLICT (device_id) DO UPDATE SET ${column} = GREATEST(registrations.${column}, EXCLUDED.${column})`,
        [deviceId, at],
      );
    },

    async registration(tx: Tx, deviceId: string): Promise<RegistrationFacts | null> {
      const { rows } = await tx.query<{ registered_at: Date | null; deregistered_at: Date | null }>(
        `SELECT registered_at, deregistered_at FROM ${s}.registrations WHERE device_id = $1`,
        [deviceId],
      );
      const row = rows[0];
      return row ? { registeredAt: row.registered_at, deregisteredAt: row.deregistered_at } : null;
    },

    /** Keeps the newest notification's subscription of a slot. */
    async setSubscription(tx: Tx, deviceId: string, slotId: string, subscribed: boolean, at: Date): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.subscriptions (device_id, slot_id, subscribed, changed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET subscribed = EXCLUDED.subscribed, changed_at = EXCLUDED.changed_at
         WHERE subscriptions.changed_at <= EXCLUDED.changed_at`,
        [deviceId, slotId, subscribed, at],
      );
    },

    async setReconciledSubscription(
      tx: Tx,
      deviceId: string,
      slotId: string,
      subscribed: boolean,
      at: Date,
    ): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.reconciled_subscriptions (device_id, slot_id, subscribed, answered_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET subscribed = EXCLUDED.subscribed, answered_at = EXCLUDED.answered_at
         WHERE reconciled_subscriptions.answered_at <= EXCLUDED.answered_at`,
        [deviceId, slotId, subscribed, at],
      );
    },

    async subscriptionFacts(
      tx: Tx,
      deviceId: string,
      slotId: string,
    ): Promise<{ notified: { subscribed: boolean } | null; reconciled: { subscribed: boolean } | null }> {
      const notified = await tx.query<{ subscribed: boolean }>(
        `SELECT subscribed FROM ${s}.subscriptions WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      const reconciled = await tx.query<{ subscribed: boolean }>(
        `SELECT subscribed FROM ${s}.reconciled_subscriptions WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      return { notified: notified.rows[0] ?? null, reconciled: reconciled.rows[0] ?? null };
    },

    /** Keeps the newest days-of-cover preference of a slot. */
    async setPreference(tx: Tx, deviceId: string, slotId: string, daysOfCover: number, at: Date): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.preferences (device_id, slot_id, days_of_cover, changed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET days_of_cover = EXCLUDED.days_of_cover, changed_at = EXCLUDED.changed_at
         WHERE preferences.changed_at <= EXCLUDED.changed_at`,
        [deviceId, slotId, daysOfCover, at],
      );
    },

    async daysOfCover(tx: Tx, deviceId: string, slotId: string): Promise<number | null> {
      const { rows } = await tx.query<{ days_of_cover: number }>(
        `SELECT days_of_cover FROM ${s}.preferences WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      return rows[0]?.days_of_cover ?? null;
    },

    async order(tx: Tx, deviceId: string, instanceId: string): Promise<{ slotId: string; state: OrderState } | null> {
      const { rows } = await tx.query<{ slot_id: string; state: OrderState }>(
        `SELECT slot_id, state FROM ${s}.orders WHERE device_id = $1 AND instance_id = $2`,
        [deviceId, instanceId],
      );
      const row = rows[0];
      return row ? { slotId: row.slot_id, state: row.state } : null;
    },

    async saveOrder(tx: Tx, deviceId: string, instanceId: string, slotId: string, state: OrderState): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.orders (device_id, instance_id, slot_id, state) VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id, instance_id) DO UPDATE SET state = EXCLUDED.state`,
        [deviceId, instanceId, slotId, state],
      );
    },

    async orderStatesOfSlot(tx: Tx, deviceId: string, slotId: string): Promise<string[]> {
      const { rows } = await tx.query<{ state: string }>(
        `SELECT state FROM ${s}.orders WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      return rows.map((r) => r.state);
    },

    /** Ends a cycle of the slot for a cause; false when that cause had ended one already. */
    async closeCycle(
      tx: Tx,
      deviceId: string,
      slotId: string,
      cause: string,
      kind: CycleEnd,
      at: Date,
      stockOnHand: number,
    ): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO ${s}.closed_cycles (device_id, slot_id, cause, kind, closed_at, stock_on_hand)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [deviceId, slotId, cause, kind, at, stockOnHand],
      );
      return rowCount === 1;
    },

    async isCycleCause(tx: Tx, deviceId: string, cause: string): Promise<boolean> {
      const { rowCount } = await tx.query(`SELECT 1 FROM ${s}.closed_cycles WHERE device_id = $1 AND cause = $2`, [
        deviceId,
        cause,
      ]);
      return (rowCount ?? 0) > 0;
    },

    /** The slot's current reorder cycle: how many cycles have ended. */
    async cycle(tx: Tx, deviceId: string, slotId: string): Promise<number> {
      const { rows } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${s}.closed_cycles WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      return rows[0]?.n ?? 0;
    },

    /** Inserts this cycle's request; false when the cycle already has one (a repeated decision). */
    async insertRequest(
      tx: Tx,
      request: { commandId: string; deviceId: string; slotId: string; cycle: number; requestedAt: Date },
    ): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO ${s}.requests (command_id, device_id, slot_id, cycle, requested_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [request.commandId, request.deviceId, request.slotId, request.cycle, request.requestedAt],
      );
      return rowCount === 1;
    },

    async requestOf(
      tx: Tx,
      commandId: string,
    ): Promise<{ deviceId: string; slotId: string; cycle: number; outcome: string | null } | null> {
      const { rows } = await tx.query<{ device_id: string; slot_id: string; cycle: number; outcome: string | null }>(
        `SELECT device_id, slot_id, cycle, outcome FROM ${s}.requests WHERE command_id = $1`,
        [commandId],
      );
      const row = rows[0];
      return row ? { deviceId: row.device_id, slotId: row.slot_id, cycle: row.cycle, outcome: row.outcome } : null;
    },

    async settleRequest(
      tx: Tx,
      commandId: string,
      outcome: string,
      detailCode: string | null,
      eventInstanceId: string | null,
    ): Promise<void> {
      await tx.query(
        `UPDATE ${s}.requests SET outcome = $2, detail_code = $3, event_instance_id = $4 WHERE command_id = $1`,
        [commandId, outcome, detailCode, eventInstanceId],
      );
    },

    async hasRequest(tx: Tx, deviceId: string, slotId: string, cycle: number): Promise<boolean> {
      const { rowCount } = await tx.query(
        `SELECT 1 FROM ${s}.requests WHERE device_id = $1 AND slot_id = $2 AND cycle = $3`,
        [deviceId, slotId, cycle],
      );
      return (rowCount ?? 0) > 0;
    },

    /** The policy's history of a slot: use from `fromDay` on, and how its recent cycles ended. */
    async history(tx: Tx, deviceId: string, slotId: string, fromDay: string): Promise<SlotHistory> {
      const tracking = await tx.query<{ tracked_since: string }>(
        `SELECT to_char(tracked_since, 'YYYY-MM-DD') AS tracked_since FROM ${s}.use_tracking
         WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      const use = await tx.query<{ day: string; quantity: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, quantity FROM ${s}.daily_use
         WHERE device_id = $1 AND slot_id = $2 AND day >= $3 ORDER BY day`,
        [deviceId, slotId, fromDay],
      );
      const ends = await tx.query<{ kind: CycleEnd; closed_at: Date; stock_on_hand: number }>(
        `SELECT DISTINCT ON (kind IN ('failed', 'no-order')) kind, closed_at, stock_on_hand FROM ${s}.closed_cycles
         WHERE device_id = $1 AND slot_id = $2 AND kind <> 'arrived'
         ORDER BY kind IN ('failed', 'no-order'), closed_at DESC`,
        [deviceId, slotId],
      );
      const cancelled = ends.rows.find((r) => r.kind === 'cancelled');
      const failed = ends.rows.find((r) => r.kind === 'failed' || r.kind === 'no-order');
      return {
        trackedSince: tracking.rows[0]?.tracked_since ?? null,
        dailyUse: use.rows.map((r) => ({ day: r.day, quantity: r.quantity })),
        lastCancellation: cancelled
          ? { at: cancelled.closed_at.toISOString(), stockOnHand: cancelled.stock_on_hand }
          : null,
        lastFailedRequestAt: failed ? failed.closed_at.toISOString() : null,
      };
    },

    async insertDecision(
      tx: Tx,
      decision: {
        deviceId: string;
        slotId: string;
        decidedAt: Date;
        outcome: 'ordered' | 'held';
        reason: DecisionReason;
        commandId: string | null;
        cycle: number;
      },
    ): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.decisions (device_id, slot_id, decided_at, outcome, reason, command_id, cycle)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          decision.deviceId,
          decision.slotId,
          decision.decidedAt,
          decision.outcome,
          JSON.stringify(decision.reason),
          decision.commandId,
          decision.cycle,
        ],
      );
    },
  };
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;
