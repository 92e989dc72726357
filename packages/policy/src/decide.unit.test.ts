import { describe, expect, it } from 'vitest';
import { addDays, utcDay } from './calendar.js';
import { decide } from './decide.js';
import { policySettings } from './settings.js';
import type { DailyUse, SlotHistory, SlotState } from './types.js';

// A Wednesday at midnight UTC: whole days behind it, none of today elapsed.
const NOW = new Date('2026-03-04T00:00:00Z');
const TODAY = utcDay(NOW);

/** `perDay(i)` of use on each of the `days` complete days before NOW (i = 0 is the oldest). */
function history(days: number, perDay: (i: number, day: string) => number, extra: Partial<SlotHistory> = {}) {
  const dailyUse: DailyUse[] = [];
  for (let i = 0; i < days; i++) {
    const day = addDays(TODAY, i - days);
    dailyUse.push({ day, quantity: perDay(i, day) });
  }
  return {
    trackedSince: addDays(TODAY, -days),
    dailyUse,
    lastCancellation: null,
    lastFailedRequestAt: null,
    ...extra,
  } satisfies SlotHistory;
}

const NO_HISTORY: SlotHistory = { trackedSince: null, dailyUse: [], lastCancellation: null, lastFailedRequestAt: null };

function state(overrides: Partial<SlotState> = {}): SlotState {
  return {
    stockOnHand: 20,
    registered: true,
    subscription: { subscribed: true },
    openOrder: null,
    defaultDailyUse: 1,
    marketplace: 'US',
    daysOfCover: null,
    ...overrides,
  };
}

const guide = policySettings({ rule: 'guide' });
const adaptive = policySettings({ rule: 'adaptive' });

describe('the guide rule', () => {
  // The guide's sample: 50 pods used in 20 days, 20 pods left, 7 days of cover. Its comment says
  // "2.5*7 = 15 (reordering threshold)", but 2.5 x 7 is 17.5: the 15 is an arithmetic slip. 17.5 is
  // right by the guide's own definition (a week of use at 2.5 pods a day); ordering only at 15 would
  // leave 6 days of cover, less than the 7 the guide recommends for 5 days of shipping plus margin.
  const guideExample = history(20, (i) => (i % 2 === 0 ? 3 : 2)); // 50 pods over 20 days

  it("puts the worked example's threshold at 17.5 pods, not the 15 the guide's comment says (2.5 x 7 = 17.5)", () => {
    const decision = decide(guideExample, state({ stockOnHand: 20 }), guide, NOW);
    expect(decision.reason.burnRatePerDay).toBe(2.5);
    expect(decision.reason.windowDays).toBe(20);
    expect(decision.reason.daysOfCover).toBe(7);
    expect(decision.reason.threshold).toBe(17.5);
    expect(decision.reason.daysLeft).toBe(8);
    expect(decision.reason.runOutAt).toBe('2026-03-12T00:00:00.000Z');
    expect(decision).toMatchObject({ order: false, reason: { rule: 'above-threshold', policy: 'guide' } });
  });

  it('orders at 17 pods, which the mistaken threshold of 15 would not, and at exactly the threshold', () => {
    expect(decide(guideExample, state({ stockOnHand: 17 }), guide, NOW).order).toBe(true);
    expect(decide(guideExample, state({ stockOnHand: 17.5 }), guide, NOW)).toMatchObject({
      order: true,
      reason: { rule: 'below-threshold' },
    });
    expect(decide(guideExample, state({ stockOnHand: 17.6 }), guide, NOW).order).toBe(false);
  });

  it("takes the customer's days of cover for the slot over the default, and a marketplace's over 7", () => {
    expect(decide(guideExample, state({ daysOfCover: 10 }), guide, NOW).reason.threshold).toBe(25);
    const uk = policySettings({ rule: 'guide', daysOfCoverByMarketplace: { UK: 4 } });
    expect(decide(guideExample, state({ marketplace: 'uk' }), uk, NOW).reason.threshold).toBe(10);
  });

  it("uses the model's default daily use while the slot has less history than the minimum", () => {
    const young = history(2, () => 9);
    const decision = decide(young, state({ defaultDailyUse: 1.5 }), guide, NOW);
    expect(decision.reason).toMatchObject({ burnRatePerDay: 1.5, rateSource: 'default', windowDays: 0 });
    expect(decision.reason.threshold).toBe(10.5);
  });

  it('counts today with the part of it that has passed', () => {
    const noon = new Date('2026-03-04T12:00:00Z');
    const h = history(4, () => 2);
    const withToday = { ...h, dailyUse: [...h.dailyUse, { day: TODAY, quantity: 1 }] };
    expect(decide(withToday, state(), guide, noon).reason).toMatchObject({ burnRatePerDay: 2, windowDays: 4.5 });
  });
});

