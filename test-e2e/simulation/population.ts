import { type Random, randomStream } from './random.js';

/**
 * The synthetic population: households with one connected device each, drawn from a seed. Everything
 * about a device (how much and when it is used, its holidays, how its owner refills it, which pack
 * size they chose, how fast deliveries reach them) is decided here, before any policy runs, so both
 * policies face exactly the same households and the same demand, day for day.
 */

export type DeviceKind = 'printer' | 'washing_machine' | 'dishwasher' | 'coffee_machine';
export const DEVICE_KINDS: readonly DeviceKind[] = ['printer', 'washing_machine', 'dishwasher', 'coffee_machine'];

export type ConsumerPattern = 'steady' | 'weekday-heavy' | 'bursty' | 'growing';
export const CONSUMER_PATTERNS: readonly ConsumerPattern[] = ['steady', 'weekday-heavy', 'bursty', 'growing'];

/** How the owner moves stock from the shelf (spare) into the device. */
export type RefillHabit = { kind: 'at-empty' } | { kind: 'top-up'; belowFraction: number };

export interface SlotSpec {
  slotId: string;
  unitType: 'percentage' | 'volume' | 'count';
  /** What the device holds when full, canonical unit (percent, ml, count); the catalog template's. */
  capacity: number;
  /** The model's assumed daily use before the slot has history; the catalog template's. */
  defaultDailyUse: number;
  /** Quantity used per use event (a page, a load, a wash, a cup). */
  dose: number;
  /** Share of the device's use events that use this slot (softener is not added to every load). */
  share: number;
  /** Quantity one order delivers: the pack (ASIN) the owner chose, a whole number of refills. */
  packSize: number;
  refill: RefillHabit;
  initialLevel: number;
  initialSpare: number;
}

export interface SimDevice {
  index: number;
  deviceId: string;
  kind: DeviceKind;
  pattern: ConsumerPattern;
  /** Mean use events per day (pages, loads, washes, cups) before weekday, burst and growth shaping. */
  eventsPerDay: number;
  /** Multipliers per weekday (Sunday first), mean 1; all 1 unless the pattern is weekday-heavy. */
  weekdayWeights: readonly number[];
  /** [first, last] simulation days (inclusive) without any use. */
  holidays: readonly (readonly [number, number])[];
  /** The delivery speed of the household's address: order-to-door days before per-order jitter. */
  baseLeadDays: number;
  slots: readonly SlotSpec[];
}

/** The calendar of a simulation run: warm-up days first, then the measured year. */
export interface SimCalendar {
  /** Days before the measured period: history builds up and first orders happen, nothing is counted. */
  warmupDays: number;
  /** Measured days. */
  days: number;
  /** The first measured day, `YYYY-MM-DD` (UTC). */
  firstDay: string;
}

export const BURST_DAY_PROBABILITY = 0.08;
/** A bursty consumer's quiet days run at this fraction of their mean... */
export const BURST_QUIET_FACTOR = 0.45;
/** ...and a burst day makes up the rest, so the long-run mean stays the device's mean. */
export const BURST_FACTOR = (1 - BURST_QUIET_FACTOR * (1 - BURST_DAY_PROBABILITY)) / BURST_DAY_PROBABILITY;
/** A growing consumer uses this multiple of their mean at the start of the run... */
export const GROWTH_START = 0.6;
/** ...rising linearly to this at its end (a new baby, a home office). */
export const GROWTH_END = 1.8;

interface KindSpec {
  /** Typical mean use events per day. */
  eventsPerDay: number;
  /** Two weekday shapes (Sunday first): a workday-heavy one and a weekend-heavy one. */
  weekdayShapes: readonly (readonly number[])[];
  slots: (random: Random) => Omit<SlotSpec, 'packSize' | 'initialLevel' | 'initialSpare' | 'refill'>[];
  /** Whether the owner can top the slot up before it is empty (a cartridge can only be replaced). */
  canTopUp: boolean;
}

