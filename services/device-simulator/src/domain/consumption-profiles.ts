import { type Random, randomStream, uniformOf } from './random.js';

/**
 * How simulated households use their devices: when (hour of day, weekday, bursts) and how much per
 * use (a print job, a wash load, a dishwasher run, a cup). Pure: the same profile, interval and
 * random stream always give the same uses.
 */

export type DeviceKind = 'printer' | 'washing_machine' | 'dishwasher' | 'coffee_machine';
export const DEVICE_KINDS: readonly DeviceKind[] = ['printer', 'washing_machine', 'dishwasher', 'coffee_machine'];

/** steady: the same every day; weekday: a weekly rhythm (office printer, Saturday laundry); bursty: quiet days and heavy ones. */
export type ConsumerPattern = 'steady' | 'weekday' | 'bursty';
export const CONSUMER_PATTERNS: readonly ConsumerPattern[] = ['steady', 'weekday', 'bursty'];

/** What one use takes from one slot. */
export interface SlotUse {
  /** A slot id of the catalog's template for the kind. */
  slotId: string;
  /** Mean quantity per use, canonical unit (percent, ml, g, count). */
  dose: number;
  /** Share of uses that touch the slot (softener is not added to every load). */
  share: number;
  /** Relative spread of the dose either side of the mean (a long print job, a big load). */
  spread: number;
}

