import type { SlotSubscription } from '../domain/slot-subscription.js';
import type { Db } from './db.js';

/** A customer's registration of a device (LWA completed on Amazon's side). */
export interface Registration {
  registrationId: string;
  modelId: string;
  serialNumber: string;
  directedCustomerId: string;
  marketplace: string;
  isTestDevice: boolean;
  registeredAt: Date;
  deregisteredAt: Date | null;
}

const COLUMNS = `registration_id AS "registrationId", model_id AS "modelId", serial_number AS "serialNumber",
  directed_customer_id AS "directedCustomerId", marketplace, is_test_device AS "isTestDevice",
  registered_at AS "registeredAt", deregistered_at AS "deregisteredAt"`;

const SLOT_COLUMNS = `slot_id AS "slotId", subscribed, asin, quantity, unit, unit_type AS "unitType"`;

export async function insertRegistration(db: Db, registration: Registration): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.registrations (registration_id, model_id, serial_number, directed_customer_id,
       marketplace, is_test_device, registered_at, deregistered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      registration.registrationId,
      registration.modelId,
      registration.serialNumber,
      registration.directedCustomerId,
      registration.marketplace,
      registration.isTestDevice,
      registration.registeredAt,
      registration.deregisteredAt,
    ],
  );
}

export async function getRegistration(db: Db, registrationId: string): Promise<Registration | undefined> {
  const { rows } = await db.query<Registration>(
    `SELECT ${COLUMNS} FROM drs_simulator.registrations WHERE registration_id = $1`,
    [registrationId],
  );
  return rows[0];
}

/** The registration row, locked until the transaction ends: serialises changes to one device. */
export async function lockRegistration(db: Db, registrationId: string): Promise<Registration | undefined> {
  const { rows } = await db.query<Registration>(
    `SELECT ${COLUMNS} FROM drs_simulator.registrations WHERE registration_id = $1 FOR UPDATE`,
    [registrationId],
  );
  return rows[0];
}

/** The active registration of a device, locked. */
export async function lockActiveRegistration(
  db: Db,
  modelId: string,
  serialNumber: string,
): Promise<Registration | undefined> {
  const { rows } = await db.query<Registration>(
    `SELECT ${COLUMNS} FROM drs_simulator.registrations
     WHERE model_id = $1 AND serial_number = $2 AND deregistered_at IS NULL FOR UPDATE`,
    [modelId, serialNumber],
  );
  return rows[0];
}

export async function listRegistrations(
  db: Db,
  filter: { modelId?: string | undefined; serialNumber?: string | undefined; active?: boolean | undefined },
): Promise<Registration[]> {
  const { rows } = await db.query<Registration>(
    `SELECT ${COLUMNS} FROM drs_simulator.registrations
     WHERE ($1::text IS NULL OR model_id = $1) AND ($2::text IS NULL OR serial_number = $2)
       AND ($3::boolean IS NULL OR (deregistered_at IS NULL) = $3)
     ORDER BY registered_at, registration_id`,
    [filter.modelId ?? null, filter.serialNumber ?? null, filter.active ?? null],
  );
  return rows;
}

export async function markDeregistered(db: Db, registrationId: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE drs_simulator.registrations SET deregistered_at = $2
     WHERE registration_id = $1 AND deregistered_at IS NULL`,
    [registrationId, at],
  );
}

export async function insertSlots(db: Db, registrationId: string, slots: readonly SlotSubscription[]): Promise<void> {
  for (const [position, slot] of slots.entries()) {
    await db.query(
      `INSERT INTO drs_simulator.registration_slots (registration_id, slot_id, position, subscribed, asin, quantity,
         unit, unit_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [registrationId, slot.slotId, position, slot.subscribed, slot.asin, slot.quantity, slot.unit, slot.unitType],
    );
  }
}

/** The slots of a registration, in the model's order. */
export async function getSlots(db: Db, registrationId: string): Promise<SlotSubscription[]> {
  const { rows } = await db.query<SlotSubscription>(
    `SELECT ${SLOT_COLUMNS} FROM drs_simulator.registration_slots WHERE registration_id = $1 ORDER BY position`,
    [registrationId],
  );
  return rows;
}

/** One slot, locked: replenish calls on one slot run one after the other, so one order is ever open. */
export async function lockSlot(db: Db, registrationId: string, slotId: string): Promise<SlotSubscription | undefined> {
  const { rows } = await db.query<SlotSubscription>(
    `SELECT ${SLOT_COLUMNS} FROM drs_simulator.registration_slots
     WHERE registration_id = $1 AND slot_id = $2 FOR UPDATE`,
    [registrationId, slotId],
  );
  return rows[0];
}

export async function updateSlot(db: Db, registrationId: string, slot: SlotSubscription): Promise<void> {
  await db.query(
    `UPDATE drs_simulator.registration_slots SET subscribed = $3, asin = $4, quantity = $5, unit = $6, unit_type = $7
     WHERE registration_id = $1 AND slot_id = $2`,
    [registrationId, slot.slotId, slot.subscribed, slot.asin, slot.quantity, slot.unit, slot.unitType],
  );
}