describe('whatever the numbers, the policy never orders', () => {
  const low = state({ stockOnHand: 0 });
  const h = history(20, () => 2.5);

  it('while the subscription of the slot is paused', () => {
    for (const settings of [guide, adaptive]) {
      expect(decide(h, { ...low, subscription: { subscribed: false } }, settings, NOW)).toMatchObject({
        order: false,
        reason: { rule: 'subscription-paused' },
      });
    }
  });

  it('while the slot has no subscription at all', () => {
    expect(decide(h, { ...low, subscription: null }, adaptive, NOW)).toMatchObject({
      order: false,
      reason: { rule: 'no-subscription' },
    });
  });

  it('while the device is not registered with DRS', () => {
    expect(decide(h, { ...low, registered: false }, adaptive, NOW)).toMatchObject({
      order: false,
      reason: { rule: 'not-registered' },
    });
  });

  it('while an order of the slot is requested, placed or shipped', () => {
    for (const openState of ['requested', 'placed', 'shipped'] as const) {
      expect(decide(h, { ...low, openOrder: { state: openState } }, guide, NOW)).toMatchObject({
        order: false,
        reason: { rule: 'order-open' },
      });
    }
  });
});

describe('a new device without history', () => {
  it("decides on the model's default daily use, under both rules", () => {
    const s = state({ stockOnHand: 5, defaultDailyUse: 1 });
    expect(decide(NO_HISTORY, s, guide, NOW)).toMatchObject({
      order: true,
      reason: { burnRatePerDay: 1, rateSource: 'default', threshold: 7, daysLeft: 5 },
    });
    expect(decide(NO_HISTORY, s, adaptive, NOW)).toMatchObject({
      order: true,
      reason: { burnRatePerDay: 1, rateSource: 'default', threshold: 6, safetyStock: 0 },
    });
  });

  it('moves from the default towards its own use as days accumulate, without a jump', () => {
    const rates = [1, 2, 4, 8, 16].map(
      (days) =>
        decide(
          history(days, () => 3),
          state({ defaultDailyUse: 1 }),
          adaptive,
          NOW,
        ).reason.burnRatePerDay,
    );
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeGreaterThan(rates[i - 1]!);
    expect(rates[0]!).toBeGreaterThan(1);
    expect(rates.at(-1)!).toBeGreaterThan(2.95);
    expect(rates.at(-1)!).toBeLessThanOrEqual(3);
  });

  it('has no run-out date when it uses nothing and its model assumes nothing', () => {
    const decision = decide(NO_HISTORY, state({ defaultDailyUse: 0 }), adaptive, NOW);
    expect(decision.reason).toMatchObject({ daysLeft: null, runOutAt: null, threshold: 0, rule: 'above-threshold' });
  });
});

describe('after a cancellation', () => {
  const h = (cancelledAt: string, stockOnHand: number) =>
    history(20, () => 2.5, { lastCancellation: { at: cancelledAt, stockOnHand } });

  it('does not order again within the cool-down while the stock holds', () => {
    const decision = decide(h('2026-03-02T12:00:00Z', 16), state({ stockOnHand: 15 }), guide, NOW);
    expect(decision).toMatchObject({ order: false, reason: { rule: 'cancellation-cool-down', threshold: 17.5 } });
  });

  it('orders within the cool-down when the stock keeps falling below the threshold', () => {
    // Half the threshold (8.75) below the 16 on hand at the cancellation.
    expect(decide(h('2026-03-02T12:00:00Z', 16), state({ stockOnHand: 7.25 }), guide, NOW).order).toBe(true);
    expect(decide(h('2026-03-02T12:00:00Z', 16), state({ stockOnHand: 7.3 }), guide, NOW).order).toBe(false);
  });

  it('orders again once the cool-down is over', () => {
    expect(decide(h('2026-02-28T23:59:59Z', 16), state({ stockOnHand: 15 }), guide, NOW).order).toBe(true);
  });
});

it('waits the retry delay after an attempt that ended without an order', () => {
  const failed = (at: string) => history(20, () => 2.5, { lastFailedRequestAt: at });
  expect(decide(failed('2026-03-03T20:00:00Z'), state({ stockOnHand: 1 }), guide, NOW).reason.rule).toBe(
    'retry-backoff',
  );
  expect(decide(failed('2026-03-03T17:59:59Z'), state({ stockOnHand: 1 }), guide, NOW).order).toBe(true);
});

describe('a percentage slot (ink)', () => {
  // 1.5 percentage points a day; 12 % left in the cartridge and no spare.
  const ink = history(20, () => 1.5);

  it('orders when the level in percent falls to a week of use', () => {
    expect(decide(ink, state({ stockOnHand: 12, defaultDailyUse: 0.5 }), guide, NOW)).toMatchObject({
      order: false,
      reason: { burnRatePerDay: 1.5, threshold: 10.5, daysLeft: 8 },
    });
    expect(decide(ink, state({ stockOnHand: 10.5 }), guide, NOW).order).toBe(true);
  });

  it('counts a spare cartridge as a whole 100 % in the stock on hand', () => {
    expect(decide(ink, state({ stockOnHand: 110 }), adaptive, NOW)).toMatchObject({
      order: false,
      reason: { rule: 'above-threshold' },
    });
  });
});

