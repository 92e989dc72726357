import type { MarketplaceListing, ModelSlot, OrderState, UnitType } from '@restock/events';
import { type Pool, quoteIdent } from '@restock/postgres';
import type { CatalogEntry, DeviceRecord, OrderRecord } from '../domain/device-record.js';

/** Where the reader finds each kind of row. */
export interface ReaderSchemas {
  /** Query's own tables: the catalogue copy and preferences. */
  query: string;
  /** The inventory projector's tables. */
  projector: string;
  /** The reorder-policy service's decisions. */
  policy: string;
}

/** A decision of the reorder policy as stored by the reorder-policy service. */
export interface DecisionRow {
  decidedAt: string;
  outcome: string;
  reason: Record<string, unknown>;
}

// PostgreSQL writes timestamptz in JSON as `2024-05-01T10:00:00.123+00:00`; the API speaks ISO-8601 in UTC.
const iso = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();

interface ModelJson {
  name: string;
  kind: string;
  slots: ModelSlot[];
  listing: MarketplaceListing | null;
}

interface OrderJson {
  instanceId: string;
  slotId: string;
  state: OrderState;
  quantity: number | null;
  asin: string | null;
  estimatedDeliveryAt: string | null;
  placedAt: string | null;
  shippedAt: string | null;
  arrivedAt: string | null;
  cancelledAt: string | null;
}

const ORDER_JSON = `jsonb_build_object('instanceId', o.instance_id, 'slotId', o.slot_id, 'state', o.state,
  'quantity', o.quantity, 'asin', o.asin, 'estimatedDeliveryAt', o.estimated_delivery_at, 'placedAt', o.placed_at,
  'shippedAt', o.shipped_at, 'arrivedAt', o.arrived_at, 'cancelledAt', o.cancelled_at)`;

function orderRecord(o: OrderJson): OrderRecord {
  return {
    instanceId: o.instanceId,
    slotId: o.slotId,
    state: o.state,
    quantity: o.quantity,
    asin: o.asin,
    estimatedDeliveryAt: iso(o.estimatedDeliveryAt),
    placedAt: iso(o.placedAt),
    shippedAt: iso(o.shippedAt),
    arrivedAt: iso(o.arrivedAt),
    cancelledAt: iso(o.cancelledAt),
  };
}

/** PostgreSQL's answer for a table or schema that does not exist (yet). */
const UNDEFINED_TABLE = new Set(['42P01', '3F000']);

/**
 * The SQL of the read side. Each view is one statement (one round trip): the query service's copy of
 * the catalogue joined with the inventory projection, which it reads but never writes.
 */
