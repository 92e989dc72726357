import type { DeviceState } from '@restock/events';
import { quoteIdent, type Tx } from '@restock/postgres';
import type { Queryable } from './model-store.js';

interface DeviceRow {
  device_id: string;
  model_id: string;
  serial_number: string;
  marketplace: string;
  test_device: boolean;
  customer_id: string | null;
  claimed_at: Date | null;
  credential_hash: string | null;
  credential_revision: number;
  provisioned_at: Date;
  updated_at: Date;
}

/** A device as stored: the state its events carry, and when it was claimed and last changed. */
export interface StoredDevice {
  state: DeviceState;
  claimedAt: string | null;
  updatedAt: string;
}

export interface DevicePage {
  devices: StoredDevice[];
  next: string | null;
}

// The claim code hash is left out on purpose: nothing but the claim lookup ever needs it.
const COLUMNS = `device_id, model_id, serial_number, marketplace, test_device, customer_id, claimed_at,
  credential_hash, credential_revision, provisioned_at, updated_at`;

const UNIQUE_VIOLATION = '23505';

/** The SQL of provisioned devices, in the service's schema. */
export function createDeviceStore(schema: string) {
  const devices = `${quoteIdent(schema)}.devices`;

  return {
    /**
     * Inserts a newly provisioned device with the hash of its claim code. Answers the id of the device
     * that already has this model and serial number instead, when there is one.
     */
    async insertDevice(
      tx: Tx,
      state: DeviceState,
      claimCodeHash: string,
    ): Promise<{ inserted: true } | { inserted: false; existingDeviceId: string }> {
      // A savepoint keeps the transaction usable after a unique violation, to look the other device up.
      await tx.query('SAVEPOINT provision');
      try {
        await tx.query(
          `INSERT INTO ${devices} (device_id, model_id, serial_number, marketplace, test_device, customer_id,
             claimed_at, credential_hash, credential_revision, claim_code_hash, provisioned_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7, $8, $9, $9)`,
          [
            state.deviceId,
            state.modelId,
            state.serialNumber,
            state.marketplace,
            state.testDevice,
            state.credentialHash,
            state.credentialRevision,
            claimCodeHash,
            state.provisionedAt,
          ],
        );
        await tx.query('RELEASE SAVEPOINT provision');
        return { inserted: true };
      } catch (error) {
        if (!isUniqueViolation(error, 'devices_model_serial_key')) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT provision');
        const { rows } = await tx.query<{ device_id: string }>(
          `SELECT device_id FROM ${devices} WHERE model_id = $1 AND serial_number = $2`,
          [state.modelId, state.serialNumber],
        );
        return { inserted: false, existingDeviceId: rows[0]?.device_id ?? '' };
      }
    },

    async findDevice(
      db: Queryable,
      deviceId: string,
      lock: 'update' | 'none' = 'none',
    ): Promise<StoredDevice | undefined> {
      const { rows } = await db.query<DeviceRow>(
        `SELECT ${COLUMNS} FROM ${devices} WHERE device_id = $1${lock === 'update' ? ' FOR UPDATE' : ''}`,
        [deviceId],
      );
      const row = rows[0];
      return row === undefined ? undefined : toStoredDevice(row);
    },

    /** The device a claim code belongs to, locked for the claim. */
    async lockDeviceByClaimCode(tx: Tx, claimCodeHash: string): Promise<StoredDevice | undefined> {
      const { rows } = await tx.query<DeviceRow>(
        `SELECT ${COLUMNS} FROM ${devices} WHERE claim_code_hash = $1 FOR UPDATE`,
        [claimCodeHash],
      );
      const row = rows[0];
      return row === undefined ? undefined : toStoredDevice(row);
    },

    /** Writes a device's new state; `claimedAt` is set when the change was its claim. */
    async saveDevice(tx: Tx, state: DeviceState, now: Date, claimedAt?: Date): Promise<StoredDevice> {
      const { rows } = await tx.query<DeviceRow>(
        `UPDATE ${devices}
            SET customer_id = $2, credential_hash = $3, credential_revision = $4, updated_at = $5,
                claimed_at = COALESCE($6, claimed_at)
          WHERE device_id = $1
          RETURNING ${COLUMNS}`,
        [state.deviceId, state.customerId, state.credentialHash, state.credentialRevision, now, claimedAt ?? null],
      );
      const row = rows[0];
      if (row === undefined) throw new Error(`device ${state.deviceId} vanished inside its own transaction`);
      return toStoredDevice(row);
    },

    async listDevices(
      db: Queryable,
      filter: {
        modelId?: string | undefined;
        serialNumber?: string | undefined;
        limit: number;
        after?: string | undefined;
      },
    ): Promise<DevicePage> {
      const { rows } = await db.query<DeviceRow>(
        `SELECT ${COLUMNS} FROM ${devices}
          WHERE ($1::text IS NULL OR model_id = $1) AND ($2::text IS NULL OR serial_number = $2)
            AND ($3::text IS NULL OR device_id > $3)
          ORDER BY device_id LIMIT $4`,
        [filter.modelId ?? null, filter.serialNumber ?? null, filter.after ?? null, filter.limit + 1],
      );
      const more = rows.length > filter.limit;
      const shown = rows.slice(0, filter.limit).map(toStoredDevice);
      return { devices: shown, next: more ? (shown.at(-1)?.state.deviceId ?? null) : null };
    },
  };
}

export type DeviceStore = ReturnType<typeof createDeviceStore>;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === UNIQUE_VIOLATION && e.constraint === constraint;
}

function toStoredDevice(row: DeviceRow): StoredDevice {
  return {
    state: {
      deviceId: row.device_id,
      modelId: row.model_id,
      serialNumber: row.serial_number,
      marketplace: row.marketplace,
      customerId: row.customer_id,
      credentialHash: row.credential_hash,
      credentialRevision: row.credential_revision,
      testDevice: row.test_device,
      provisionedAt: row.provisioned_at.toISOString(),
    },
    claimedAt: row.claimed_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}
