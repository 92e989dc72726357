export { adaptiveBurnRate, daysUntilEmpty, guideBurnRate, projectedUse } from './burn-rate.js';
export { addDays, DAY_MS, dayStart, round6, utcDay, weekdayOf } from './calendar.js';
export { decide } from './decide.js';
export { defaultPolicySettings, parseMarketplaceDays, policySettings } from './settings.js';
export type {
  DailyUse,
  Decision,
  DecisionReason,
  DecisionRule,
  PolicyRule,
  PolicySettings,
  SlotHistory,
  SlotState,
} from './types.js';
