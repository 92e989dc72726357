/**
 * Faults on demand, decided by a seeded PRNG so that a run can be repeated exactly: the same seed and
 * the same sequence of calls and notifications give the same failures, duplicates, delays and order.
 * Each kind of decision draws from its own stream, so API traffic does not shift notification faults.
 */

/** Faults of the DRS REST API and the LWA token endpoint. Rates are shares of calls, 0..1. */
export interface ApiFaults {
  /** Answer 500 without doing anything. */
  failRate: number;
  /** Answer only after `slowMs`. */
  slowRate: number;
  slowMs: number; // ms, real time
  /** Treat a valid access token as expired (and expire it), as if it had been revoked early. */
  tokenExpiryRate: number;
}

/** Faults of SNS deliveries. */
export interface NotificationFaults {
  /** Deliver the same message (same MessageId) twice. */
  duplicateRate: number;
  /** Deliver it `lateSeconds` later than it was published. */
  lateRate: number;
  lateSeconds: number; // s, simulated
  /** Hold messages until this many are waiting, then send them shuffled. 0 or 1: keep the order. */
  reorderWindow: number;
  /** A held message waits at most this long for the window to fill. */
  reorderMaxHoldSeconds: number; // s, simulated
}

/** Faults of orders. */
export interface OrderFaults {
  /** Send a placed order through the Order Resolution Flow (no OrderPlaced until resolved, 72 h). */
  resolutionRate: number;
}

/** Everything the fault control sets. */
export interface FaultSettings {
  seed: number;
  api: ApiFaults;
  notifications: NotificationFaults;
  orders: OrderFaults;
}

/** No faults at all. */
export function noFaults(seed: number): FaultSettings {
  return {
    seed,
    api: { failRate: 0, slowRate: 0, slowMs: 0, tokenExpiryRate: 0 },
    notifications: { duplicateRate: 0, lateRate: 0, lateSeconds: 0, reorderWindow: 0, reorderMaxHoldSeconds: 60 },
    orders: { resolutionRate: 0 },
  };
}

/** Settings with every field present: stored settings of an older shape, or a partial request, filled in. */
export function completeFaults(
  seed: number,
  partial: {
    api?: Partial<ApiFaults> | undefined;
    notifications?: Partial<NotificationFaults> | undefined;
    orders?: Partial<OrderFaults> | undefined;
  },
): FaultSettings {
  const none = noFaults(seed);
  return {
    seed,
    api: { ...none.api, ...partial.api },
    notifications: { ...none.notifications, ...partial.notifications },
    orders: { ...none.orders, ...partial.orders },
  };
}

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** The independent decision streams. */
export type FaultStream = 'api' | 'notifications' | 'orders';

const STREAM_SALT: Readonly<Record<FaultStream, number>> = {
  api: 0x2545f491,
  notifications: 0x9e3779b9,
  orders: 0x7f4a7c15,
};

/**
 * mulberry32: a tiny, well-distributed 32-bit generator; plenty for fault decisions and, unlike
 * Math.random, seedable. Deterministic: no clock, no I/O.
 */
export function createRandom(seed: number, stream: FaultStream): Random {
  let state = (Math.trunc(seed) ^ STREAM_SALT[stream]) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What happens to one API call. Always draws twice, whatever the settings, to keep the stream aligned. */
export function decideApiCall(faults: ApiFaults, random: Random): { fail: boolean; delayMs: number } {
  const failDraw = random();
  const slowDraw = random();
  return { fail: failDraw < faults.failRate, delayMs: slowDraw < faults.slowRate ? faults.slowMs : 0 };
}

/** Whether a valid access token is refused as expired on this call. */
export function decideTokenExpiry(faults: ApiFaults, random: Random): boolean {
  return random() < faults.tokenExpiryRate;
}

/** Whether a placed order goes through the Order Resolution Flow. */
export function decideResolution(faults: OrderFaults, random: Random): boolean {
  return random() < faults.resolutionRate;
}

/** How one notification is delivered to one subscription. */
export interface DeliveryPlan {
  copies: 1 | 2;
  delaySeconds: number; // s, simulated
  held: boolean;
}

/** Decides duplicate, lateness and holding of one notification delivery. Always draws twice. */
export function planDelivery(faults: NotificationFaults, random: Random): DeliveryPlan {
  const duplicateDraw = random();
  const lateDraw = random();
  return {
    copies: duplicateDraw < faults.duplicateRate ? 2 : 1,
    delaySeconds: lateDraw < faults.lateRate ? faults.lateSeconds : 0,
    held: faults.reorderWindow > 1,
  };
}

/** Whether held messages are released: the window is full, or the oldest has waited long enough. */
export function shouldRelease(
  faults: NotificationFaults,
  heldCount: number,
  oldestHeldAt: Date | undefined,
  now: Date,
): boolean {
  if (heldCount === 0 || oldestHeldAt === undefined) return false;
  if (faults.reorderWindow <= 1 || heldCount >= faults.reorderWindow) return true;
  return now.getTime() - oldestHeldAt.getTime() >= faults.reorderMaxHoldSeconds * 1000;
}

/** A Fisher-Yates shuffle driven by `random`: the same draws give the same order. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}
