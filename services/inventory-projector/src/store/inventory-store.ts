import type { DeviceModel, DeviceState, ModelSlot, OrderProduct, OrderState, UnitType } from '@restock/events';
import { quoteIdent, type Tx } from '@restock/postgres';
import { compareFacts, type FactKind, foldFacts, type SlotFact, type SlotLevels } from '../domain/slot-fold.js';

const KIND_CODES: Record<FactKind, number> = { setLevel: 0, level: 1, consumed: 2, addSpare: 3, arrived: 4 };
const KINDS = Object.keys(KIND_CODES) as FactKind[];

export interface SlotRow {
  deviceId: string;
  slotId: string;
  unitType: UnitType;
  unit: string;
  capacity: number;
  levels: SlotLevels;
  lastFact: SlotFact | null;
  revision: number;
}

/** SQL of the projection, with every table qualified by the schema it lives in (live or shadow). */
export function createInventoryStore(schema: string) {
  const s = quoteIdent(schema);

  return {
    schema,

    /** True the first time an event id is seen; readers de-duplicate on it. */
    async markApplied(tx: Tx, eventId: string): Promise<boolean> {
      const r = await tx.query(`INSERT INTO ${s}.applied_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING`, [
        eventId,
      ]);
      return r.rowCount === 1;
    },

    /** The ids of `eventIds` not seen before (recorded now); readers de-duplicate on them. */
    async markAppliedMany(tx: Tx, eventIds: string[]): Promise<Set<string>> {
      if (eventIds.length === 0) return new Set();
      const r = await tx.query<{ event_id: string }>(
        `INSERT INTO ${s}.applied_events (event_id) SELECT DISTINCT unnest($1::uuid[])
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [eventIds],
      );
      return new Set(r.rows.map((x) => x.event_id));
    },

    async purgeHorizons(tx: Tx, deviceIds: string[]): Promise<Map<string, number>> {
      const r = await tx.query<{ device_id: string; purge_horizon: Date }>(
        `SELECT device_id, purge_horizon FROM ${s}.registrations
         WHERE device_id = ANY($1::text[]) AND purge_horizon IS NOT NULL`,
        [deviceIds],
      );
      return new Map(r.rows.map((x) => [x.device_id, x.purge_horizon.getTime()]));
    },

    async modelSlotsMany(tx: Tx, deviceIds: string[]): Promise<Map<string, ModelSlot[]>> {
      const r = await tx.query<{ device_id: string; slots: ModelSlot[] }>(
        `SELECT d.device_id, m.slots FROM ${s}.devices d JOIN ${s}.models m ON m.model_id = d.model_id
         WHERE d.device_id = ANY($1::text[])`,
        [deviceIds],
      );
      return new Map(r.rows.map((x) => [x.device_id, x.slots]));
    },

    /** Slot rows by `deviceId\u0000slotId`, locked for the batch. */
    async slotsMany(tx: Tx, keys: { deviceId: string; slotId: string }[]): Promise<Map<string, SlotRow>> {
      if (keys.length === 0) return new Map();
      const r = await tx.query(
        `SELECT s.* FROM ${s}.slots s
         JOIN unnest($1::text[], $2::text[]) AS k(device_id, slot_id) USING (device_id, slot_id)
         ORDER BY s.device_id, s.slot_id FOR UPDATE OF s`,
        [keys.map((k) => k.deviceId), keys.map((k) => k.slotId)],
      );
      return new Map(r.rows.map((row) => [`${row.device_id}\u0000${row.slot_id}`, toSlotRow(row)]));
    },

    async insertFactsMany(tx: Tx, facts: { deviceId: string; slotId: string; fact: SlotFact }[]): Promise<void> {
      if (facts.length === 0) return;
      await tx.query(
        `INSERT INTO ${s}.slot_facts (device_id, slot_id, event_id, kind, occurred_at, sequence, quantity)
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::bigint[], $7::float8[])
         ON CONFLICT DO NOTHING`,
        [
          facts.map((f) => f.deviceId),
          facts.map((f) => f.slotId),
          facts.map((f) => f.fact.eventId),
          facts.map((f) => f.fact.kind),
          facts.map((f) => new Date(f.fact.occurredAt)),
          facts.map((f) => f.fact.sequence),
          facts.map((f) => f.fact.quantity),
        ],
      );
    },

    /** Adds per-day use, one row per (device, slot, day) in the input. */
    async addDailyMany(
      tx: Tx,
      rows: { deviceId: string; slotId: string; day: string; quantity: number }[],
    ): Promise<void> {
      if (rows.length === 0) return;
      await tx.query(
        `INSERT INTO ${s}.daily_consumption (device_id, slot_id, day, quantity)
         SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::float8[])
         ON CONFLICT (device_id, slot_id, day) DO UPDATE
           SET quantity = round((daily_consumption.quantity + EXCLUDED.quantity)::numeric, 6)::double precision`,
        [rows.map((r) => r.deviceId), rows.map((r) => r.slotId), rows.map((r) => r.day), rows.map((r) => r.quantity)],
      );
    },

    async saveSlotsMany(tx: Tx, rows: SlotRow[]): Promise<void> {
      if (rows.length === 0) return;
      const col = <T>(f: (r: SlotRow) => T) => rows.map(f);
      await tx.query(
        `INSERT INTO ${s}.slots (device_id, slot_id, unit_type, unit, capacity, level, spare_stock, overdraw, last_use_at,
           last_reading_seq, last_fact_at, last_fact_kind, last_fact_seq, last_fact_id, revision)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[],
           $8::float8[], $9::timestamptz[], $10::bigint[], $11::timestamptz[], $12::smallint[], $13::bigint[], $14::uuid[],
           $15::int[])
         ON CONFLICT (device_id, slot_id) DO UPDATE SET unit_type = EXCLUDED.unit_type, unit = EXCLUDED.unit,
           capacity = EXCLUDED.capacity, level = EXCLUDED.level, spare_stock = EXCLUDED.spare_stock,
           overdraw = EXCLUDED.overdraw, last_use_at = EXCLUDED.last_use_at, last_reading_seq = EXCLUDED.last_reading_seq,
           last_fact_at = EXCLUDED.last_fact_at, last_fact_kind = EXCLUDED.last_fact_kind,
           last_fact_seq = EXCLUDED.last_fact_seq, last_fact_id = EXCLUDED.last_fact_id, revision = EXCLUDED.revision`,
        [
          col((r) => r.deviceId),
          col((r) => r.slotId),
          col((r) => r.unitType),
          col((r) => r.unit),
          col((r) => r.capacity),
          col((r) => r.levels.level),
          col((r) => r.levels.spareStock),
          col((r) => r.levels.overdraw),
          col((r) => (r.levels.lastUseAt === null ? null : new Date(r.levels.lastUseAt))),
          col((r) => r.levels.lastReadingSequence),
          col((r) => (r.lastFact ? new Date(r.lastFact.occurredAt) : null)),
          col((r) => (r.lastFact ? KIND_CODES[r.lastFact.kind] : null)),
          col((r) => r.lastFact?.sequence ?? null),
          col((r) => r.lastFact?.eventId ?? null),
          col((r) => r.revision),
        ],
      );
    },

    /** What InventoryChanged needs besides the slot rows, for many slots in four queries. */
    async slotContext(tx: Tx, keys: { deviceId: string; slotId: string }[]) {
      const deviceIds = [...new Set(keys.map((k) => k.deviceId))];
      const args = [keys.map((k) => k.deviceId), keys.map((k) => k.slotId)];
      const orders = await tx.query<OrderRow>(
        `SELECT o.* FROM ${s}.orders o JOIN unnest($1::text[], $2::text[]) AS k(device_id, slot_id) USING (device_id, slot_id)
         WHERE o.state IN ('placed', 'shipped') -- still on the way: part of the stock on hand
         ORDER BY COALESCE(o.placed_at, o.shipped_at), o.instance_id`,
        args,
      );
      const subs = await tx.query<{ device_id: string; slot_id: string; subscribed: boolean; asin: string | null }>(
        `SELECT s.device_id, s.slot_id, s.subscribed, s.asin FROM ${s}.subscriptions s
         JOIN unnest($1::text[], $2::text[]) AS k(device_id, slot_id) USING (device_id, slot_id)`,
        args,
      );
      const regs = await tx.query<{
        device_id: string;
        registered_at: Date | null;
        deregistered_at: Date | null;
        revision: number;
      }>(
        `SELECT device_id, registered_at, deregistered_at, revision FROM ${s}.registrations WHERE device_id = ANY($1::text[])`,
        [deviceIds],
      );
      return {
        openOrders: (deviceId: string, slotId: string) =>
          orders.rows.filter((o) => o.device_id === deviceId && o.slot_id === slotId),
        subscription: (deviceId: string, slotId: string) =>
          subs.rows.find((x) => x.device_id === deviceId && x.slot_id === slotId) ?? null,
        registration: (deviceId: string) => regs.rows.find((x) => x.device_id === deviceId) ?? null,
      };
    },

    async upsertModel(tx: Tx, model: DeviceModel): Promise<ModelSlot[] | null> {
      const prev = await tx.query<{ slots: ModelSlot[] }>(`SELECT slots FROM ${s}.models WHERE model_id = $1`, [
        model.modelId,
      ]);
      await tx.query(
        `INSERT INTO ${s}.models (model_id, slots) VALUES ($1, $2)
         ON CONFLICT (model_id) DO UPDATE SET slots = EXCLUDED.slots`,
        [model.modelId, JSON.stringify(model.slots)],
      );
      return prev.rows[0]?.slots ?? null;
    },

    async deleteModel(tx: Tx, modelId: string): Promise<void> {
      await tx.query(`DELETE FROM ${s}.models WHERE model_id = $1`, [modelId]);
    },

    async modelSlots(tx: Tx, deviceId: string): Promise<ModelSlot[] | null> {
      const r = await tx.query<{ slots: ModelSlot[] }>(
        `SELECT m.slots FROM ${s}.devices d JOIN ${s}.models m ON m.model_id = d.model_id WHERE d.device_id = $1`,
        [deviceId],
      );
      return r.rows[0]?.slots ?? null;
    },

    async devicesOfModel(tx: Tx, modelId: string): Promise<string[]> {
      const r = await tx.query<{ device_id: string }>(`SELECT device_id FROM ${s}.devices WHERE model_id = $1`, [
        modelId,
      ]);
      return r.rows.map((x) => x.device_id);
    },

    async upsertDevice(tx: Tx, device: DeviceState): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.devices (device_id, model_id, marketplace, customer_id, test_device) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (device_id) DO UPDATE SET model_id = EXCLUDED.model_id, marketplace = EXCLUDED.marketplace,
           customer_id = EXCLUDED.customer_id, test_device = EXCLUDED.test_device`,
        [device.deviceId, device.modelId, device.marketplace, device.customerId, device.testDevice],
      );
    },

    async purgeHorizon(tx: Tx, deviceId: string): Promise<number | null> {
      const r = await tx.query<{ purge_horizon: Date | null }>(
        `SELECT purge_horizon FROM ${s}.registrations WHERE device_id = $1`,
        [deviceId],
      );
      return r.rows[0]?.purge_horizon?.getTime() ?? null;
    },

    async slot(tx: Tx, deviceId: string, slotId: string): Promise<SlotRow | null> {
      const r = await tx.query(`SELECT * FROM ${s}.slots WHERE device_id = $1 AND slot_id = $2 FOR UPDATE`, [
        deviceId,
        slotId,
      ]);
      const row = r.rows[0];
      return row ? toSlotRow(row) : null;
    },

    async slotIds(tx: Tx, deviceId: string): Promise<string[]> {
      const r = await tx.query<{ slot_id: string }>(`SELECT slot_id FROM ${s}.slots WHERE device_id = $1`, [deviceId]);
      return r.rows.map((x) => x.slot_id);
    },

    async saveSlot(tx: Tx, row: SlotRow): Promise<void> {
      const f = row.lastFact;
      await tx.query(
        `INSERT INTO ${s}.slots (device_id, slot_id, unit_type, unit, capacity, level, spare_stock, overdraw, last_use_at,
           last_reading_seq, last_fact_at, last_fact_kind, last_fact_seq, last_fact_id, revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET unit_type = EXCLUDED.unit_type, unit = EXCLUDED.unit,
           capacity = EXCLUDED.capacity, level = EXCLUDED.level, spare_stock = EXCLUDED.spare_stock,
           overdraw = EXCLUDED.overdraw, last_use_at = EXCLUDED.last_use_at, last_reading_seq = EXCLUDED.last_reading_seq,
           last_fact_at = EXCLUDED.last_fact_at, last_fact_kind = EXCLUDED.last_fact_kind,
           last_fact_seq = EXCLUDED.last_fact_seq, last_fact_id = EXCLUDED.last_fact_id, revision = EXCLUDED.revision`,
        [
          row.deviceId,
          row.slotId,
          row.unitType,
          row.unit,
          row.capacity,
          row.levels.level,
          row.levels.spareStock,
          row.levels.overdraw,
          row.levels.lastUseAt === null ? null : new Date(row.levels.lastUseAt),
          row.levels.lastReadingSequence,
          f ? new Date(f.occurredAt) : null,
          f ? KIND_CODES[f.kind] : null,
          f ? f.sequence : null,
          f ? f.eventId : null,
          row.revision,
        ],
      );
    },

    async insertFact(
      tx: Tx,
      deviceId: string,
      slotId: string,
      fact: SlotFact,
      instanceId: string | null = null,
    ): Promise<boolean> {
      const r = await tx.query(
        `INSERT INTO ${s}.slot_facts (device_id, slot_id, event_id, kind, occurred_at, sequence, quantity, instance_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [
          deviceId,
          slotId,
          fact.eventId,
          fact.kind,
          new Date(fact.occurredAt),
          fact.sequence,
          fact.quantity,
          instanceId,
        ],
      );
      return r.rowCount === 1;
    },

    async addDaily(tx: Tx, deviceId: string, slotId: string, daily: Map<string, number>): Promise<void> {
      for (const [day, quantity] of daily) {
        await tx.query(
          `INSERT INTO ${s}.daily_consumption (device_id, slot_id, day, quantity) VALUES ($1, $2, $3, $4)
           ON CONFLICT (device_id, slot_id, day) DO UPDATE
             SET quantity = round((daily_consumption.quantity + EXCLUDED.quantity)::numeric, 6)::double precision`,
          [deviceId, slotId, day, quantity],
        );
      }
    },

    /** Re-folds a slot from all its stored facts and rewrites its daily history. */
    async refold(tx: Tx, row: SlotRow): Promise<SlotRow> {
      const r = await tx.query<{
        event_id: string;
        kind: FactKind;
        occurred_at: Date;
        sequence: number;
        quantity: number;
      }>(
        `SELECT event_id, kind, occurred_at, sequence, quantity FROM ${s}.slot_facts WHERE device_id = $1 AND slot_id = $2`,
        [row.deviceId, row.slotId],
      );
      const facts: SlotFact[] = r.rows.map((f) => ({
        eventId: f.event_id,
        kind: f.kind,
        occurredAt: f.occurred_at.getTime(),
        sequence: f.sequence,
        quantity: f.quantity,
      }));
      const levels = foldFacts(facts, row.capacity);
      facts.sort(compareFacts);
      await tx.query(`DELETE FROM ${s}.daily_consumption WHERE device_id = $1 AND slot_id = $2`, [
        row.deviceId,
        row.slotId,
      ]);
      await this.addDaily(tx, row.deviceId, row.slotId, levels.daily);
      return { ...row, levels, lastFact: facts.at(-1) ?? null };
    },

    async subscription(tx: Tx, deviceId: string, slotId: string) {
      const r = await tx.query<{ subscribed: boolean; asin: string | null; changed_at: Date }>(
        `SELECT subscribed, asin, changed_at FROM ${s}.subscriptions WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      return r.rows[0] ?? null;
    },

    async setSubscription(
      tx: Tx,
      deviceId: string,
      slotId: string,
      sub: { subscribed: boolean; asin: string | null; drsSlotId: string; changedAt: Date },
    ): Promise<boolean> {
      const r = await tx.query(
        `INSERT INTO ${s}.subscriptions (device_id, slot_id, subscribed, asin, drs_slot_id, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET subscribed = EXCLUDED.subscribed, asin = EXCLUDED.asin,
           drs_slot_id = EXCLUDED.drs_slot_id, changed_at = EXCLUDED.changed_at
         WHERE subscriptions.changed_at < EXCLUDED.changed_at`,
        [deviceId, slotId, sub.subscribed, sub.asin, sub.drsSlotId, sub.changedAt],
      );
      return r.rowCount === 1;
    },

    /** Counts a device-wide event (a registration or deregistration) once. */
    async bumpDeviceRevision(tx: Tx, deviceId: string): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.registrations (device_id, revision) VALUES ($1, 1)
         ON CONFLICT (device_id) DO UPDATE SET revision = registrations.revision + 1`,
        [deviceId],
      );
    },

    /**
     * Serialises the transactions that touch the same devices (several partitions and replicas apply
     * batches at the same time), taking the locks in one global order so two batches never deadlock.
     */
    async lockDevices(tx: Tx, deviceIds: string[]): Promise<void> {
      if (deviceIds.length === 0) return;
      await tx.query(
        `SELECT pg_advisory_xact_lock(h) FROM (
           SELECT DISTINCT hashtextextended(k, 7) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS locks`,
        [deviceIds],
      );
    },

    /** Serialises the batches of catalogue records (rare) against each other. */
    async lockCatalog(tx: Tx): Promise<void> {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [`catalog:${schema}`]);
    },

    async registration(tx: Tx, deviceId: string) {
      const r = await tx.query<{
        registered_at: Date | null;
        deregistered_at: Date | null;
        directed_customer_id: string | null;
        purge_horizon: Date | null;
        revision: number;
      }>(`SELECT * FROM ${s}.registrations WHERE device_id = $1`, [deviceId]);
      return r.rows[0] ?? null;
    },

    async registered(tx: Tx, deviceId: string, at: Date, directedCustomerId: string | null): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.registrations (device_id, registered_at, directed_customer_id) VALUES ($1, $2, $3)
         ON CONFLICT (device_id) DO UPDATE SET
           directed_customer_id = CASE WHEN registrations.registered_at IS NULL OR registrations.registered_at < EXCLUDED.registered_at
             THEN EXCLUDED.directed_customer_id ELSE registrations.directed_customer_id END,
           registered_at = GREATEST(registrations.registered_at, EXCLUDED.registered_at)`,
        [deviceId, at, directedCustomerId],
      );
    },

    /** Records a deregistration and purges everything of the device up to its time. */
    async deregistered(tx: Tx, deviceId: string, at: Date): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.registrations (device_id, deregistered_at, purge_horizon) VALUES ($1, $2, $2)
         ON CONFLICT (device_id) DO UPDATE SET
           deregistered_at = GREATEST(registrations.deregistered_at, EXCLUDED.deregistered_at),
           purge_horizon = GREATEST(registrations.purge_horizon, EXCLUDED.purge_horizon)`,
        [deviceId, at],
      );
      // The customer's Amazon identity goes with the registration it belonged to.
      await tx.query(
        `UPDATE ${s}.registrations SET directed_customer_id = NULL
         WHERE device_id = $1 AND (registered_at IS NULL OR registered_at <= purge_horizon)`,
        [deviceId],
      );
      await tx.query(`DELETE FROM ${s}.slot_facts WHERE device_id = $1 AND occurred_at <= $2`, [deviceId, at]);
      await tx.query(`DELETE FROM ${s}.subscriptions WHERE device_id = $1 AND changed_at <= $2`, [deviceId, at]);
      const purged = await tx.query<{ instance_id: string }>(
        `DELETE FROM ${s}.orders WHERE device_id = $1
           AND LEAST(placed_at, shipped_at, cancelled_at, arrived_at) <= $2 RETURNING instance_id`,
        [deviceId, at],
      );
      for (const o of purged.rows) await this.purgeOrder(tx, deviceId, o.instance_id);
    },

    /** Purges an order and the stock its delivery brought; returns the slots whose facts changed. */
    async purgeOrder(tx: Tx, deviceId: string, instanceId: string): Promise<string[]> {
      await tx.query(`DELETE FROM ${s}.orders WHERE device_id = $1 AND instance_id = $2`, [deviceId, instanceId]);
      const facts = await tx.query<{ slot_id: string }>(
        `DELETE FROM ${s}.slot_facts WHERE device_id = $1 AND instance_id = $2 RETURNING slot_id`,
        [deviceId, instanceId],
      );
      await tx.query(`INSERT INTO ${s}.purged_orders (device_id, instance_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        deviceId,
        instanceId,
      ]);
      return [...new Set(facts.rows.map((f) => f.slot_id))];
    },

    async isPurgedOrder(tx: Tx, deviceId: string, instanceId: string): Promise<boolean> {
      const r = await tx.query(`SELECT 1 FROM ${s}.purged_orders WHERE device_id = $1 AND instance_id = $2`, [
        deviceId,
        instanceId,
      ]);
      return (r.rowCount ?? 0) > 0;
    },

    async order(tx: Tx, deviceId: string, instanceId: string) {
      const r = await tx.query<OrderRow>(
        `SELECT * FROM ${s}.orders WHERE device_id = $1 AND instance_id = $2 FOR UPDATE`,
        [deviceId, instanceId],
      );
      return r.rows[0] ?? null;
    },

    async saveOrder(tx: Tx, o: OrderRow): Promise<void> {
      await tx.query(
        `INSERT INTO ${s}.orders (device_id, instance_id, slot_id, state, quantity, asin, estimated_delivery_at, details_at,
           placed_at, shipped_at, arrived_at, cancelled_at, arrival_emitted, products)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (device_id, instance_id) DO UPDATE SET slot_id = EXCLUDED.slot_id, state = EXCLUDED.state,
           quantity = EXCLUDED.quantity, asin = EXCLUDED.asin, estimated_delivery_at = EXCLUDED.estimated_delivery_at,
           details_at = EXCLUDED.details_at, placed_at = EXCLUDED.placed_at, shipped_at = EXCLUDED.shipped_at,
           arrived_at = EXCLUDED.arrived_at, cancelled_at = EXCLUDED.cancelled_at, products = EXCLUDED.products,
           arrival_emitted = orders.arrival_emitted OR EXCLUDED.arrival_emitted`,
        [
          o.device_id,
          o.instance_id,
          o.slot_id,
          o.state,
          o.quantity,
          o.asin,
          o.estimated_delivery_at,
          o.details_at,
          o.placed_at,
          o.shipped_at,
          o.arrived_at,
          o.cancelled_at,
          o.arrival_emitted,
          JSON.stringify(o.products),
        ],
      );
    },

    async ordersOfSlot(tx: Tx, deviceId: string, slotId: string): Promise<OrderRow[]> {
      const r = await tx.query<OrderRow>(
        `SELECT * FROM ${s}.orders WHERE device_id = $1 AND slot_id = $2 ORDER BY COALESCE(placed_at, shipped_at), instance_id`,
        [deviceId, slotId],
      );
      return r.rows;
    },

    async ordersOfDevice(tx: Tx, deviceId: string): Promise<OrderRow[]> {
      const r = await tx.query<OrderRow>(`SELECT * FROM ${s}.orders WHERE device_id = $1`, [deviceId]);
      return r.rows;
    },
  };
}

