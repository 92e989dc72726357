import type { Pool } from '@restock/postgres';
import { advanced, type ClockAnchor, rescaled, simTimeAt, startClock } from './domain/sim-clock.js';
import { loadClockAnchor, saveClockAnchor } from './store/settings-store.js';

/**
 * Simulated time, kept in PostgreSQL so that a restart neither rewinds it nor forgets an advance. It runs
 * `scale` times as fast as the real clock it is given, and `advance` jumps it forward for tests.
 */
export interface SimulatedClock {
  /** Simulated now: the order life, notification times and SNS retry schedule use it. */
  now(): Date;
  /** The real clock: LWA codes and tokens expire against it. */
  realNow(): Date;
  /** Pushes simulated time forward; returns the new simulated now. */
  advance(seconds: number): Promise<Date>;
  readonly scale: number;
}

/** Loads (or starts) the simulated clock; a changed scale continues from the current simulated time. */
export async function createSimulatedClock(options: {
  pool: Pool;
  realClock: () => Date;
  scale: number;
}): Promise<SimulatedClock> {
  const { pool, realClock, scale } = options;
  const realNowMs = realClock().getTime();
  const stored = await loadClockAnchor(pool);
  let anchor: ClockAnchor =
    stored === undefined
      ? startClock(realNowMs, scale)
      : stored.scale === scale
        ? stored
        : rescaled(stored, realNowMs, scale);
  if (stored === undefined || stored !== anchor) await saveClockAnchor(pool, anchor);

  return {
    now: () => new Date(simTimeAt(anchor, realClock().getTime())),
    realNow: () => realClock(),
    async advance(seconds: number): Promise<Date> {
      anchor = advanced(anchor, seconds * 1000);
      await saveClockAnchor(pool, anchor);
      return new Date(simTimeAt(anchor, realClock().getTime()));
    },
    scale,
  };
}
