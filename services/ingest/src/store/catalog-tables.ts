import type { DeviceModel, DeviceState } from '@restock/events';
import { quoteIdent, type Tx } from '@restock/postgres';
import type { SlotUnits } from '../domain/reports-to-events.js';

/**
 * Writes of the catalog.v1 projection into ingest's own tables. Every record of catalog.v1 carries
 * the whole current state of its key, and one key's records arrive in order (one partition), so each
 * write simply replaces the row: replaying the topic from the start rebuilds the same rows.
 */
export function catalogTables(schema: string) {
  const models = `${quoteIdent(schema)}.device_models`;
  const devices = `${quoteIdent(schema)}.devices`;
  return {
    async putModel(tx: Tx, model: DeviceModel): Promise<void> {
      const slots: SlotUnits[] = model.slots.map((s) => ({
        slotId: s.slotId,
        unitType: s.unitType,
        capacity: s.capacity,
      }));
      await tx.query(
        `INSERT INTO ${models} (model_id, slots, revision, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (model_id) DO UPDATE SET slots = EXCLUDED.slots, revision = EXCLUDED.revision, updated_at = now()`,
        [model.modelId, JSON.stringify(slots), model.revision],
      );
    },
    async deleteModel(tx: Tx, modelId: string): Promise<void> {
      await tx.query(`DELETE FROM ${models} WHERE model_id = $1`, [modelId]);
    },
    async putDevice(tx: Tx, device: DeviceState): Promise<void> {
      await tx.query(
        `INSERT INTO ${devices} (device_id, model_id, credential_hash, credential_revision, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (device_id) DO UPDATE SET model_id = EXCLUDED.model_id, credential_hash = EXCLUDED.credential_hash,
           credential_revision = EXCLUDED.credential_revision, updated_at = now()`,
        [device.deviceId, device.modelId, device.credentialHash, device.credentialRevision],
      );
    },
  };
}
