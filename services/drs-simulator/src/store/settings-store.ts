import type { FaultSettings } from '../domain/faults.js';
import type { ClockAnchor } from '../domain/sim-clock.js';
import type { Db } from './db.js';

export async function loadClockAnchor(db: Db): Promise<ClockAnchor | undefined> {
  const { rows } = await db.query<{ simAnchor: Date; realAnchor: Date; scale: number }>(
    `SELECT sim_anchor AS "simAnchor", real_anchor AS "realAnchor", scale FROM drs_simulator.sim_clock WHERE id = 1`,
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return { simAnchorMs: row.simAnchor.getTime(), realAnchorMs: row.realAnchor.getTime(), scale: row.scale };
}

export async function saveClockAnchor(db: Db, anchor: ClockAnchor): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.sim_clock (id, sim_anchor, real_anchor, scale) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET sim_anchor = EXCLUDED.sim_anchor, real_anchor = EXCLUDED.real_anchor,
       scale = EXCLUDED.scale`,
    [new Date(anchor.simAnchorMs), new Date(anchor.realAnchorMs), anchor.scale],
  );
}

export async function loadFaultSettings(db: Db): Promise<FaultSettings | undefined> {
  const { rows } = await db.query<{ settings: FaultSettings }>(
    `SELECT settings FROM drs_simulator.fault_settings WHERE id = 1`,
  );
  return rows[0]?.settings;
}

export async function saveFaultSettings(db: Db, settings: FaultSettings): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.fault_settings (id, settings) VALUES (1, $1)
     ON CONFLICT (id) DO UPDATE SET settings = EXCLUDED.settings`,
    [JSON.stringify(settings)],
  );
}
