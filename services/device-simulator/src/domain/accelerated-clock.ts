/**
 * Simulated time running `scale` times faster than real time from a common start. The households
 * live in simulated time (a day of use passes in 144 s at 600x); reports carry the real instant at
 * which each simulated use happened, because ingest refuses times ahead of its own clock and the rest
 * of the system (orders, deliveries) runs on real time.
 */
export interface AcceleratedClock {
  readonly scale: number;
  /** Simulated instant (ms) of a real one. */
  simAt(realMs: number): number;
  /** Real instant (ms) of a simulated one. */
  realAt(simMs: number): number;
}

export function acceleratedClock(startMs: number, scale: number): AcceleratedClock {
  if (!(scale >= 1)) throw new RangeError(`the time scale must be at least 1, got ${scale}`);
  return {
    scale,
    simAt: (realMs) => startMs + (realMs - startMs) * scale,
    realAt: (simMs) => startMs + (simMs - startMs) / scale,
  };
}
