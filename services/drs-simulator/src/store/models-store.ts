import type { ProductUnitType } from '../domain/product-quantity.js';
import type { Db } from './db.js';

/** One slot of a device model: the DRS slot id and the default product (ASIN and size). */
export interface SlotDefinition {
  slotId: string;
  asin: string;
  quantity: number;
  unit: string;
  unitType: ProductUnitType;
}

/** A device model as defined in the DRS portal. */
export interface DeviceModel {
  modelId: string;
  /** The SNS topic its notifications go to; null: the configured default. */
  topicArn: string | null;
  slots: SlotDefinition[];
  updatedAt: Date;
}

const COLUMNS = `model_id AS "modelId", topic_arn AS "topicArn", slots, updated_at AS "updatedAt"`;

/** Creates or replaces a model; registrations keep the slots they were made with. */
export async function upsertModel(db: Db, model: Omit<DeviceModel, 'updatedAt'>, now: Date): Promise<DeviceModel> {
  const { rows } = await db.query<DeviceModel>(
    `INSERT INTO drs_simulator.device_models (model_id, topic_arn, slots, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (model_id) DO UPDATE SET topic_arn = EXCLUDED.topic_arn, slots = EXCLUDED.slots,
       updated_at = EXCLUDED.updated_at
     RETURNING ${COLUMNS}`,
    [model.modelId, model.topicArn, JSON.stringify(model.slots), now],
  );
  return rows[0] as DeviceModel;
}

export async function getModel(db: Db, modelId: string): Promise<DeviceModel | undefined> {
  const { rows } = await db.query<DeviceModel>(
    `SELECT ${COLUMNS} FROM drs_simulator.device_models WHERE model_id = $1`,
    [modelId],
  );
  return rows[0];
}

export async function listModels(db: Db): Promise<DeviceModel[]> {
  const { rows } = await db.query<DeviceModel>(`SELECT ${COLUMNS} FROM drs_simulator.device_models ORDER BY model_id`);
  return rows;
}
