/**
 * The simulated clock as a value: simulated time runs `scale` times as fast as real time from an anchor,
 * and can be pushed forward. Amazon's order life and SNS retries run on it, so that tests and demos can
 * compress days into seconds; LWA tokens do not (their clients measure `expires_in` on real clocks).
 */
export interface ClockAnchor {
  /** Simulated time at the anchor. ms since epoch. */
  simAnchorMs: number;
  /** Real time at the anchor. ms since epoch. */
  realAnchorMs: number;
  /** Simulated ms per real ms. */
  scale: number;
}

/** A clock that starts now, at real time. */
export function startClock(realNowMs: number, scale: number): ClockAnchor {
  return { simAnchorMs: realNowMs, realAnchorMs: realNowMs, scale };
}

/** Simulated time at a real time. ms since epoch. */
export function simTimeAt(anchor: ClockAnchor, realNowMs: number): number {
  return Math.floor(anchor.simAnchorMs + (realNowMs - anchor.realAnchorMs) * anchor.scale);
}

/**
 * The same clock re-anchored at `realNowMs` with a new scale: simulated time goes on from where it is,
 * so changing TIME_SCALE across a restart never moves it backwards.
 */
export function rescaled(anchor: ClockAnchor, realNowMs: number, scale: number): ClockAnchor {
  return { simAnchorMs: simTimeAt(anchor, realNowMs), realAnchorMs: realNowMs, scale };
}

/** The clock pushed forward by `ms` (never backwards: simulated events must not happen twice). */
export function advanced(anchor: ClockAnchor, ms: number): ClockAnchor {
  return { ...anchor, simAnchorMs: anchor.simAnchorMs + Math.max(0, ms) };
}
