import { adaptiveBurnRate, daysUntilEmpty, guideBurnRate, projectedUse } from './burn-rate.js';
import { DAY_MS, round6 } from './calendar.js';
import type { Decision, DecisionReason, DecisionRule, PolicySettings, SlotHistory, SlotState } from './types.js';

interface Threshold {
  burnRatePerDay: number;
  rateSource: DecisionReason['rateSource'];
  windowDays: number;
  daysOfCover: number;
  safetyStock: number;
  threshold: number;
  daysLeft: number | null;
  weekdayFactors: number[] | null;
}

/**
 * The DRS guide's rule, as its sample code: burn rate = use in the period / days in the period;
 * threshold = burn rate x days of cover (the customer's preference, else the marketplace's, else 7).
 */
function guideThreshold(history: SlotHistory, state: SlotState, settings: PolicySettings, now: Date): Threshold {
  const rate = guideBurnRate(history, state.defaultDailyUse, settings, now);
  const daysOfCover =
    state.daysOfCover ??
    settings.daysOfCoverByMarketplace[state.marketplace.toUpperCase()] ??
    settings.defaultDaysOfCover;
  const daysLeft = daysUntilEmpty(state.stockOnHand, rate.rate, null, now.getTime());
  return {
    burnRatePerDay: rate.rate,
    rateSource: rate.source,
    windowDays: rate.windowDays,
    daysOfCover,
    safetyStock: 0,
    threshold: round6(rate.rate * daysOfCover),
    daysLeft,
    weekdayFactors: null,
  };
}

/**
 * The adaptive rule: the expected use over the marketplace's real lead time (never less, because an
 * order placed with less cover than delivery takes is an order that arrives after the slot ran dry;
 * more when the customer asked for more), shaped by the weekday pattern, plus a safety stock of
 * z x sigma x sqrt(lead time) from the day-to-day variability of use, so a steady user is not made to
 * hold the same margin as an erratic one.
 */
function adaptiveThreshold(history: SlotHistory, state: SlotState, settings: PolicySettings, now: Date): Threshold {
  const rate = adaptiveBurnRate(history, state.defaultDailyUse, settings, now);
  const leadTime = settings.leadTimeDaysByMarketplace[state.marketplace.toUpperCase()] ?? settings.defaultLeadTimeDays;
  const daysOfCover = Math.max(leadTime, state.daysOfCover ?? 0);
  const expected = projectedUse(rate.rate, rate.weekdayFactors, now.getTime(), daysOfCover);
  const safetyStock = settings.serviceLevelZ * rate.dailyStdDev * Math.sqrt(daysOfCover);
  return {
    burnRatePerDay: rate.rate,
    rateSource: rate.source,
    windowDays: rate.windowDays,
    daysOfCover,
    safetyStock: round6(safetyStock),
    threshold: round6(expected + safetyStock),
    daysLeft: daysUntilEmpty(state.stockOnHand, rate.rate, rate.weekdayFactors, now.getTime()),
    weekdayFactors: rate.weekdayFactors,
  };
}

function blockingRule(
  history: SlotHistory,
  state: SlotState,
  settings: PolicySettings,
  threshold: number,
  now: Date,
): DecisionRule | null {
  if (!state.registered) return 'not-registered';
  if (state.subscription === null) return 'no-subscription';
  if (!state.subscription.subscribed) return 'subscription-paused';
  if (state.openOrder !== null) return 'order-open';
  if (state.stockOnHand > threshold) return 'above-threshold';
  const cancellation = history.lastCancellation;
  if (cancellation !== null) {
    const since = now.getTime() - Date.parse(cancellation.at);
    const stillFalling =
      state.stockOnHand <= cancellation.stockOnHand - settings.coolDownBreakFraction * threshold ||
      state.stockOnHand <= 0;
    if (since < settings.cancellationCoolDownDays * DAY_MS && !stillFalling) return 'cancellation-cool-down';
  }
  if (history.lastFailedRequestAt !== null) {
    const since = now.getTime() - Date.parse(history.lastFailedRequestAt);
    if (since < settings.failedRequestRetryHours * 60 * 60 * 1000) return 'retry-backoff';
  }
  return null;
}

/**
 * Decides whether to order now for one slot. Pure and deterministic: the same history, state,
 * settings and `now` always give the same decision, so the reorder-policy service, a replay and the
 * replenishment simulation agree. Quantities are in the slot's canonical unit, so percentage slots
 * (ink at 12 %) are decided like any other.
 *
 * It orders when the stock on hand is at or below the threshold, unless (checked in this order) the
 * device is not registered with DRS, the slot's subscription is absent or paused, an order of the
 * slot is open, a cancellation happened within the cool-down and the stock has not kept falling
 * since, or the last attempt failed within the retry delay. The reason always carries the numbers.
 */
export function decide(history: SlotHistory, state: SlotState, settings: PolicySettings, now: Date): Decision {
  const t =
    settings.rule === 'guide'
      ? guideThreshold(history, state, settings, now)
      : adaptiveThreshold(history, state, settings, now);
  const blocked = blockingRule(history, state, settings, t.threshold, now);
  const daysLeft = t.daysLeft === null ? null : round6(t.daysLeft);
  return {
    order: blocked === null,
    reason: {
      policy: settings.rule,
      rule: blocked ?? 'below-threshold',
      burnRatePerDay: t.burnRatePerDay,
      rateSource: t.rateSource,
      windowDays: t.windowDays,
      stockOnHand: state.stockOnHand,
      daysOfCover: t.daysOfCover,
      safetyStock: t.safetyStock,
      threshold: t.threshold,
      daysLeft,
      runOutAt: daysLeft === null ? null : new Date(now.getTime() + Math.round(daysLeft * DAY_MS)).toISOString(),
      weekdayFactors: t.weekdayFactors,
    },
  };
}
