import { type PolicyRule, type PolicySettings, policySettings } from '@restock/policy';
import { type ConsumerPattern, type DeviceKind, drawDevice, type SimCalendar } from './population.js';
import {
  type DeviceOutcome,
  deviceDemand,
  type SimClock,
  type SlotTrace,
  simClock,
  simulateDevice,
} from './simulate-device.js';

export const POLICY_RULES: readonly PolicyRule[] = ['guide', 'adaptive'];

export interface SimulationOptions {
  seed: number;
  devices: number;
  calendar: SimCalendar;
  /** See threshold-screen.ts; false asks the policy every day (slow, for checking the screen). */
  screen: boolean;
  auditRate: number;
  /** The device whose story is charted, or null. */
  chartDevice: number | null;
  /** Policy settings per rule; the policy's documented defaults unless overridden. */
  settings?: Partial<Record<PolicyRule, PolicySettings>>;
}

/** One device's outcome under both policies, without the bulky traces. */
export interface DeviceRow {
  index: number;
  kind: DeviceKind;
  pattern: ConsumerPattern;
  byRule: Record<PolicyRule, Omit<DeviceOutcome, 'traces'>>;
}

export interface DeviceChart {
  index: number;
  deviceId: string;
  kind: DeviceKind;
  pattern: ConsumerPattern;
  baseLeadDays: number;
  traces: Record<PolicyRule, SlotTrace[]>;
}

export function settingsFor(options: Pick<SimulationOptions, 'settings'>, rule: PolicyRule): PolicySettings {
  return options.settings?.[rule] ?? policySettings({ rule });
}

/**
 * Simulates devices `from` (inclusive) to `to` (exclusive) under both policies, calling `onDevice`
 * after each (for progress). Devices are independent, so any split of the range gives the same rows.
 */
export function simulateRange(
  options: SimulationOptions,
  from: number,
  to: number,
  onDevice: (index: number) => void = () => {},
): { rows: DeviceRow[]; chart: DeviceChart | null } {
  const clock: SimClock = simClock(options.calendar);
  const rows: DeviceRow[] = [];
  let chart: DeviceChart | null = null;
  for (let index = from; index < to; index++) {
    const device = drawDevice(options.seed, index, options.calendar);
    const demand = deviceDemand(options.seed, device, clock);
    const traced = index === options.chartDevice;
    const byRule = {} as Record<PolicyRule, Omit<DeviceOutcome, 'traces'>>;
    const traces = {} as Record<PolicyRule, SlotTrace[]>;
    for (const rule of POLICY_RULES) {
      const { traces: slotTraces, ...outcome } = simulateDevice(options.seed, device, demand, clock, {
        settings: settingsFor(options, rule),
        screen: options.screen,
        auditRate: options.auditRate,
        trace: traced,
      });
      byRule[rule] = outcome;
      if (slotTraces) traces[rule] = slotTraces;
    }
    rows.push({ index, kind: device.kind, pattern: device.pattern, byRule });
    if (traced) {
      chart = {
        index,
        deviceId: device.deviceId,
        kind: device.kind,
        pattern: device.pattern,
        baseLeadDays: device.baseLeadDays,
        traces,
      };
    }
    onDevice(index);
  }
  return { rows, chart };
}
