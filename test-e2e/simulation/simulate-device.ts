import { DAY_MS, type DailyUse, decide, type PolicySettings, type SlotHistory, type SlotState } from '@restock/policy';
import { drawDemand, expectedEventsOn, type SimCalendar, type SimDevice } from './population.js';
import { type Random, randomStream } from './random.js';
import { adaptiveThresholdBound, guideThresholdBound, type UseSeries } from './threshold-screen.js';

/**
 * One device's year under one policy. The world, day by day (UTC):
 * - 06:00: an order placed yesterday evening is cancelled (5 %, inside DRS's 24 h window: the policy's
 *   cool-down then applies) or ships, and from then on counts in the stock on hand as on its way;
 * - 07:00: a shipment due today arrives and goes onto the shelf (spare stock);
 * - during the day: the household uses the device; when the slot runs empty the owner refills it from
 *   the shelf and carries on; what neither can serve is unmet demand, and the day a stockout day;
 * - evening: an owner with a top-up habit refills a slot that has fallen below their mark;
 * - 22:00: the policy decides with the slot's history and state, as the reorder-policy service does
 *   after the day's reports. An order takes 1 to 7 days to the door (the household's usual delivery
 *   speed plus the parcel's own luck).
 * Nothing else can place an order, and one placed while another is open is counted as a duplicate
 * and refused, as DRS's one-open-order rule would.
 */

/** When the policy decides each day (hours after midnight UTC). */
export const DECISION_HOUR = 22;
const CANCELLATION_HOUR = 6;
export const CANCELLATION_PROBABILITY = 0.05;
/** Jitter of one parcel around the household's usual days to the door. */
const LEAD_JITTER = [-1, 0, 0, 0, 0, 1, 1, 2] as const;
export const MIN_LEAD_DAYS = 1;
export const MAX_LEAD_DAYS = 7;
const EPSILON = 1e-9;

/** The calendar turned into what the policy reads: day strings and decision instants, computed once. */
export interface SimClock {
  calendar: SimCalendar;
  totalDays: number;
  /** `YYYY-MM-DD` of each run day. */
  days: readonly string[];
  /** Midnight UTC of each run day, ms. */
  dayStartMs: readonly number[];
  /** UTC weekday (0 = Sunday) of run day 0. */
  weekdayOfDay0: number;
}

export function simClock(calendar: SimCalendar): SimClock {
  const totalDays = calendar.warmupDays + calendar.days;
  const first = Date.parse(`${calendar.firstDay}T00:00:00Z`) - calendar.warmupDays * DAY_MS;
  if (Number.isNaN(first)) throw new RangeError(`not a UTC day: ${calendar.firstDay}`);
  const dayStartMs = Array.from({ length: totalDays }, (_, d) => first + d * DAY_MS);
  return {
    calendar,
    totalDays,
    days: dayStartMs.map((ms) => new Date(ms).toISOString().slice(0, 10)),
    dayStartMs,
    weekdayOfDay0: new Date(first).getUTCDay(),
  };
}

export type TraceEventType = 'order' | 'duplicate' | 'cancel' | 'delivery' | 'stockout';

export interface TraceEvent {
  day: number;
  type: TraceEventType;
  /** Order: the policy's threshold; delivery: the quantity; stockout: the unmet demand. */
  value: number;
}

/** A slot's day-by-day story, kept for the chart device only. */
export interface SlotTrace {
  slotId: string;
  capacity: number;
  unitType: string;
  /** In the device at the end of each run day. */
  level: number[];
  /** On the shelf at the end of each run day. */
  spare: number[];
  events: TraceEvent[];
}

export interface RunOptions {
  settings: PolicySettings;
  /** Ask the policy only on days the threshold bound cannot rule out an order (see threshold-screen.ts). */
  screen: boolean;
  /** Share of the days the screen skipped on which the policy is asked anyway, to check the screen. */
  auditRate: number;
  trace: boolean;
}

/** What one device did in the measured period under one policy. */
export interface DeviceOutcome {
  /** Measured days on which some slot could not serve what the household wanted. */
  stockoutDays: number;
  /** The same, counted per slot. */
  slotStockoutDays: number;
  /** Orders placed (cancelled ones included). */
  orders: number;
  cancelled: number;
  delivered: number;
  /** Orders the policy asked for while one was open for the slot (refused by the world). */
  duplicates: number;
  /** Per delivery: days of expected use the slot still held (level + shelf) when the parcel came. */
  coverOnArrival: number[];
  /** Times `decide` was called (screened days excluded, audits included). */
  decisions: number;
  /** Skipped days that the audit asked the policy about anyway... */
  audits: number;
  /** ...and those on which the policy did want to order (the screen was wrong): must be 0. */
  screenMisses: number;
  traces: SlotTrace[] | null;
}

