import { describe, expect, it } from 'vitest';
import { simulationFigures } from './figures.js';
import type { SimCalendar } from './population.js';
import { type DeviceRow, POLICY_RULES, type SimulationOptions, simulateRange } from './simulate-population.js';

// Small enough to run in a second or two, large enough to hold every kind, consumer and event.
const calendar: SimCalendar = { warmupDays: 28, days: 120, firstDay: '2026-01-01' };
const DEVICES = 300;

function run(seed: number, overrides: Partial<SimulationOptions> = {}, devices = DEVICES): DeviceRow[] {
  return simulateRange(
    { seed, devices, calendar, screen: true, auditRate: 0.01, chartDevice: null, ...overrides },
    0,
    devices,
  ).rows;
}

/** What a run decided, without its bookkeeping of how often the policy was asked. */
function outcomes(rows: readonly DeviceRow[]) {
  return rows.map((row) =>
    POLICY_RULES.map((rule) => {
      const { decisions: _decisions, audits: _audits, ...outcome } = row.byRule[rule];
      return outcome;
    }),
  );
}

describe('the replenishment simulation', () => {
  const first = run(42);
  const figures = simulationFigures(first, calendar.days);

  it('gives identical figures for the same seed, and different ones for another seed', () => {
    expect(simulationFigures(run(42), calendar.days)).toEqual(figures);
    expect(simulationFigures(run(43), calendar.days)).not.toEqual(figures);
  });

  it('gives the same rows however the devices are split between workers', () => {
    const split = [
      ...simulateRange(
        { seed: 42, devices: DEVICES, calendar, screen: true, auditRate: 0.01, chartDevice: null },
        0,
        137,
      ).rows,
      ...simulateRange(
        { seed: 42, devices: DEVICES, calendar, screen: true, auditRate: 0.01, chartDevice: null },
        137,
        DEVICES,
      ).rows,
    ];
    expect(split).toEqual(first);
  });

  it('never has the policy order while an order of the slot is open, under either rule', () => {
    for (const rule of POLICY_RULES) {
      expect(figures.byPolicy[rule].ordersPerDeviceYear).toBeGreaterThan(0);
      expect(figures.byPolicy[rule].cancelledPerDeviceYear).toBeGreaterThan(0);
      expect(figures.byPolicy[rule].duplicateOrders).toBe(0);
    }
  });

  it('leaves the adaptive rule with no more stockout days than the guide rule on the same population', () => {
    const { guide, adaptive } = figures.byPolicy;
    expect(guide.stockoutDaysPerDeviceYear).toBeGreaterThan(0);
    expect(adaptive.stockoutDaysPerDeviceYear).toBeLessThanOrEqual(guide.stockoutDaysPerDeviceYear);
  });

  it('decides exactly as asking the policy every day would: the threshold screen skips only days without an order', () => {
    const devices = 60;
    const screened = run(7, { auditRate: 0 }, devices);
    const exhaustive = run(7, { screen: false, auditRate: 0 }, devices);
    expect(outcomes(screened)).toEqual(outcomes(exhaustive));
    const asked = (rows: readonly DeviceRow[]) =>
      rows.reduce((n, r) => n + r.byRule.adaptive.decisions + r.byRule.guide.decisions, 0);
    expect(asked(screened)).toBeLessThan(asked(exhaustive) / 5);
    for (const rule of POLICY_RULES) expect(figures.byPolicy[rule].screenMisses).toBe(0);
    expect(figures.byPolicy.adaptive.audits).toBeGreaterThan(0);
  });
});
