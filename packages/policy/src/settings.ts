import type { PolicySettings } from './types.js';

/**
 * The defaults. The guide's numbers are the guide's (7 days of cover); the adaptive rule's lead time is
 * DRS's 24 h cancellation window before shipping plus the guide's 5 days of standard shipping; its
 * other numbers are conventional choices (a week's half-life, a 95 % service level), each overridable.
 */
export const defaultPolicySettings: Readonly<PolicySettings> = Object.freeze({
  rule: 'adaptive',
  windowDays: 28,
  defaultDaysOfCover: 7,
  daysOfCoverByMarketplace: Object.freeze({}),
  leadTimeDaysByMarketplace: Object.freeze({}),
  defaultLeadTimeDays: 6,
  minHistoryDays: 3,
  halfLifeDays: 7,
  priorWeightDays: 3,
  priorFadeDays: 14,
  weekdayMinDays: 14,
  serviceLevelZ: 1.65,
  safetyMinDays: 7,
  cancellationCoolDownDays: 3,
  coolDownBreakFraction: 0.5,
  failedRequestRetryHours: 6,
});

/** The defaults with some settings replaced. */
export function policySettings(overrides: Partial<PolicySettings> = {}): PolicySettings {
  return { ...defaultPolicySettings, ...overrides };
}

/**
 * Parses `US=6,UK=4` into a marketplace table (configuration strings); throws on a malformed entry
 * so a typo fails at start-up instead of silently using the default.
 */
export function parseMarketplaceDays(value: string): Record<string, number> {
  const table: Record<string, number> = {};
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z]{2})\s*=\s*(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match) throw new RangeError(`not a marketplace=days entry: ${entry}`);
    table[match[1]!.toUpperCase()] = Number(match[2]);
  }
  return table;
}