// Capacities and default daily uses are the catalog's model templates
// (services/catalog/src/domain/model-templates.ts), so the policy sees what a real model would give it.
const KINDS: Readonly<Record<DeviceKind, KindSpec>> = {
  printer: {
    // 20 pages a day at 0.075 % of a black cartridge each: the template's 1.5 % a day.
    eventsPerDay: 20,
    weekdayShapes: [
      [0.1, 1.4, 1.4, 1.4, 1.4, 1.3, 0.1],
      [1.8, 0.7, 0.7, 0.7, 0.7, 0.8, 1.6],
    ],
    slots: () => [
      { slotId: 'black_ink', unitType: 'percentage', capacity: 100, defaultDailyUse: 1.5, dose: 0.075, share: 1 },
    ],
    canTopUp: false,
  },
  washing_machine: {
    eventsPerDay: 0.9,
    weekdayShapes: [
      [1.6, 0.6, 0.5, 0.6, 0.5, 0.7, 2.5],
      [0.3, 1.4, 1.2, 1.4, 1.2, 1.2, 0.3],
    ],
    // Detergent on every load, softener on a share of them: the two slots move together.
    slots: (random) => [
      {
        slotId: 'detergent',
        unitType: 'volume',
        capacity: 1500,
        defaultDailyUse: 75,
        dose: random.between(60, 90),
        share: 1,
      },
      {
        slotId: 'softener',
        unitType: 'volume',
        capacity: 1000,
        defaultDailyUse: 35,
        dose: random.between(30, 40),
        share: random.between(0.4, 1),
      },
    ],
    canTopUp: true,
  },
  dishwasher: {
    eventsPerDay: 0.8,
    weekdayShapes: [
      [1.6, 0.8, 0.8, 0.8, 0.8, 1.0, 1.6],
      [0.5, 1.2, 1.2, 1.2, 1.2, 1.2, 0.5],
    ],
    slots: () => [{ slotId: 'tablets', unitType: 'count', capacity: 60, defaultDailyUse: 1, dose: 1, share: 1 }],
    canTopUp: true,
  },
  coffee_machine: {
    eventsPerDay: 2.5,
    weekdayShapes: [
      [0.4, 1.3, 1.3, 1.3, 1.3, 1.2, 0.4],
      [1.8, 0.8, 0.8, 0.8, 0.8, 0.8, 1.6],
    ],
    slots: () => [{ slotId: 'pods', unitType: 'count', capacity: 50, defaultDailyUse: 3, dose: 1, share: 1 }],
    canTopUp: true,
  },
};

/** Owners choose a pack that lasts about this long at their use when they subscribe. */
const PACK_TARGET_DAYS = 21;

function normalised(weights: readonly number[]): number[] {
  const mean = weights.reduce((a, w) => a + w, 0) / weights.length;
  return weights.map((w) => w / mean);
}

/** Holidays as day ranges of the whole run (warm-up included), from day-of-year windows. */
function drawHolidays(random: Random, calendar: SimCalendar): [number, number][] {
  const holidays: [number, number][] = [];
  const total = calendar.warmupDays + calendar.days;
  // Day-of-year 0 is the first measured day; the warm-up holds the end of the previous year.
  const toRunDay = (dayOfYear: number) => calendar.warmupDays + dayOfYear;
  if (random.chance(0.7)) {
    const start = random.int(182, 235); // a summer holiday, July to late August
    holidays.push([toRunDay(start), toRunDay(start + random.int(7, 21) - 1)]);
  }
  if (random.chance(0.4)) {
    // Christmas away, in the warm-up's December and in the measured one.
    holidays.push([toRunDay(-9), toRunDay(-1)]);
    holidays.push([toRunDay(356), toRunDay(364)]);
  }
  if (random.chance(0.5)) {
    const start = random.int(0, calendar.days - 7);
    holidays.push([toRunDay(start), toRunDay(start + random.int(3, 6) - 1)]);
  }
  return holidays
    .map(([a, b]): [number, number] => [Math.max(0, a), Math.min(total - 1, b)])
    .filter(([a, b]) => a <= b);
}