interface OpenOrder {
  placedDay: number;
  arrivalDay: number;
  willCancel: boolean;
  shipped: boolean;
}

interface SlotWorld {
  level: number;
  spare: number;
  onTheWay: number;
  order: OpenOrder | null;
  series: UseSeries;
  lastCancellation: { at: string; stockOnHand: number } | null;
  outcomes: Random;
  trace: SlotTrace | null;
}

/** The demand of a device, drawn once and shared by the runs of both policies. */
export function deviceDemand(seed: number, device: SimDevice, clock: SimClock): Float64Array[] {
  return drawDemand(seed, device, clock.calendar, clock.weekdayOfDay0);
}

export function simulateDevice(
  seed: number,
  device: SimDevice,
  demand: readonly Float64Array[],
  clock: SimClock,
  options: RunOptions,
): DeviceOutcome {
  const { settings } = options;
  const total = clock.totalDays;
  const warmup = clock.calendar.warmupDays;
  // The policy's days of cover: the guide's 7 (no customer preference, no marketplace override) or
  // the adaptive rule's lead time; the simulated households are all in the US marketplace.
  const daysOfCover =
    settings.rule === 'guide'
      ? (settings.daysOfCoverByMarketplace['US'] ?? settings.defaultDaysOfCover)
      : (settings.leadTimeDaysByMarketplace['US'] ?? settings.defaultLeadTimeDays);
  const audit = randomStream(seed, device.index, `audit-${settings.rule}`);
  const outcome: DeviceOutcome = {
    stockoutDays: 0,
    slotStockoutDays: 0,
    orders: 0,
    cancelled: 0,
    delivered: 0,
    duplicates: 0,
    coverOnArrival: [],
    decisions: 0,
    audits: 0,
    screenMisses: 0,
    traces: null,
  };

  const slots: SlotWorld[] = device.slots.map((spec) => ({
    level: spec.initialLevel,
    spare: spec.initialSpare,
    onTheWay: 0,
    order: null,
    series: { uses: new Float64Array(total), trackedSince: -1 },
    lastCancellation: null,
    // Same stream under both policies: their k-th orders meet the same parcel luck and cancellations.
    outcomes: randomStream(seed, device.index, `orders-${spec.slotId}`),
    trace: options.trace
      ? { slotId: spec.slotId, capacity: spec.capacity, unitType: spec.unitType, level: [], spare: [], events: [] }
      : null,
  }));

  for (let day = 0; day < total; day++) {
    const measured = day >= warmup;
    let stockoutToday = false;
    device.slots.forEach((spec, s) => {
      const slot = slots[s]!;
      const order = slot.order;

      // Morning: the order placed yesterday evening is cancelled or ships; a parcel due today arrives.
      if (order && !order.shipped && order.placedDay === day - 1) {
        if (order.willCancel) {
          slot.order = null;
          slot.lastCancellation = {
            at: new Date(clock.dayStartMs[day]! + CANCELLATION_HOUR * 3_600_000).toISOString(),
            stockOnHand: slot.level + slot.spare,
          };
          if (measured) outcome.cancelled++;
          slot.trace?.events.push({ day, type: 'cancel', value: 0 });
        } else {
          order.shipped = true;
          slot.onTheWay = spec.packSize;
        }
      }
      if (slot.order && slot.order.arrivalDay === day) {
        if (measured) {
          const expectedUse = expectedEventsOn(device, day, total) * spec.dose * spec.share;
          outcome.coverOnArrival.push((slot.level + slot.spare) / expectedUse);
          outcome.delivered++;
        }
        slot.spare += spec.packSize;
        slot.onTheWay = 0;
        slot.order = null;
        slot.trace?.events.push({ day, type: 'delivery', value: spec.packSize });
      }

      // The day's use, refilling from the shelf whenever the slot runs empty.
      let wanted = demand[s]?.[day] ?? 0;
      let served = 0;
      while (wanted > EPSILON) {
        if (slot.level <= EPSILON) {
          if (slot.spare <= EPSILON) break;
          const moved = Math.min(slot.spare, spec.capacity);
          slot.level += moved;
          slot.spare -= moved;
        }
        const take = Math.min(slot.level, wanted);
        slot.level -= take;
        wanted -= take;
        served += take;
      }
      slot.series.uses[day] = served;
      if (served > 0 && slot.series.trackedSince < 0) slot.series.trackedSince = day;
      if (wanted > EPSILON) {
        stockoutToday = true;
        if (measured) outcome.slotStockoutDays++;
        slot.trace?.events.push({ day, type: 'stockout', value: wanted });
      }

      // Evening: the owner's top-up habit.
      if (spec.refill.kind === 'top-up' && slot.level <= spec.refill.belowFraction * spec.capacity) {
        const moved = Math.min(slot.spare, spec.capacity - slot.level);
        slot.level += moved;
        slot.spare -= moved;
      }

      decideFor(day, spec, slot, measured);
      slot.trace?.level.push(slot.level);
      slot.trace?.spare.push(slot.spare);
    });
    if (stockoutToday && measured) outcome.stockoutDays++;
  }
  if (options.trace) outcome.traces = slots.map((s) => s.trace!);
  return outcome;

  function decideFor(day: number, spec: SimDevice['slots'][number], slot: SlotWorld, measured: boolean): void {
    const stockOnHand = slot.level + slot.spare + slot.onTheWay;
    let asked = !options.screen;
    // While an order is open the policy must refuse whatever the numbers; that is checked right after
    // each order is placed (below), so the screen skips the days of the wait (an exhaustive run asks
    // on all of them).
    if (!asked && slot.order === null) {
      const bound =
        settings.rule === 'guide'
          ? guideThresholdBound(slot.series, day, DECISION_HOUR, spec.defaultDailyUse, settings, daysOfCover)
          : adaptiveThresholdBound(
              slot.series,
              day,
              DECISION_HOUR,
              clock.weekdayOfDay0,
              spec.defaultDailyUse,
              settings,
              daysOfCover,
            );
      asked = stockOnHand <= bound;
    }
    const audited = !asked && options.auditRate > 0 && audit.chance(options.auditRate);
    if (!asked && !audited) return;
    outcome.decisions++;
    if (audited) outcome.audits++;
    const now = new Date(clock.dayStartMs[day]! + DECISION_HOUR * 3_600_000);
    const history = historyOf(slot, day);
    const decision = decide(history, stateOf(slot, spec, stockOnHand), settings, now);
    if (!decision.order) return;
    if (audited) outcome.screenMisses++;
    if (slot.order !== null) {
      duplicate(slot, day, decision.reason.threshold, measured);
      return;
    }
    const jitter = slot.outcomes.pick(LEAD_JITTER);
    const leadDays = Math.min(MAX_LEAD_DAYS, Math.max(MIN_LEAD_DAYS, device.baseLeadDays + jitter));
    const willCancel = slot.outcomes.chance(CANCELLATION_PROBABILITY);
    slot.order = { placedDay: day, arrivalDay: day + leadDays, willCancel, shipped: false };
    if (measured) outcome.orders++;
    slot.trace?.events.push({ day, type: 'order', value: decision.reason.threshold });

    // The same decision again, now that the order is open: what the service does when another report
    // of the slot arrives before the order is answered. The numbers still say "order" (nothing was
    // used or delivered since), so only the open-order rule stands between this and a second order.
    outcome.decisions++;
    const again = decide(history, stateOf(slot, spec, stockOnHand), settings, now);
    if (again.order) duplicate(slot, day, again.reason.threshold, measured);
  }

  function duplicate(slot: SlotWorld, day: number, threshold: number, measured: boolean): void {
    if (measured) outcome.duplicates++;
    slot.trace?.events.push({ day, type: 'duplicate', value: threshold });
  }

  function historyOf(slot: SlotWorld, today: number): SlotHistory {
    const dailyUse: DailyUse[] = [];
    const tracked = slot.series.trackedSince;
    if (tracked >= 0) {
      // What the reorder-policy service loads too: the window and the day before it.
      for (let d = Math.max(tracked, today - settings.windowDays - 1); d <= today; d++) {
        const quantity = slot.series.uses[d] ?? 0;
        if (quantity > 0) dailyUse.push({ day: clock.days[d]!, quantity });
      }
    }
    return {
      trackedSince: tracked >= 0 ? clock.days[tracked]! : null,
      dailyUse,
      lastCancellation: slot.lastCancellation,
      lastFailedRequestAt: null,
    };
  }

  function stateOf(slot: SlotWorld, spec: SimDevice['slots'][number], stockOnHand: number): SlotState {
    return {
      stockOnHand,
      registered: true,
      subscription: { subscribed: true },
      openOrder: slot.order === null ? null : { state: slot.order.shipped ? 'shipped' : 'placed' },
      defaultDailyUse: spec.defaultDailyUse,
      marketplace: 'US',
      daysOfCover: null,
    };
  }
}
