import { type ConsumptionReported, newEventId } from '@restock/events';

/** A valid ConsumptionReported for tests; `n` varies device, sequence and quantity. */
export function consumptionEvent(n: number, deviceCount = 7): ConsumptionReported {
  const now = new Date(Date.UTC(2026, 0, 1, 0, 0, n % 60)).toISOString();
  return {
    id: newEventId(),
    type: 'ConsumptionReported',
    version: 1,
    deviceId: `dev-${n % deviceCount}`,
    occurredAt: now,
    recordedAt: now,
    source: 'test',
    data: {
      slotId: 'detergent',
      quantity: 1 + (n % 5),
      unit: 'ml',
      reported: { quantity: 1 + (n % 5), unit: 'ml' },
      sequence: n,
    },
  };
}

/** The table a test projection writes: a log without a unique key, so double application shows. */
export const APPLIED_TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS applied (event_id uuid NOT NULL, device_id text NOT NULL, quantity double precision NOT NULL);
  CREATE TABLE IF NOT EXISTS totals (device_id text PRIMARY KEY, quantity double precision NOT NULL);
`;
