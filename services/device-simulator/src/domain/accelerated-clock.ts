/**
 * Simulated time running `scale` times faster than real time. The households live in simulated time
 * (a day of use passes in 144 s at 600x); reports carry the real instant at which each simulated use
 * happened, because ingest refuses times ahead of its own clock and the rest of the system (orders,
 * deliveries) runs on real time.
 */
export interface AcceleratedClock {
  readonly scale: number;
  /** Simulated instant (ms) of a real one. */
  simAt(realMs: number): number;
  /** Real instant (ms) of a simulated one. */
  realAt(simMs: number): number;
}

/** Real `realStartMs` is simulated `simStartMs`; from there simulated time runs `scale` times faster. */
export function acceleratedClock(realStartMs: number, simStartMs: number, scale: number): AcceleratedClock {
  if (!(scale >= 1)) throw new RangeError(`the time scale must be at least 1, got ${scale}`);
  return {
    scale,
    simAt: (realMs) => simStartMs + (realMs - realStartMs) * scale,
    realAt: (simMs) => realStartMs + (simMs - simStartMs) / scale,
  };
}

const DAY_MS = 86_400_000;
/** The simulated morning the households wake up to, UTC hour. */
export const MORNING_HOUR = 6;

/**
 * Where simulated time starts: 06:00 UTC of the real day. Households sleep at night, so a simulator
 * started at 03:00 would otherwise show almost nothing in its first minute.
 */
export function simulatedMorningOf(realMs: number): number {
  return Math.floor(realMs / DAY_MS) * DAY_MS + MORNING_HOUR * 3_600_000;
}