/** Device `index` of the population drawn from `seed`; the same on every machine and in every worker. */
export function drawDevice(seed: number, index: number, calendar: SimCalendar): SimDevice {
  const random = randomStream(seed, index, 'device');
  const kind = DEVICE_KINDS[index % DEVICE_KINDS.length]!;
  const spec = KINDS[kind];
  const pattern = random.pick(CONSUMER_PATTERNS);
  // Households differ a lot: log-normal around the typical use, kept within a plausible range.
  const scale = Math.min(2.5, Math.max(0.4, Math.exp(0.35 * random.normal())));
  const eventsPerDay = spec.eventsPerDay * scale;
  const weekdayWeights =
    pattern === 'weekday-heavy' ? normalised(random.pick(spec.weekdayShapes)) : [1, 1, 1, 1, 1, 1, 1];
  const holidays = drawHolidays(random, calendar);
  // Most addresses get parcels in 2 to 4 days; a few next day, a few (rural, islands) in 5 or 6.
  const baseLeadDays = random.pick([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]);
  const slots = spec.slots(random).map((slot): SlotSpec => {
    const dailyUse = eventsPerDay * slot.dose * slot.share;
    const packSize = Math.max(1, Math.ceil((PACK_TARGET_DAYS * dailyUse) / slot.capacity)) * slot.capacity;
    const refill: RefillHabit =
      spec.canTopUp && random.chance(0.5)
        ? { kind: 'top-up', belowFraction: random.between(0.1, 0.35) }
        : { kind: 'at-empty' };
    return {
      ...slot,
      packSize,
      refill,
      initialLevel: random.between(0.2, 1) * slot.capacity,
      initialSpare: random.chance(0.3) ? packSize : 0,
    };
  });
  return {
    index,
    deviceId: `sim-${kind}-${index}`,
    kind,
    pattern,
    eventsPerDay,
    weekdayWeights,
    holidays,
    baseLeadDays,
    slots,
  };
}

/** The device's expected use events on run day `day` (no holiday, burst or noise): its mean shaped by growth. */
export function expectedEventsOn(device: SimDevice, day: number, totalDays: number): number {
  if (device.pattern !== 'growing') return device.eventsPerDay;
  return device.eventsPerDay * (GROWTH_START + ((GROWTH_END - GROWTH_START) * day) / Math.max(1, totalDays - 1));
}

/**
 * What each slot of the device is asked for on each run day: `demand[slot][day]`, canonical unit.
 * Drawn once per device from its own stream, so both policies see the same days.
 */
export function drawDemand(seed: number, device: SimDevice, calendar: SimCalendar, weekdayOfDay0: number) {
  const random = randomStream(seed, device.index, 'demand');
  const total = calendar.warmupDays + calendar.days;
  const demand = device.slots.map(() => new Float64Array(total));
  const away = new Uint8Array(total);
  for (const [first, last] of device.holidays) for (let d = first; d <= last; d++) away[d] = 1;
  for (let day = 0; day < total; day++) {
    let lambda = expectedEventsOn(device, day, total) * (device.weekdayWeights[(weekdayOfDay0 + day) % 7] ?? 1);
    if (device.pattern === 'bursty') {
      lambda *= random.chance(BURST_DAY_PROBABILITY) ? BURST_FACTOR : BURST_QUIET_FACTOR;
    }
    // Draw even on holidays, so a holiday does not shift the rest of the stream.
    const events = random.poisson(lambda);
    device.slots.forEach((slot, s) => {
      let using = events;
      if (slot.share < 1) {
        using = 0;
        for (let e = 0; e < events; e++) if (random.next() < slot.share) using++;
      }
      const row = demand[s];
      if (row && away[day] === 0) row[day] = using * slot.dose;
    });
  }
  return demand;
}
