import type { DeviceModel, DeviceState } from '@restock/events';
import { quoteIdent, type Tx } from '@restock/postgres';

/** Whose cached views a catalogue change makes stale. */
export interface CatalogTouch {
  deviceIds: string[];
  customerIds: string[];
}

/**
 * Writes of the catalog.v1 projection into query's own tables. Every record of catalog.v1 carries the
 * whole current state of its key and one key's records arrive in order (one partition), so each write
 * replaces the row. Each write answers which devices and customers it touched, so their cached views
 * can be dropped once the transaction commits.
 */
export function catalogTables(schema: string) {
  const models = `${quoteIdent(schema)}.models`;
  const devices = `${quoteIdent(schema)}.devices`;

  async function devicesOfModel(tx: Tx, modelId: string): Promise<CatalogTouch> {
    const { rows } = await tx.query<{ device_id: string; customer_id: string | null }>(
      `SELECT device_id, customer_id FROM ${devices} WHERE model_id = $1`,
      [modelId],
    );
    return {
      deviceIds: rows.map((r) => r.device_id),
      customerIds: rows.map((r) => r.customer_id).filter((c): c is string => c !== null),
    };
  }

  return {
    async putModel(tx: Tx, model: DeviceModel): Promise<CatalogTouch> {
      await tx.query(
        `INSERT INTO ${models} (model_id, name, kind, slots, marketplaces, revision) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (model_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, slots = EXCLUDED.slots,
           marketplaces = EXCLUDED.marketplaces, revision = EXCLUDED.revision`,
        [
          model.modelId,
          model.name,
          model.kind,
          JSON.stringify(model.slots),
          JSON.stringify(model.marketplaces),
          model.revision,
        ],
      );
      return devicesOfModel(tx, model.modelId);
    },

    async deleteModel(tx: Tx, modelId: string): Promise<CatalogTouch> {
      await tx.query(`DELETE FROM ${models} WHERE model_id = $1`, [modelId]);
      return devicesOfModel(tx, modelId);
    },

    async putDevice(tx: Tx, device: DeviceState): Promise<CatalogTouch> {
      // The previous owner's list loses the device when it changes hands, so both customers are touched.
      const { rows } = await tx.query<{ customer_id: string | null }>(
        `SELECT customer_id FROM ${devices} WHERE device_id = $1 FOR UPDATE`,
        [device.deviceId],
      );
      await tx.query(
        `INSERT INTO ${devices} (device_id, model_id, serial_number, marketplace, customer_id, test_device)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (device_id) DO UPDATE SET model_id = EXCLUDED.model_id, serial_number = EXCLUDED.serial_number,
           marketplace = EXCLUDED.marketplace, customer_id = EXCLUDED.customer_id, test_device = EXCLUDED.test_device`,
        [
          device.deviceId,
          device.modelId,
          device.serialNumber,
          device.marketplace,
          device.customerId,
          device.testDevice,
        ],
      );
      const customers = new Set(
        [rows[0]?.customer_id, device.customerId].filter((c): c is string => typeof c === 'string'),
      );
      return { deviceIds: [device.deviceId], customerIds: [...customers] };
    },
  };
}