export interface ConsumptionProfile {
  kind: DeviceKind;
  pattern: ConsumerPattern;
  /** Mean uses per day before the weekday, hour and burst shaping. */
  usesPerDay: number;
  /** Multipliers per UTC weekday, Sunday first, mean 1. */
  weekday: readonly number[];
  /** Multipliers per UTC hour, mean 1. */
  hourly: readonly number[];
  slots: readonly SlotUse[];
  /** Seed of the per-day burst draw of a bursty consumer. */
  burstSeed: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A bursty consumer's day is a burst with this probability... */
export const BURST_PROBABILITY = 0.1;
/** ...and runs at this multiple of the mean then... */
export const BURST_FACTOR = 5.5;
/** ...and at this fraction otherwise, so the long-run mean is the profile's. */
export const QUIET_FACTOR = (1 - BURST_PROBABILITY * BURST_FACTOR) / (1 - BURST_PROBABILITY);

function meanOne(values: readonly number[]): number[] {
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  return values.map((v) => v / mean);
}

/** 24 hourly weights: a low base all day, plus `weight` in each [from, to) hour window. */
function hours(...windows: readonly [from: number, to: number, weight: number][]): number[] {
  const shape = Array.from({ length: 24 }, () => 0.05);
  for (const [from, to, weight] of windows) for (let h = from; h < to; h++) shape[h] = (shape[h] ?? 0) + weight;
  return meanOne(shape);
}

interface KindHabits {
  usesPerDay: number;
  /** The weekly rhythm of a `weekday` consumer, Sunday first. */
  weekday: readonly number[];
  hourly: readonly number[];
  slots: readonly SlotUse[];
}

// Doses follow the catalog's model templates (services/catalog/src/domain/model-templates.ts): the
// same slot ids, and uses per day that give about the templates' default daily use.
const HABITS: Readonly<Record<DeviceKind, KindHabits>> = {
  printer: {
    usesPerDay: 2.5, // print jobs of about 8 pages
    weekday: [0.1, 1.4, 1.4, 1.4, 1.4, 1.2, 0.1],
    hourly: hours([8, 12, 1], [13, 18, 1]),
    slots: [
      { slotId: 'black_ink', dose: 0.6, share: 1, spread: 0.8 },
      { slotId: 'cyan_ink', dose: 0.4, share: 0.35, spread: 0.8 },
      { slotId: 'magenta_ink', dose: 0.4, share: 0.35, spread: 0.8 },
      { slotId: 'yellow_ink', dose: 0.4, share: 0.35, spread: 0.8 },
    ],
  },
  washing_machine: {
    usesPerDay: 0.9, // loads
    weekday: [1.6, 0.6, 0.5, 0.6, 0.5, 0.7, 2.5],
    hourly: hours([8, 12, 1], [17, 21, 0.8]),
    slots: [
      { slotId: 'detergent', dose: 75, share: 1, spread: 0.15 },
      { slotId: 'softener', dose: 35, share: 0.7, spread: 0.15 },
      { slotId: 'bleach', dose: 20, share: 0.15, spread: 0.2 },
    ],
  },
  dishwasher: {
    usesPerDay: 0.8, // runs
    weekday: [1.6, 0.8, 0.8, 0.8, 0.8, 1.0, 1.6],
    hourly: hours([13, 15, 0.6], [19, 23, 1]),
    slots: [
      { slotId: 'tablets', dose: 1, share: 1, spread: 0 },
      { slotId: 'rinse_aid', dose: 4, share: 1, spread: 0.1 },
      { slotId: 'salt', dose: 30, share: 1, spread: 0.2 },
    ],
  },
  coffee_machine: {
    usesPerDay: 2.5, // cups
    weekday: [0.4, 1.3, 1.3, 1.3, 1.3, 1.2, 0.4],
    hourly: hours([6, 9, 1.5], [13, 16, 0.6]),
    slots: [{ slotId: 'pods', dose: 1, share: 1, spread: 0 }],
  },
};

/** Slot ids whose dose is a whole count: a tablet or a pod is never split. */
function isWhole(slot: SlotUse): boolean {
  return slot.spread === 0 && Number.isInteger(slot.dose);
}

/**
 * The household of device `index` under `seed`: its kind's habits, one of the three patterns, and
 * a use level between 0.4 and 2.5 times the typical one (households differ that much).
 */
export function profileFor(seed: number, index: number, kind: DeviceKind): ConsumptionProfile {
  const random = randomStream(seed, 'household', index);
  const habits = HABITS[kind];
  const pattern = random.pick(CONSUMER_PATTERNS);
  // Roughly log-normal: the sum of three uniforms is close to normal and needs no tables.
  const normal = (random.next() + random.next() + random.next() - 1.5) * 2;
  const scale = Math.min(2.5, Math.max(0.4, Math.exp(0.35 * normal)));
  return {
    kind,
    pattern,
    usesPerDay: habits.usesPerDay * scale,
    weekday: pattern === 'weekday' ? meanOne(habits.weekday) : [1, 1, 1, 1, 1, 1, 1],
    hourly: habits.hourly,
    slots: habits.slots,
    burstSeed: Math.floor(random.next() * 2 ** 32),
  };
}

/** A bursty consumer's multiplier on the UTC day of `simMs`; 1 for the others. */
export function burstFactorOn(profile: ConsumptionProfile, simMs: number): number {
  if (profile.pattern !== 'bursty') return 1;
  const day = Math.floor(simMs / DAY_MS);
  return uniformOf(profile.burstSeed, day) < BURST_PROBABILITY ? BURST_FACTOR : QUIET_FACTOR;
}

/** Expected uses per hour at simulated instant `simMs`. */
export function usesPerHourAt(profile: ConsumptionProfile, simMs: number): number {
  const at = new Date(simMs);
  return (
    (profile.usesPerDay / 24) *
    (profile.weekday[at.getUTCDay()] ?? 1) *
    (profile.hourly[at.getUTCHours()] ?? 1) *
    burstFactorOn(profile, simMs)
  );
}

/**
 * The instants (simulated ms, ascending) of the uses in [fromMs, toMs): a Poisson process whose
 * rate changes hour by hour, drawn one hour-slice at a time.
 */
export function drawUseTimes(profile: ConsumptionProfile, fromMs: number, toMs: number, random: Random): number[] {
  const times: number[] = [];
  let cursor = fromMs;
  while (cursor < toMs) {
    const sliceEnd = Math.min(toMs, (Math.floor(cursor / HOUR_MS) + 1) * HOUR_MS);
    const expected = usesPerHourAt(profile, cursor) * ((sliceEnd - cursor) / HOUR_MS);
    const count = random.poisson(expected);
    const slice: number[] = [];
    for (let i = 0; i < count; i++) slice.push(cursor + random.next() * (sliceEnd - cursor));
    times.push(...slice.sort((a, b) => a - b));
    cursor = sliceEnd;
  }
  return times;
}

/** What one use takes from each slot it touches, canonical unit; slots it skips are absent. */
export function drawUse(profile: ConsumptionProfile, random: Random): { slotId: string; quantity: number }[] {
  const taken: { slotId: string; quantity: number }[] = [];
  for (const slot of profile.slots) {
    if (random.next() >= slot.share) continue;
    const quantity = isWhole(slot)
      ? slot.dose
      : Math.round(slot.dose * (1 + slot.spread * (2 * random.next() - 1)) * 1000) / 1000;
    if (quantity > 0) taken.push({ slotId: slot.slotId, quantity });
  }
  return taken;
}
