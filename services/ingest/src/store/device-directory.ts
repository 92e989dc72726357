import type { Pool } from '@restock/postgres';
import { quoteIdent } from '@restock/postgres';
import type { SlotUnits } from '../domain/reports-to-events.js';
import { createTtlCache } from './ttl-cache.js';

/** A device whose current credential has a given hash. */
export interface CredentialHolder {
  deviceId: string;
  modelId: string;
}

/** The hot path's reads of ingest's catalog projection. */
export interface DeviceDirectory {
  /** The devices whose current credential hashes to `credentialHash`: none, or (in practice) one. */
  holdersOf(credentialHash: string): Promise<readonly CredentialHolder[]>;
  /** The slots of a model by slot id, or undefined while ingest does not know the model. */
  slotsOf(modelId: string): Promise<ReadonlyMap<string, SlotUnits> | undefined>;
}

export interface DeviceDirectoryOptions {
  pool: Pool;
  schema: string;
  /**
   * How long a lookup is reused, in ms. A catalog change (a revoked credential) takes effect after
   * the projection applied it plus at most this long; a second keeps PostgreSQL out of most requests
   * of a busy device without making revocation noticeably slower.
   */
  cacheMs: number;
}

const MAX_CACHED = 50_000;

export function createDeviceDirectory(options: DeviceDirectoryOptions): DeviceDirectory {
  const devices = `${quoteIdent(options.schema)}.devices`;
  const models = `${quoteIdent(options.schema)}.device_models`;
  // Unknown credentials are cached too: a flood of bad tokens then costs one query per token a second.
  const holders = createTtlCache<readonly CredentialHolder[]>({ ttlMs: options.cacheMs, maxEntries: MAX_CACHED });
  const slots = createTtlCache<ReadonlyMap<string, SlotUnits> | undefined>({
    ttlMs: options.cacheMs,
    maxEntries: MAX_CACHED,
  });

  return {
    holdersOf(credentialHash) {
      return holders.get(credentialHash, async () => {
        const { rows } = await options.pool.query<{ device_id: string; model_id: string }>(
          `SELECT device_id, model_id FROM ${devices} WHERE credential_hash = $1`,
          [credentialHash],
        );
        return rows.map((r) => ({ deviceId: r.device_id, modelId: r.model_id }));
      });
    },
    slotsOf(modelId) {
      return slots.get(modelId, async () => {
        const { rows } = await options.pool.query<{ slots: SlotUnits[] }>(
          `SELECT slots FROM ${models} WHERE model_id = $1`,
          [modelId],
        );
        const row = rows[0];
        return row === undefined ? undefined : new Map(row.slots.map((s) => [s.slotId, s]));
      });
    },
  };
}
