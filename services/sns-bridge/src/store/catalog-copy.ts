import type { DeviceModel, DeviceState } from '@restock/events';
import { type Pool, quoteIdent, type Tx } from '@restock/postgres';
import type { KnownDevice } from '../domain/notification-to-event.js';

/** The SQL of the bridge's catalog copy (tables of `0001_catalog_copy.sql`) in one schema. */
export interface CatalogCopyStore {
  /**
   * Replaces a model's slots unless the copy already holds a newer revision. Returns false for a stale
   * record (compaction and re-delivery may hand an older one over again).
   */
  saveModel(tx: Tx, model: DeviceModel): Promise<boolean>;
  deleteModel(tx: Tx, modelId: string): Promise<void>;
  /** Records a device; the latest record wins its model id and serial number, should they ever move. */
  saveDevice(tx: Tx, device: DeviceState): Promise<void>;
  /** The device a DRS notification names, with its model's DRS slot ids; null when the copy does not know it. */
  findDevice(modelId: string, serialNumber: string): Promise<KnownDevice | null>;
}

export function createCatalogCopyStore(pool: Pool, schema: string): CatalogCopyStore {
  const s = quoteIdent(schema);
  return {
    async saveModel(tx, model) {
      const { rowCount } = await tx.query(
        `INSERT INTO ${s}.device_models (model_id, revision) VALUES ($1, $2)
         ON CONFLICT (model_id) DO UPDATE SET revision = excluded.revision, updated_at = now()
         WHERE ${s}.device_models.revision <= excluded.revision`,
        [model.modelId, model.revision],
      );
      if (rowCount === 0) return false;
      await tx.query(`DELETE FROM ${s}.model_slots WHERE model_id = $1`, [model.modelId]);
      if (model.slots.length > 0) {
        await tx.query(
          `INSERT INTO ${s}.model_slots (model_id, drs_slot_id, slot_id)
           SELECT $1, drs_slot_id, slot_id FROM unnest($2::text[], $3::text[]) AS t(drs_slot_id, slot_id)
           ON CONFLICT (model_id, drs_slot_id) DO NOTHING`,
          [model.modelId, model.slots.map((slot) => slot.replenishmentId), model.slots.map((slot) => slot.slotId)],
        );
      }
      return true;
    },

    async deleteModel(tx, modelId) {
      await tx.query(`DELETE FROM ${s}.device_models WHERE model_id = $1`, [modelId]);
    },

    async saveDevice(tx, device) {
      // A (model id, serial number) pair names one device; should the catalogue ever re-provision it under
      // a new deviceId, the newer record is the truth and the old row must make way for it.
      await tx.query(`DELETE FROM ${s}.devices WHERE model_id = $1 AND serial_number = $2 AND device_id <> $3`, [
        device.modelId,
        device.serialNumber,
        device.deviceId,
      ]);
      await tx.query(
        `INSERT INTO ${s}.devices (device_id, model_id, serial_number) VALUES ($1, $2, $3)
         ON CONFLICT (device_id) DO UPDATE
           SET model_id = excluded.model_id, serial_number = excluded.serial_number, updated_at = now()`,
        [device.deviceId, device.modelId, device.serialNumber],
      );
    },

    async findDevice(modelId, serialNumber) {
      const { rows } = await pool.query<{
        device_id: string;
        model_known: boolean;
        drs_slot_id: string | null;
        slot_id: string | null;
      }>(
        `SELECT d.device_id, m.model_id IS NOT NULL AS model_known, sl.drs_slot_id, sl.slot_id
         FROM ${s}.devices d
         LEFT JOIN ${s}.device_models m ON m.model_id = d.model_id
         LEFT JOIN ${s}.model_slots sl ON sl.model_id = d.model_id
         WHERE d.model_id = $1 AND d.serial_number = $2`,
        [modelId, serialNumber],
      );
      const [first] = rows;
      if (first === undefined) return null;
      const slotIdByDrsSlotId = new Map<string, string>();
      for (const row of rows) {
        if (row.drs_slot_id !== null && row.slot_id !== null) slotIdByDrsSlotId.set(row.drs_slot_id, row.slot_id);
      }
      return { deviceId: first.device_id, modelKnown: first.model_known, slotIdByDrsSlotId };
    },
  };
}
