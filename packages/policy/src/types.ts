/**
 * The inputs and output of the reorder policy. Quantities are in the slot's canonical unit (ml, g,
 * count, percent): the policy never converts, so a percentage slot (ink, filters) is decided exactly
 * like a count slot.
 */

/** Which rule computes the threshold: the DRS guide's, or the adaptive one that improves on it. */
export type PolicyRule = 'guide' | 'adaptive';

/** Use on one UTC day. */
export interface DailyUse {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Canonical unit; never negative. */
  quantity: number;
}

/** What happened to the slot before now: its use, and how its last reorders ended. */
export interface SlotHistory {
  /**
   * The UTC day from which use has been tracked (the day of the first report); null when nothing has
   * been reported yet. A day after it without an entry in `dailyUse` is a day without use.
   */
  trackedSince: string | null;
  /** Use per UTC day; the order does not matter, days appear at most once. */
  dailyUse: readonly DailyUse[];
  /** The most recent cancellation of an order of the slot (by the customer, or DRS's 72 h resolution limit). */
  lastCancellation: { at: string; stockOnHand: number } | null;
  /** The most recent reorder attempt that ended without an order (DRS refused it, or it failed for good). */
  lastFailedRequestAt: string | null;
}

/** The slot as it is now. */
export interface SlotState {
  /** Level + spare stock + shipments on the way. */
  stockOnHand: number;
  /** The device is registered with DRS (a customer linked it and did not deregister). */
  registered: boolean;
  /** The customer's auto-reorder setting of the slot; null when DRS never said (no ASIN chosen). */
  subscription: { subscribed: boolean } | null;
  /**
   * An order that is not finished: one asked for but not yet answered (`requested`), or placed or
   * shipped and not arrived.
   */
  openOrder: { state: 'requested' | 'placed' | 'shipped' } | null;
  /** The model's assumed daily use, used until the slot has history of its own. */
  defaultDailyUse: number;
  /** The device's marketplace (`US`, `UK`...), for its lead time. */
  marketplace: string;
  /** The customer's preferred days of cover for this slot; null when they set none. */
  daysOfCover: number | null;
}

/** Tunables of the policy; `defaultPolicySettings` holds the documented defaults. */
export interface PolicySettings {
  rule: PolicyRule;
  /** Days of history the burn rate looks at (the guide's "period"). */
  windowDays: number;
  /** Days of cover when the customer set none (the guide: 7, standard shipping plus margin). */
  defaultDaysOfCover: number;
  /** Guide rule: days of cover per marketplace, overriding `defaultDaysOfCover`. */
  daysOfCoverByMarketplace: Readonly<Record<string, number>>;
  /** Adaptive rule: order-to-door days (DRS's 24 h cancellation window + shipping) per marketplace. */
  leadTimeDaysByMarketplace: Readonly<Record<string, number>>;
  /** Adaptive rule: lead time of a marketplace not in the table. */
  defaultLeadTimeDays: number;
  /** Guide rule: below this many tracked days the model's default daily use is used. */
  minHistoryDays: number;
  /** Adaptive rule: half-life of the exponentially weighted daily use, in days. */
  halfLifeDays: number;
  /** Adaptive rule: weight, in days, of the model's default daily use blended into a short history... */
  priorWeightDays: number;
  /** ...fading linearly to nothing once the slot has this many complete days of its own. */
  priorFadeDays: number;
  /** Adaptive rule: complete days of history needed before a weekday pattern is used. */
  weekdayMinDays: number;
  /** Adaptive rule: z of the safety stock (1.65: use over the lead time exceeds the stock 1 time in 20). */
  serviceLevelZ: number;
  /** Adaptive rule: complete days needed before the variability of use sets a safety stock. */
  safetyMinDays: number;
  /** Days after a cancellation during which the policy does not order again... */
  cancellationCoolDownDays: number;
  /**
   * ...unless the stock on hand keeps falling: by this fraction of the threshold below the stock on
   * hand at the cancellation.
   */
  coolDownBreakFraction: number;
  /** Hours after a reorder attempt that ended without an order before another is made. */
  failedRequestRetryHours: number;
}

/** Why the policy decided as it did; the first rule that applies, in this order. */
export type DecisionRule =
  | 'not-registered'
  | 'no-subscription'
  | 'subscription-paused'
  | 'order-open'
  | 'above-threshold'
  | 'cancellation-cool-down'
  | 'retry-backoff'
  | 'below-threshold';

export interface DecisionReason {
  policy: PolicyRule;
  rule: DecisionRule;
  /** Use per day the threshold is built on (canonical unit per day). */
  burnRatePerDay: number;
  /** Where the burn rate comes from: the slot's own use, the model's default, or both blended. */
  rateSource: 'history' | 'default' | 'blended';
  /** Days of history the burn rate covers (0 with the default). */
  windowDays: number;
  stockOnHand: number;
  /** Days of use the threshold covers (the guide's days threshold; the lead time for the adaptive rule). */
  daysOfCover: number;
  /** Stock kept against the variability of use (0 for the guide's rule). */
  safetyStock: number;
  /** Order when the stock on hand is at or below this. */
  threshold: number;
  /** Days until the stock on hand is used up at the expected rate; null without use. */
  daysLeft: number | null;
  /** When the stock on hand runs out (ISO 8601); null without use. */
  runOutAt: string | null;
  /** The weekday factors used (Sunday first), when the adaptive rule found a weekly pattern. */
  weekdayFactors: number[] | null;
}

export interface Decision {
  order: boolean;
  reason: DecisionReason;
}