export type InventoryStore = ReturnType<typeof createInventoryStore>;

export interface OrderRow {
  device_id: string;
  instance_id: string;
  slot_id: string;
  state: OrderState;
  /** Canonical quantity, once the slot's unit type is known. */
  quantity: number | null;
  asin: string | null;
  estimated_delivery_at: Date | null;
  details_at: Date | null;
  placed_at: Date | null;
  shipped_at: Date | null;
  arrived_at: Date | null;
  cancelled_at: Date | null;
  arrival_emitted: boolean;
  /** As DRS sent them; the canonical quantity is derived from these and the slot's unit type. */
  products: OrderProduct[];
}

function toSlotRow(row: Record<string, unknown>): SlotRow {
  const lastAt = row.last_fact_at as Date | null;
  return {
    deviceId: row.device_id as string,
    slotId: row.slot_id as string,
    unitType: row.unit_type as UnitType,
    unit: row.unit as string,
    capacity: row.capacity as number,
    levels: {
      level: row.level as number,
      spareStock: row.spare_stock as number,
      overdraw: row.overdraw as number,
      lastUseAt: (row.last_use_at as Date | null)?.getTime() ?? null,
      lastReadingSequence: row.last_reading_seq as number,
      daily: new Map(),
    },
    lastFact:
      lastAt === null
        ? null
        : {
            eventId: row.last_fact_id as string,
            kind: KINDS[row.last_fact_kind as number] ?? 'consumed',
            occurredAt: lastAt.getTime(),
            sequence: row.last_fact_seq as number,
            quantity: 0,
          },
    revision: row.revision as number,
  };
}
