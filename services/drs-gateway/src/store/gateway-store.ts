import type { DeviceModel, DeviceState, InventoryChanged } from '@restock/events';
import { type Pool, quoteIdent, type Tx } from '@restock/postgres';

/** Either a pool or a transaction's client. */
type Db = Pool | Tx;

export type CallOperation =
  | 'replenish'
  | 'slotStatus'
  | 'deviceStatus'
  | 'subscriptionInfo'
  | 'getOrderInfo'
  | 'deregister'
  | 'tokenExchange';

export interface CallRow {
  call_id: string;
  operation: CallOperation;
  command_type: string;
  device_id: string;
  slot_id: string | null;
  payload: Record<string, unknown>;
  state: 'pending' | 'calling' | 'succeeded' | 'failed';
  attempts: number;
  created_at: Date;
  started_at: Date | null;
}

export interface NewCall {
  callId: string;
  operation: CallOperation;
  commandType: string;
  deviceId: string;
  slotId: string | null;
  payload?: Record<string, unknown>;
  notBefore: Date;
  createdAt: Date;
}

export interface DeviceFacts {
  modelId: string;
  serialNumber: string;
  marketplace: string;
  testDevice: boolean;
  slots: DeviceModel['slots'] | null;
}

/** The gateway's SQL in its own schema. */
export function createGatewayStore(schema: string) {
  const s = quoteIdent(schema);

  return {
    schema,

    async markApplied(db: Db, eventId: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `INSERT INTO ${s}.applied_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING`,
        [eventId],
      );
      return rowCount === 1;
    },

    async upsertModel(db: Db, model: DeviceModel): Promise<void> {
      await db.query(
        `INSERT INTO ${s}.models (model_id, slots) VALUES ($1, $2)
         ON CONFLICT (model_id) DO UPDATE SET slots = EXCLUDED.slots`,
        [model.modelId, JSON.stringify(model.slots)],
      );
    },

    async deleteModel(db: Db, modelId: string): Promise<void> {
      await db.query(`DELETE FROM ${s}.models WHERE model_id = $1`, [modelId]);
    },

    async upsertDevice(db: Db, device: DeviceState): Promise<void> {
      await db.query(
        `INSERT INTO ${s}.devices (device_id, model_id, serial_number, marketplace, test_device) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (device_id) DO UPDATE SET model_id = EXCLUDED.model_id, serial_number = EXCLUDED.serial_number,
           marketplace = EXCLUDED.marketplace, test_device = EXCLUDED.test_device`,
        [device.deviceId, device.modelId, device.serialNumber, device.marketplace, device.testDevice],
      );
    },

    async device(db: Db, deviceId: string): Promise<DeviceFacts | null> {
      const { rows } = await db.query<{
        model_id: string;
        serial_number: string;
        marketplace: string;
        test_device: boolean;
        slots: DeviceModel['slots'] | null;
      }>(
        `SELECT d.model_id, d.serial_number, d.marketplace, d.test_device, m.slots
         FROM ${s}.devices d LEFT JOIN ${s}.models m ON m.model_id = d.model_id WHERE d.device_id = $1`,
        [deviceId],
      );
      const row = rows[0];
      return row
        ? {
            modelId: row.model_id,
            serialNumber: row.serial_number,
            marketplace: row.marketplace,
            testDevice: row.test_device,
            slots: row.slots,
          }
        : null;
    },

    async registrationEvent(db: Db, deviceId: string, kind: 'registered' | 'deregistered', at: Date): Promise<void> {
      const column = kind === 'registered' ? 'registered_at' : 'deregistered_at';
      await db.query(
        `INSERT INTO ${s}.registrations (device_id, ${column}) VALUES ($1, $2)
         ON CONFLICT (device_id) DO UPDATE SET ${column} = GREATEST(registrations.${column}, EXCLUDED.${column})`,
        [deviceId, at],
      );
    },

    /** Devices registered now (newest registration after the newest deregistration) that have tokens. */
    async linkedRegisteredDevices(db: Db): Promise<string[]> {
      const { rows } = await db.query<{ device_id: string }>(
        `SELECT r.device_id FROM ${s}.registrations r JOIN ${s}.tokens t USING (device_id)
         WHERE r.registered_at IS NOT NULL AND (r.deregistered_at IS NULL OR r.registered_at > r.deregistered_at)
         ORDER BY r.device_id`,
      );
      return rows.map((r) => r.device_id);
    },

    async tokens(
      db: Db,
      deviceId: string,
    ): Promise<{ accessToken: Buffer; refreshToken: Buffer; accessExpiresAt: Date } | null> {
      const { rows } = await db.query<{ access_token: Buffer; refresh_token: Buffer; access_expires_at: Date }>(
        `SELECT access_token, refresh_token, access_expires_at FROM ${s}.tokens WHERE device_id = $1`,
        [deviceId],
      );
      const row = rows[0];
      return row
        ? { accessToken: row.access_token, refreshToken: row.refresh_token, accessExpiresAt: row.access_expires_at }
        : null;
    },

    async saveTokens(
      db: Db,
      deviceId: string,
      tokens: { accessToken: Buffer; refreshToken: Buffer; accessExpiresAt: Date; at: Date },
    ): Promise<void> {
      await db.query(
        `INSERT INTO ${s}.tokens (device_id, access_token, refresh_token, access_expires_at, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (device_id) DO UPDATE SET access_token = EXCLUDED.access_token,
           refresh_token = EXCLUDED.refresh_token, access_expires_at = EXCLUDED.access_expires_at,
           updated_at = EXCLUDED.updated_at`,
        [deviceId, tokens.accessToken, tokens.refreshToken, tokens.accessExpiresAt, tokens.at],
      );
    },

    async deleteTokens(db: Db, deviceId: string): Promise<void> {
      await db.query(`DELETE FROM ${s}.tokens WHERE device_id = $1`, [deviceId]);
    },

    /** Drops tokens obtained before `at` (a deregistration that arrives late must not unlink a relink). */
    async deleteTokensBefore(db: Db, deviceId: string, at: Date): Promise<void> {
      await db.query(`DELETE FROM ${s}.tokens WHERE device_id = $1 AND updated_at <= $2`, [deviceId, at]);
    },

    async saveInventory(db: Db, deviceId: string, state: InventoryChanged['data']): Promise<void> {
      await db.query(
        `INSERT INTO ${s}.inventory (device_id, slot_id, revision, state) VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET revision = EXCLUDED.revision, state = EXCLUDED.state
         WHERE inventory.revision < EXCLUDED.revision`,
        [deviceId, state.slotId, state.revision, JSON.stringify(state)],
      );
    },

    async inventory(db: Db, deviceId: string, slotId: string): Promise<InventoryChanged['data'] | null> {
      const { rows } = await db.query<{ state: InventoryChanged['data'] }>(
        `SELECT state FROM ${s}.inventory WHERE device_id = $1 AND slot_id = $2`,
        [deviceId, slotId],
      );
      return rows[0]?.state ?? null;
    },

    async lastActivity(db: Db, deviceId: string): Promise<Date | null> {
      const { rows } = await db.query<{ at: Date | null }>(
        `SELECT max((state->>'lastUseAt')::timestamptz) AS at FROM ${s}.inventory WHERE device_id = $1`,
        [deviceId],
      );
      return rows[0]?.at ?? null;
    },

    /**
     * Marks a slot's status due. The send time is set by the first request of a burst and kept by
     * the ones after it, so a steady stream is sent every `window`, not postponed forever; the
     * revision and run-out date are the newest.
     */
    async slotStatusDue(
      db: Db,
      due: { deviceId: string; slotId: string; revision: number; expectedAt: Date | null; now: Date; windowMs: number },
    ): Promise<void> {
      await db.query(
        `INSERT INTO ${s}.slot_status_due (device_id, slot_id, first_due_at, send_at, min_revision, expected_replenishment_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (device_id, slot_id) DO UPDATE SET
           min_revision = GREATEST(slot_status_due.min_revision, EXCLUDED.min_revision),
           expected_replenishment_at = CASE WHEN EXCLUDED.min_revision >= slot_status_due.min_revision
             THEN EXCLUDED.expected_replenishment_at ELSE slot_status_due.expected_replenishment_at END`,
        [due.deviceId, due.slotId, due.now, new Date(due.now.getTime() + due.windowMs), due.revision, due.expectedAt],
      );
    },

    /** Due slots whose send time has come, locked for this transaction. */
    async dueSlotStatuses(
      tx: Tx,
      now: Date,
    ): Promise<
      {
        device_id: string;
        slot_id: string;
        first_due_at: Date;
        min_revision: number;
        expected_replenishment_at: Date | null;
      }[]
    > {
      const { rows } = await tx.query(
        `SELECT device_id, slot_id, first_due_at, min_revision, expected_replenishment_at FROM ${s}.slot_status_due
         WHERE send_at <= $1 ORDER BY send_at LIMIT 200 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      return rows;
    },

    async deleteSlotStatusDue(tx: Tx, deviceId: string, slotId: string): Promise<void> {
      await tx.query(`DELETE FROM ${s}.slot_status_due WHERE device_id = $1 AND slot_id = $2`, [deviceId, slotId]);
    },

    async orderSeen(
      db: Db,
      deviceId: string,
      instanceId: string,
      slotId: string,
      state: string,
      at: Date,
    ): Promise<void> {
      await db.query(
        `INSERT INTO ${s}.orders_seen (device_id, instance_id, slot_id, state, first_notified_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (device_id, instance_id) DO UPDATE SET
           state = CASE WHEN orders_seen.state IN ('cancelled', 'arrived') THEN orders_seen.state
                        WHEN EXCLUDED.state = 'placed' AND orders_seen.state <> 'placed' THEN orders_seen.state
                        ELSE EXCLUDED.state END,
           first_notified_at = LEAST(orders_seen.first_notified_at, EXCLUDED.first_notified_at)`,
        [deviceId, instanceId, slotId, state, at],
      );
    },

    /** An order notification of the slot that came at or after `since`, if any. */
    async orderNotifiedSince(
      db: Db,
      deviceId: string,
      slotId: string,
      since: Date,
    ): Promise<{ instanceId: string; state: string } | null> {
      const { rows } = await db.query<{ instance_id: string; state: string }>(
        `SELECT instance_id, state FROM ${s}.orders_seen WHERE device_id = $1 AND slot_id = $2 AND first_notified_at >= $3
         ORDER BY first_notified_at LIMIT 1`,
        [deviceId, slotId, since],
      );
      const row = rows[0];
      return row ? { instanceId: row.instance_id, state: row.state } : null;
    },

    async orderState(db: Db, deviceId: string, instanceId: string): Promise<string | null> {
      const { rows } = await db.query<{ state: string }>(
        `SELECT state FROM ${s}.orders_seen WHERE device_id = $1 AND instance_id = $2`,
        [deviceId, instanceId],
      );
      return rows[0]?.state ?? null;
    },

    async watchOrder(
      db: Db,
      order: { instanceId: string; deviceId: string; slotId: string; answeredAt: Date; nextCheckAt: Date },
    ): Promise<void> {
      await db.query(
        `INSERT INTO ${s}.watched_orders (instance_id, device_id, slot_id, answered_at, next_check_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [order.instanceId, order.deviceId, order.slotId, order.answeredAt, order.nextCheckAt],
      );
    },

    async dueWatchedOrders(
      tx: Tx,
      now: Date,
    ): Promise<{ instance_id: string; device_id: string; slot_id: string; answered_at: Date; checks: number }[]> {
      const { rows } = await tx.query(
        `SELECT instance_id, device_id, slot_id, answered_at, checks FROM ${s}.watched_orders
         WHERE NOT done AND next_check_at <= $1 ORDER BY next_check_at LIMIT 200 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      return rows;
    },

    async rescheduleWatchedOrder(tx: Tx, instanceId: string, nextCheckAt: Date, checked: boolean): Promise<void> {
      await tx.query(`UPDATE ${s}.watched_orders SET next_check_at = $2, checks = checks + $3 WHERE instance_id = $1`, [
        instanceId,
        nextCheckAt,
        checked ? 1 : 0,
      ]);
    },

    async finishWatchedOrder(db: Db, instanceId: string): Promise<void> {
      await db.query(`UPDATE ${s}.watched_orders SET done = true WHERE instance_id = $1`, [instanceId]);
    },

    /** Claims today's device status of a device; false when it was claimed already. */
    async claimDeviceStatusDay(tx: Tx, deviceId: string, day: string): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO ${s}.device_status_days (device_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [deviceId, day],
      );
      return rowCount === 1;
    },

    /** Records a call before it is made; false when the call id exists (a repeated command). */
    async recordCall(db: Db, call: NewCall): Promise<boolean> {
      const { rowCount } = await db.query(
        `INSERT INTO ${s}.calls (call_id, operation, command_type, device_id, slot_id, payload, state, not_before, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) ON CONFLICT DO NOTHING`,
        [
          call.callId,
          call.operation,
          call.commandType,
          call.deviceId,
          call.slotId,
          JSON.stringify(call.payload ?? {}),
          call.notBefore,
          call.createdAt,
        ],
      );
      return rowCount === 1;
    },

    /**
     * Claims pending calls whose time has come: marks them `calling` with a lease and commits before
     * any request goes out, so a crash during the request leaves the mark behind.
     */
    async claimCalls(pool: Pool, now: Date, leaseMs: number, limit: number): Promise<CallRow[]> {
      const { rows } = await pool.query<CallRow>(
        `UPDATE ${s}.calls SET state = 'calling', attempts = attempts + 1, started_at = $1, lease_until = $2
         WHERE call_id IN (SELECT call_id FROM ${s}.calls WHERE state = 'pending' AND not_before <= $1
                           ORDER BY not_before, created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING call_id, operation, command_type, device_id, slot_id, payload, state, attempts, created_at, started_at`,
        [now, new Date(now.getTime() + leaseMs), limit],
      );
      return rows;
    },

    /** Calls whose answer was lost: `calling` past their lease (the process that made them died). */
    async expiredCalls(tx: Tx, now: Date): Promise<CallRow[]> {
      const { rows } = await tx.query<CallRow>(
        `SELECT call_id, operation, command_type, device_id, slot_id, payload, state, attempts, created_at, started_at
         FROM ${s}.calls WHERE state = 'calling' AND lease_until < $1 ORDER BY started_at LIMIT 200 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      return rows;
    },

    /** Puts a call back to wait (no request was made, or repeating it is safe). */
    async deferCall(db: Db, callId: string, notBefore: Date, payload?: Record<string, unknown>): Promise<void> {
      await db.query(
        `UPDATE ${s}.calls SET state = 'pending', lease_until = NULL, not_before = $2,
           payload = COALESCE($3::jsonb, payload) WHERE call_id = $1`,
        [callId, notBefore, payload === undefined ? null : JSON.stringify(payload)],
      );
    },

    async finishCall(
      db: Db,
      callId: string,
      result: {
        state: 'succeeded' | 'failed';
        at: Date;
        httpStatus: number | null;
        answer: unknown;
        error: string | null;
      },
    ): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE ${s}.calls SET state = $2, finished_at = $3, http_status = $4, answer = $5, error = $6, lease_until = NULL
         WHERE call_id = $1 AND state IN ('calling', 'pending')`,
        [callId, result.state, result.at, result.httpStatus, JSON.stringify(result.answer ?? null), result.error],
      );
      return rowCount === 1;
    },
  };
}

export type GatewayStore = ReturnType<typeof createGatewayStore>;
