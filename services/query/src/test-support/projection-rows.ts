import type { OrderState, UnitType } from '@restock/events';
import type { Pool } from '@restock/postgres';

/**
 * Rows of the inventory projector's tables, written directly. Services never import one another, so
 * tests create the projector's tables by applying its migration files (by directory path) and put
 * the state they need into them, instead of running the projector.
 */
export function projectionRows(pool: Pool, schema = 'projector') {
  return {
    async slot(
      deviceId: string,
      slotId: string,
      s: {
        unitType: UnitType;
        capacity: number;
        level: number;
        spareStock?: number;
        revision?: number;
        lastUseAt?: Date;
      },
    ): Promise<void> {
      const unit = { volume: 'ml', weight: 'g', count: 'count', percentage: 'percent' }[s.unitType];
      await pool.query(
        `INSERT INTO ${schema}.slots (device_id, slot_id, unit_type, unit, capacity, level, spare_stock, overdraw,
           last_use_at, last_reading_seq, revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, -1, $9)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET unit_type = EXCLUDED.unit_type, unit = EXCLUDED.unit,
           capacity = EXCLUDED.capacity, level = EXCLUDED.level, spare_stock = EXCLUDED.spare_stock,
           last_use_at = EXCLUDED.last_use_at, revision = EXCLUDED.revision`,
        [
          deviceId,
          slotId,
          s.unitType,
          unit,
          s.capacity,
          s.level,
          s.spareStock ?? 0,
          s.lastUseAt ?? null,
          s.revision ?? 1,
        ],
      );
    },

    async order(
      deviceId: string,
      instanceId: string,
      o: {
        slotId: string;
        state: OrderState;
        quantity: number | null;
        asin?: string;
        placedAt?: Date;
        shippedAt?: Date;
        arrivedAt?: Date;
        cancelledAt?: Date;
        estimatedDeliveryAt?: Date;
      },
    ): Promise<void> {
      await pool.query(
        `INSERT INTO ${schema}.orders (device_id, instance_id, slot_id, state, quantity, asin, estimated_delivery_at,
           placed_at, shipped_at, arrived_at, cancelled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (device_id, instance_id) DO UPDATE SET state = EXCLUDED.state, quantity = EXCLUDED.quantity,
           estimated_delivery_at = EXCLUDED.estimated_delivery_at, shipped_at = EXCLUDED.shipped_at,
           arrived_at = EXCLUDED.arrived_at, cancelled_at = EXCLUDED.cancelled_at`,
        [
          deviceId,
          instanceId,
          o.slotId,
          o.state,
          o.quantity,
          o.asin ?? null,
          o.estimatedDeliveryAt ?? null,
          o.placedAt ?? null,
          o.shippedAt ?? null,
          o.arrivedAt ?? null,
          o.cancelledAt ?? null,
        ],
      );
    },

    async daily(deviceId: string, slotId: string, day: string, quantity: number): Promise<void> {
      await pool.query(
        `INSERT INTO ${schema}.daily_consumption (device_id, slot_id, day, quantity) VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id, slot_id, day) DO UPDATE SET quantity = EXCLUDED.quantity`,
        [deviceId, slotId, day, quantity],
      );
    },

    async subscription(deviceId: string, slotId: string, subscribed: boolean, asin: string | null): Promise<void> {
      await pool.query(
        `INSERT INTO ${schema}.subscriptions (device_id, slot_id, subscribed, asin, drs_slot_id, changed_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (device_id, slot_id) DO UPDATE SET subscribed = EXCLUDED.subscribed, asin = EXCLUDED.asin`,
        [deviceId, slotId, subscribed, asin, `drs-${slotId}`],
      );
    },

    async registration(deviceId: string, registeredAt: Date | null, deregisteredAt: Date | null = null): Promise<void> {
      await pool.query(
        `INSERT INTO ${schema}.registrations (device_id, registered_at, deregistered_at) VALUES ($1, $2, $3)
         ON CONFLICT (device_id) DO UPDATE SET registered_at = EXCLUDED.registered_at,
           deregistered_at = EXCLUDED.deregistered_at`,
        [deviceId, registeredAt, deregisteredAt],
      );
    },
  };
}

export type ProjectionRows = ReturnType<typeof projectionRows>;
