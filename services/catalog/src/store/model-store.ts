import type { DeviceModel } from '@restock/events';
import { type Pool, quoteIdent, type Tx } from '@restock/postgres';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pool | Tx;

interface ModelRow {
  model_id: string;
  name: string;
  kind: DeviceModel['kind'];
  slots: DeviceModel['slots'];
  marketplaces: DeviceModel['marketplaces'];
  image: DeviceModel['image'];
  certified_at: Date | null;
  revision: number;
  deleted_at: Date | null;
}

/** A stored model row, deleted or not: a deleted one still tells the revision its key reached. */
export interface StoredModel {
  model: DeviceModel;
  deleted: boolean;
}

export interface ModelPage {
  models: DeviceModel[];
  /** The `after` cursor of the next page; null on the last one. */
  next: string | null;
}

const COLUMNS = 'model_id, name, kind, slots, marketplaces, image, certified_at, revision, deleted_at';

/** The SQL of device models and their images, in the service's schema. */
export function createModelStore(schema: string) {
  const models = `${quoteIdent(schema)}.device_models`;
  const images = `${quoteIdent(schema)}.device_model_images`;
  const devices = `${quoteIdent(schema)}.devices`;

  return {
    /** The row of a model, locked for the rest of the transaction (deleted rows too). */
    async lockModel(tx: Tx, modelId: string): Promise<StoredModel | undefined> {
      const { rows } = await tx.query<ModelRow>(`SELECT ${COLUMNS} FROM ${models} WHERE model_id = $1 FOR UPDATE`, [
        modelId,
      ]);
      const row = rows[0];
      return row === undefined ? undefined : { model: toModel(row), deleted: row.deleted_at !== null };
    },

    /**
     * A live model. `share` keeps it from changing or going away until the transaction ends, while
     * other readers (provisioning several devices at once) still get through.
     */
    async findModel(db: Queryable, modelId: string, lock: 'share' | 'none' = 'none'): Promise<DeviceModel | undefined> {
      const { rows } = await db.query<ModelRow>(
        `SELECT ${COLUMNS} FROM ${models} WHERE model_id = $1 AND deleted_at IS NULL${lock === 'share' ? ' FOR SHARE' : ''}`,
        [modelId],
      );
      const row = rows[0];
      return row === undefined ? undefined : toModel(row);
    },

    async listModels(db: Queryable, page: { limit: number; after: string | undefined }): Promise<ModelPage> {
      const { rows } = await db.query<ModelRow>(
        `SELECT ${COLUMNS} FROM ${models}
          WHERE deleted_at IS NULL AND ($1::text IS NULL OR model_id > $1)
          ORDER BY model_id LIMIT $2`,
        [page.after ?? null, page.limit + 1],
      );
      const more = rows.length > page.limit;
      const shown = rows.slice(0, page.limit).map(toModel);
      return { models: shown, next: more ? (shown.at(-1)?.modelId ?? null) : null };
    },

    /** Inserts a brand-new model; false when another transaction created the same id first. */
    async insertModel(tx: Tx, model: DeviceModel, now: Date): Promise<boolean> {
      const result = await tx.query(
        `INSERT INTO ${models} (${COLUMNS}, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $9)
         ON CONFLICT (model_id) DO NOTHING`,
        [...modelValues(model), now],
      );
      return result.rowCount === 1;
    },

    /** Writes a model over its row (a change, or a new model reusing a deleted one's id). */
    async saveModel(tx: Tx, model: DeviceModel, now: Date, options: { revive?: boolean } = {}): Promise<void> {
      await tx.query(
        `UPDATE ${models}
            SET name = $2, kind = $3, slots = $4, marketplaces = $5, image = $6, certified_at = $7, revision = $8,
                updated_at = $9, deleted_at = NULL${options.revive === true ? ', created_at = $9' : ''}
          WHERE model_id = $1`,
        [...modelValues(model), now],
      );
    },

    /** Marks a model deleted and drops its image; its revision stays for a later model of the same id. */
    async markDeleted(tx: Tx, modelId: string, revision: number, now: Date): Promise<void> {
      await tx.query(`DELETE FROM ${images} WHERE model_id = $1`, [modelId]);
      await tx.query(
        `UPDATE ${models} SET deleted_at = $2, updated_at = $2, revision = $3, image = NULL WHERE model_id = $1`,
        [modelId, now, revision],
      );
    },

    async saveImage(tx: Tx, modelId: string, image: { contentType: string; sha256: string; data: Buffer }) {
      await tx.query(
        `INSERT INTO ${images} (model_id, content_type, sha256, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (model_id) DO UPDATE SET content_type = EXCLUDED.content_type, sha256 = EXCLUDED.sha256,
                                              data = EXCLUDED.data`,
        [modelId, image.contentType, image.sha256, image.data],
      );
    },

    async findImage(
      db: Queryable,
      modelId: string,
    ): Promise<{ contentType: string; sha256: string; data: Buffer } | undefined> {
      const { rows } = await db.query<{ content_type: string; sha256: string; data: Buffer }>(
        `SELECT i.content_type, i.sha256, i.data FROM ${images} i
           JOIN ${models} m ON m.model_id = i.model_id AND m.deleted_at IS NULL
          WHERE i.model_id = $1`,
        [modelId],
      );
      const row = rows[0];
      return row === undefined ? undefined : { contentType: row.content_type, sha256: row.sha256, data: row.data };
    },

    /** How many devices were provisioned for a model, or for one of its marketplaces. */
    async countDevices(db: Queryable, modelId: string, marketplace?: string): Promise<number> {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${devices} WHERE model_id = $1 AND ($2::text IS NULL OR marketplace = $2)`,
        [modelId, marketplace ?? null],
      );
      return rows[0]?.n ?? 0;
    },
  };
}

export type ModelStore = ReturnType<typeof createModelStore>;

function modelValues(model: DeviceModel): unknown[] {
  return [
    model.modelId,
    model.name,
    model.kind,
    JSON.stringify(model.slots),
    JSON.stringify(model.marketplaces),
    model.image === null ? null : JSON.stringify(model.image),
    model.certifiedAt,
    model.revision,
  ];
}

function toModel(row: ModelRow): DeviceModel {
  return {
    modelId: row.model_id,
    name: row.name,
    kind: row.kind,
    slots: row.slots,
    marketplaces: row.marketplaces,
    image: row.image,
    certifiedAt: row.certified_at === null ? null : row.certified_at.toISOString(),
    revision: row.revision,
  };
}