export function createDeviceReader(pool: Pool, schemas: ReaderSchemas) {
  const q = quoteIdent(schemas.query);
  const p = quoteIdent(schemas.projector);
  const decisions = `${quoteIdent(schemas.policy)}.decisions`;

  const deviceSql = `
    SELECT d.device_id, d.model_id, d.serial_number, d.marketplace, d.customer_id,
      CASE WHEN m.model_id IS NULL THEN NULL ELSE jsonb_build_object('name', m.name, 'kind', m.kind, 'slots', m.slots,
        'listing', m.marketplaces -> d.marketplace) END AS model,
      (SELECT jsonb_build_object('registeredAt', r.registered_at, 'deregisteredAt', r.deregistered_at)
         FROM ${p}.registrations r WHERE r.device_id = d.device_id) AS registration,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('slotId', s.slot_id, 'unitType', s.unit_type, 'capacity', s.capacity,
           'level', s.level, 'spareStock', s.spare_stock, 'lastUseAt', s.last_use_at, 'revision', s.revision)
           ORDER BY s.slot_id), '[]'::jsonb)
         FROM ${p}.slots s WHERE s.device_id = d.device_id) AS slots,
      (SELECT coalesce(jsonb_agg(${ORDER_JSON}), '[]'::jsonb)
         FROM ${p}.orders o WHERE o.device_id = d.device_id AND o.state IN ('placed', 'shipped')) AS open_orders,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('slotId', x.slot_id, 'subscribed', x.subscribed, 'asin', x.asin)),
           '[]'::jsonb)
         FROM ${p}.subscriptions x WHERE x.device_id = d.device_id) AS subscriptions,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('slotId', c.slot_id, 'day', c.day, 'quantity', c.quantity)),
           '[]'::jsonb)
         FROM ${p}.daily_consumption c WHERE c.device_id = d.device_id AND c.day >= $2::date) AS daily,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('slotId', f.slot_id, 'day', f.day)), '[]'::jsonb)
         FROM (SELECT slot_id, min(day) AS day FROM ${p}.daily_consumption
               WHERE device_id = d.device_id GROUP BY slot_id) f) AS first_days,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('slotId', pr.slot_id, 'daysOfCover', pr.days_of_cover)), '[]'::jsonb)
         FROM ${q}.slot_preferences pr WHERE pr.device_id = d.device_id) AS preferences
    FROM ${q}.devices d LEFT JOIN ${q}.models m ON m.model_id = d.model_id
    WHERE d.device_id = $1`;

  return {
    /**
     * Everything about one device, daily use from `dailySince` on; undefined when the catalogue does
     * not know it.
     */
    async device(deviceId: string, dailySince: string): Promise<DeviceRecord | undefined> {
      const { rows } = await pool.query<{
        device_id: string;
        model_id: string;
        serial_number: string;
        marketplace: string;
        customer_id: string | null;
        model: ModelJson | null;
        registration: { registeredAt: string | null; deregisteredAt: string | null } | null;
        slots: {
          slotId: string;
          unitType: UnitType;
          capacity: number;
          level: number;
          spareStock: number;
          lastUseAt: string | null;
          revision: number;
        }[];
        open_orders: OrderJson[];
        subscriptions: DeviceRecord['subscriptions'];
        daily: DeviceRecord['daily'];
        first_days: DeviceRecord['firstDays'];
        preferences: DeviceRecord['preferences'];
      }>(deviceSql, [deviceId, dailySince]);
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        deviceId: row.device_id,
        modelId: row.model_id,
        serialNumber: row.serial_number,
        marketplace: row.marketplace,
        customerId: row.customer_id,
        model: row.model,
        registration:
          row.registration === null
            ? null
            : {
                registeredAt: iso(row.registration.registeredAt),
                deregisteredAt: iso(row.registration.deregisteredAt),
              },
        slots: row.slots.map((s) => ({ ...s, lastUseAt: iso(s.lastUseAt) })),
        openOrders: row.open_orders.map(orderRecord),
        subscriptions: row.subscriptions,
        daily: row.daily,
        dailySince,
        firstDays: row.first_days,
        preferences: row.preferences,
      };
    },

    /** The customer's devices as the catalogue describes them, by device id. */
    async devicesOf(customerId: string): Promise<CatalogEntry[]> {
      const { rows } = await pool.query<{
        device_id: string;
        model_id: string;
        serial_number: string;
        marketplace: string;
        customer_id: string | null;
        model: ModelJson | null;
      }>(
        `SELECT d.device_id, d.model_id, d.serial_number, d.marketplace, d.customer_id,
           CASE WHEN m.model_id IS NULL THEN NULL ELSE jsonb_build_object('name', m.name, 'kind', m.kind,
             'slots', m.slots, 'listing', m.marketplaces -> d.marketplace) END AS model
         FROM ${q}.devices d LEFT JOIN ${q}.models m ON m.model_id = d.model_id
         WHERE d.customer_id = $1 ORDER BY d.device_id`,
        [customerId],
      );
      return rows.map((r) => ({
        deviceId: r.device_id,
        modelId: r.model_id,
        serialNumber: r.serial_number,
        marketplace: r.marketplace,
        customerId: r.customer_id,
        model: r.model,
      }));
    },

    /** Every order of the device, newest first. */
    async orders(deviceId: string, limit: number): Promise<OrderRecord[]> {
      const { rows } = await pool.query<{ o: OrderJson }>(
        `SELECT ${ORDER_JSON} AS o FROM ${p}.orders o WHERE o.device_id = $1
         ORDER BY COALESCE(o.placed_at, o.shipped_at, o.cancelled_at, o.arrived_at) DESC NULLS LAST, o.instance_id DESC
         LIMIT $2`,
        [deviceId, limit],
      );
      return rows.map((r) => orderRecord(r.o));
    },

    /** A slot's use per day from `since` on. */
    async dailyUse(deviceId: string, slotId: string, since: string): Promise<{ day: string; quantity: number }[]> {
      const { rows } = await pool.query<{ day: string; quantity: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, quantity FROM ${p}.daily_consumption
         WHERE device_id = $1 AND slot_id = $2 AND day >= $3::date ORDER BY day`,
        [deviceId, slotId, since],
      );
      return rows;
    },

    /**
     * The reorder policy's decisions for a slot, newest first. Empty while the reorder-policy service
     * has not created its table: no decision has been made then, which is what the answer says.
     */
    async decisions(deviceId: string, slotId: string, limit: number): Promise<DecisionRow[]> {
      try {
        const { rows } = await pool.query<{ decided_at: Date; outcome: string; reason: unknown }>(
          `SELECT decided_at, outcome, reason FROM ${decisions} WHERE device_id = $1 AND slot_id = $2
           ORDER BY decided_at DESC LIMIT $3`,
          [deviceId, slotId, limit],
        );
        return rows.map((r) => ({
          decidedAt: r.decided_at.toISOString(),
          outcome: String(r.outcome),
          reason: typeof r.reason === 'object' && r.reason !== null ? (r.reason as Record<string, unknown>) : {},
        }));
      } catch (error) {
        if (UNDEFINED_TABLE.has(String((error as { code?: unknown }).code))) return [];
        throw error;
      }
    },
  };
}

export type DeviceReader = ReturnType<typeof createDeviceReader>;