describe('the adaptive rule', () => {
  it('follows a change of habit within days where the guide still averages the whole window', () => {
    // 1 a day for three weeks, then 4 a day for the last week.
    const h = history(28, (i) => (i < 21 ? 1 : 4));
    const g = decide(h, state(), guide, NOW).reason.burnRatePerDay;
    const a = decide(h, state(), adaptive, NOW).reason.burnRatePerDay;
    expect(g).toBe(1.75);
    expect(a).toBeGreaterThan(2.5);
  });

  it("covers the marketplace's lead time, or the customer's longer preference", () => {
    const h = history(28, () => 2);
    const uk = policySettings({ rule: 'adaptive', leadTimeDaysByMarketplace: { UK: 3 } });
    expect(decide(h, state({ marketplace: 'UK' }), uk, NOW).reason).toMatchObject({ daysOfCover: 3, threshold: 6 });
    expect(decide(h, state({ marketplace: 'US' }), uk, NOW).reason).toMatchObject({ daysOfCover: 6, threshold: 12 });
    expect(decide(h, state({ marketplace: 'UK', daysOfCover: 9 }), uk, NOW).reason.daysOfCover).toBe(9);
    expect(decide(h, state({ marketplace: 'UK', daysOfCover: 1 }), uk, NOW).reason.daysOfCover).toBe(3);
  });

  it('keeps a larger safety stock for an erratic user than for a steady one with the same mean', () => {
    const steady = decide(
      history(28, () => 2),
      state(),
      adaptive,
      NOW,
    ).reason;
    const erratic = decide(
      history(28, (i) => (i % 4 === 0 ? 8 : 0)),
      state(),
      adaptive,
      NOW,
    ).reason;
    expect(steady.safetyStock).toBe(0);
    expect(erratic.safetyStock).toBeGreaterThan(5);
    expect(erratic.threshold).toBeGreaterThan(steady.threshold);
  });

  it('learns a weekday pattern and expects the heavy days within the lead time', () => {
    // A washing machine used only on Saturdays: 6 doses each Saturday, nothing else.
    const saturdays = history(28, (_i, day) => (new Date(`${day}T00:00:00Z`).getUTCDay() === 6 ? 6 : 0));
    const decision = decide(saturdays, state({ stockOnHand: 100 }), adaptive, NOW);
    const factors = decision.reason.weekdayFactors!;
    expect(factors).toHaveLength(7);
    expect(factors[6]!).toBeGreaterThan(3);
    expect(factors[3]!).toBeLessThan(0.5);
    expect(decision.reason.burnRatePerDay).toBeCloseTo(6 / 7, 1);

    // From a Wednesday, the next Saturday is in reach, so the stock runs out on a Saturday.
    const low = decide(saturdays, state({ stockOnHand: 3 }), adaptive, NOW).reason;
    expect(new Date(low.runOutAt!).getUTCDay()).toBe(6);
    // A lead time that ends before the next Saturday expects far less use than one that spans it.
    const short = policySettings({ rule: 'adaptive', defaultLeadTimeDays: 2 });
    expect(decide(saturdays, state(), short, NOW).reason.threshold).toBeLessThan(
      decide(saturdays, state(), short, new Date('2026-03-06T00:00:00Z')).reason.threshold,
    );
  });

  it('does not see a pattern in less than two weeks of history', () => {
    const h = history(10, (_i, day) => (new Date(`${day}T00:00:00Z`).getUTCDay() === 6 ? 6 : 0));
    expect(decide(h, state(), adaptive, NOW).reason.weekdayFactors).toBeNull();
  });
});

describe('determinism', () => {
  it('gives the same decision for the same inputs, whatever the order of the daily use, and changes no input', () => {
    const h = history(28, (i) => (i * 7) % 5);
    const shuffled: SlotHistory = { ...h, dailyUse: [...h.dailyUse].reverse() };
    const frozen = structuredClone(h);
    for (const settings of [guide, adaptive]) {
      const first = decide(h, state({ stockOnHand: 9 }), settings, NOW);
      expect(decide(h, state({ stockOnHand: 9 }), settings, NOW)).toEqual(first);
      expect(decide(shuffled, state({ stockOnHand: 9 }), settings, NOW)).toEqual(first);
    }
    expect(h).toEqual(frozen);
  });

  it('depends on the time it is given, not on the clock', () => {
    const h = history(28, () => 2);
    const a = decide(h, state(), adaptive, new Date('2026-03-04T06:00:00Z'));
    const b = decide(h, state(), adaptive, new Date('2026-03-04T06:00:00Z'));
    expect(a).toEqual(b);
    expect(a.reason.runOutAt).toBe('2026-03-14T06:00:00.000Z');
  });
});
