import type { Db } from './db.js';

/** The last SlotStatus a device reported for a slot, as sent. */
export interface SlotStatusRecord {
  registrationId: string;
  slotId: string;
  status: Record<string, unknown>;
  receivedAt: Date;
  reports: number;
}

/** The last DeviceStatus of a registration. */
export interface DeviceStatusRecord {
  registrationId: string;
  mostRecentlyActiveDate: string;
  receivedAt: Date;
  reports: number;
}

export async function saveSlotStatus(
  db: Db,
  record: { registrationId: string; slotId: string; status: Record<string, unknown>; receivedAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.slot_statuses (registration_id, slot_id, status, received_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (registration_id, slot_id) DO UPDATE SET status = EXCLUDED.status,
       received_at = EXCLUDED.received_at, reports = slot_statuses.reports + 1`,
    [record.registrationId, record.slotId, JSON.stringify(record.status), record.receivedAt],
  );
}

export async function listSlotStatuses(db: Db, registrationId: string | undefined): Promise<SlotStatusRecord[]> {
  const { rows } = await db.query<SlotStatusRecord>(
    `SELECT registration_id AS "registrationId", slot_id AS "slotId", status, received_at AS "receivedAt", reports
     FROM drs_simulator.slot_statuses WHERE ($1::uuid IS NULL OR registration_id = $1)
     ORDER BY registration_id, slot_id`,
    [registrationId ?? null],
  );
  return rows;
}

export async function saveDeviceStatus(
  db: Db,
  record: { registrationId: string; mostRecentlyActiveDate: string; receivedAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.device_statuses (registration_id, most_recently_active_date, received_at)
     VALUES ($1, $2, $3)
     ON CONFLICT (registration_id) DO UPDATE SET most_recently_active_date = EXCLUDED.most_recently_active_date,
       received_at = EXCLUDED.received_at, reports = device_statuses.reports + 1`,
    [record.registrationId, record.mostRecentlyActiveDate, record.receivedAt],
  );
}

export async function listDeviceStatuses(db: Db, registrationId: string | undefined): Promise<DeviceStatusRecord[]> {
  const { rows } = await db.query<DeviceStatusRecord>(
    `SELECT registration_id AS "registrationId", most_recently_active_date AS "mostRecentlyActiveDate",
       received_at AS "receivedAt", reports
     FROM drs_simulator.device_statuses WHERE ($1::uuid IS NULL OR registration_id = $1) ORDER BY registration_id`,
    [registrationId ?? null],
  );
  return rows;
}
