import { isRetriable } from '@restock/errors';
import { addDays, utcDay } from '../domain/calendar.js';
import type { DeviceRecord } from '../domain/device-record.js';
import { deviceNotFound, QueryError, QueryErrorCode } from '../domain/query-error.js';
import { deviceScope } from '../store/view-cache.js';
import type { QueryContext } from './query-context.js';

/**
 * Runs a read of PostgreSQL; a connection failure becomes a 503 with Retry-After instead of a 500,
 * since the same request will succeed once the database is back.
 */
export async function fromStore<T>(ctx: QueryContext, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isRetriable(error)) throw error;
    throw new QueryError(
      QueryErrorCode.QRY_STORE_UNAVAILABLE,
      503,
      'the database is not reachable; retry shortly',
      { retryAfterSeconds: ctx.retryAfterSeconds },
      { cause: error, retriable: true },
    );
  }
}

/**
 * The customer's device, as cached or read from PostgreSQL. Another customer's device is answered
 * exactly like one that does not exist (404), so device ids cannot be probed.
 */
export async function ownedDevice(ctx: QueryContext, customerId: string, deviceId: string): Promise<DeviceRecord> {
  // Daily use from a day before the burn-rate window on, so a record cached just before midnight still
  // covers the window after it; the day is part of the view's name, so the next day reads afresh.
  const dailySince = addDays(utcDay(ctx.clock()), -(ctx.view.burnRate.windowDays + 1));
  const record = await fromStore(ctx, () =>
    ctx.cache.read<DeviceRecord | null>(
      deviceScope(deviceId),
      `record@${dailySince}`,
      async () => (await ctx.reader.device(deviceId, dailySince)) ?? null,
    ),
  );
  if (record === null || record.customerId !== customerId) throw deviceNotFound(deviceId);
  return record;
}
