import { lazyInstruments } from '@restock/telemetry';

/**
 * The policy's metrics, bound lazily: the metrics API has no proxy provider, so instruments created
 * before telemetry starts would stay no-ops.
 */
export const policyInstruments = lazyInstruments('@restock/reorder-policy', (meter) => ({
  // reorder_policy_decisions_total{outcome, rule}: what the runbook's "orders stopped" panel splits by.
  decisions: meter.createCounter('reorder_policy.decisions', {
    description: 'Reorder decisions stored, by outcome (ordered, held) and the rule that decided',
  }),
}));
