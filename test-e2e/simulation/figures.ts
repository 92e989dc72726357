import type { PolicyRule } from '@restock/policy';
import { CONSUMER_PATTERNS, DEVICE_KINDS } from './population.js';
import { type DeviceRow, POLICY_RULES } from './simulate-population.js';

/**
 * The figures of a run, per policy. Sums are taken in device order, so the figures are the same
 * however the devices were split between worker processes.
 */
export interface PolicyFigures {
  devices: number;
  deviceYears: number;
  /** Device-days on which some slot could not serve its household, per device-year. */
  stockoutDaysPerDeviceYear: number;
  /** The same per slot (a washing machine has two). */
  slotStockoutDaysPerDeviceYear: number;
  ordersPerDeviceYear: number;
  cancelledPerDeviceYear: number;
  deliveries: number;
  /**
   * Days of expected use still in the slot (level + shelf) when a delivery arrived: what the order
   * added beyond need is excess stock carried; 0 means it arrived after the slot had run dry.
   */
  coverOnArrivalDays: { mean: number; p10: number; p50: number; p90: number };
  /** Share of deliveries that came after the slot had run dry. */
  lateDeliveryShare: number;
  /** Orders the policy asked for while one was open for the slot: must be 0. */
  duplicateOrders: number;
  /** Calls to `decide`, and the audit of the days the threshold screen skipped. */
  decisions: number;
  audits: number;
  screenMisses: number;
}

export interface BreakdownRow {
  group: string;
  devices: number;
  stockoutDaysPerDeviceYear: Record<PolicyRule, number>;
  ordersPerDeviceYear: Record<PolicyRule, number>;
  meanCoverOnArrivalDays: Record<PolicyRule, number>;
}

export interface SimulationFigures {
  byPolicy: Record<PolicyRule, PolicyFigures>;
  byKind: BreakdownRow[];
  byPattern: BreakdownRow[];
}

/** Rounded for JSON and tables: six decimals is far below any difference worth reading. */
function r6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

function policyFigures(rows: readonly DeviceRow[], rule: PolicyRule, measuredDays: number): PolicyFigures {
  const deviceYears = (rows.length * measuredDays) / 365;
  let stockoutDays = 0;
  let slotStockoutDays = 0;
  let orders = 0;
  let cancelled = 0;
  let duplicates = 0;
  let decisions = 0;
  let audits = 0;
  let screenMisses = 0;
  const covers: number[] = [];
  for (const row of rows) {
    const o = row.byRule[rule];
    stockoutDays += o.stockoutDays;
    slotStockoutDays += o.slotStockoutDays;
    orders += o.orders;
    cancelled += o.cancelled;
    duplicates += o.duplicates;
    decisions += o.decisions;
    audits += o.audits;
    screenMisses += o.screenMisses;
    for (const cover of o.coverOnArrival) covers.push(cover);
  }
  const mean = covers.length === 0 ? 0 : covers.reduce((a, c) => a + c, 0) / covers.length;
  const sorted = [...covers].sort((a, b) => a - b);
  const per = (n: number) => (deviceYears === 0 ? 0 : r6(n / deviceYears));
  return {
    devices: rows.length,
    deviceYears: r6(deviceYears),
    stockoutDaysPerDeviceYear: per(stockoutDays),
    slotStockoutDaysPerDeviceYear: per(slotStockoutDays),
    ordersPerDeviceYear: per(orders),
    cancelledPerDeviceYear: per(cancelled),
    deliveries: covers.length,
    coverOnArrivalDays: {
      mean: r6(mean),
      p10: r6(percentile(sorted, 0.1)),
      p50: r6(percentile(sorted, 0.5)),
      p90: r6(percentile(sorted, 0.9)),
    },
    lateDeliveryShare: covers.length === 0 ? 0 : r6(covers.filter((c) => c <= 1e-9).length / covers.length),
    duplicateOrders: duplicates,
    decisions,
    audits,
    screenMisses,
  };
}

function breakdown(group: string, rows: readonly DeviceRow[], measuredDays: number): BreakdownRow {
  const byRule = Object.fromEntries(POLICY_RULES.map((rule) => [rule, policyFigures(rows, rule, measuredDays)]));
  const pick = (f: (p: PolicyFigures) => number) =>
    Object.fromEntries(POLICY_RULES.map((rule) => [rule, f(byRule[rule]!)])) as Record<PolicyRule, number>;
  return {
    group,
    devices: rows.length,
    stockoutDaysPerDeviceYear: pick((p) => p.stockoutDaysPerDeviceYear),
    ordersPerDeviceYear: pick((p) => p.ordersPerDeviceYear),
    meanCoverOnArrivalDays: pick((p) => p.coverOnArrivalDays.mean),
  };
}

export function simulationFigures(rows: readonly DeviceRow[], measuredDays: number): SimulationFigures {
  const ordered = [...rows].sort((a, b) => a.index - b.index);
  return {
    byPolicy: Object.fromEntries(
      POLICY_RULES.map((rule) => [rule, policyFigures(ordered, rule, measuredDays)]),
    ) as Record<PolicyRule, PolicyFigures>,
    byKind: DEVICE_KINDS.map((kind) =>
      breakdown(
        kind,
        ordered.filter((r) => r.kind === kind),
        measuredDays,
      ),
    ),
    byPattern: CONSUMER_PATTERNS.map((pattern) =>
      breakdown(
        pattern,
        ordered.filter((r) => r.pattern === pattern),
        measuredDays,
      ),
    ),
  };
}

const POLICY_LABEL: Record<PolicyRule, string> = {
  guide: 'DRS guide (7 days of cover)',
  adaptive: 'adaptive',
};

function fixed(value: number, digits = 2): string {
  return value.toFixed(digits);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The tables as printed: the policies side by side, then by device kind and by consumer. */
export function formatFigures(figures: SimulationFigures): string {
  const main = table(
    [
      'policy',
      'stockout days/dev-yr',
      'cover on arrival: mean',
      'p10',
      'p50',
      'p90 (days)',
      'late arrivals',
      'orders/dev-yr',
      'cancelled/dev-yr',
      'duplicate orders',
    ],
    POLICY_RULES.map((rule) => {
      const p = figures.byPolicy[rule];
      return [
        POLICY_LABEL[rule],
        fixed(p.stockoutDaysPerDeviceYear),
        fixed(p.coverOnArrivalDays.mean),
        fixed(p.coverOnArrivalDays.p10),
        fixed(p.coverOnArrivalDays.p50),
        fixed(p.coverOnArrivalDays.p90),
        `${fixed(p.lateDeliveryShare * 100, 1)} %`,
        fixed(p.ordersPerDeviceYear),
        fixed(p.cancelledPerDeviceYear),
        String(p.duplicateOrders),
      ];
    }),
  );
  const split = (title: string, rows: readonly BreakdownRow[]) =>
    table(
      [title, 'devices', 'stockout d/yr guide', 'adaptive', 'orders/yr guide', 'adaptive', 'cover guide', 'adaptive'],
      rows.map((r) => [
        r.group,
        String(r.devices),
        fixed(r.stockoutDaysPerDeviceYear.guide),
        fixed(r.stockoutDaysPerDeviceYear.adaptive),
        fixed(r.ordersPerDeviceYear.guide),
        fixed(r.ordersPerDeviceYear.adaptive),
        fixed(r.meanCoverOnArrivalDays.guide),
        fixed(r.meanCoverOnArrivalDays.adaptive),
      ]),
    );
  return [main, '', split('device kind', figures.byKind), '', split('consumer', figures.byPattern)].join('\n');
}
