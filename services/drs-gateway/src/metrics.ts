import { lazyInstruments } from '@restock/telemetry';

/**
 * The gateway's metrics, bound lazily: the metrics API has no proxy provider, so instruments created
 * before telemetry starts would stay no-ops.
 */
export const gatewayInstruments = lazyInstruments('@restock/drs-gateway', (meter) => ({
  // drs_gateway_calls_total{operation, status}: what the "DRS failing" alert divides.
  calls: meter.createCounter('drs_gateway.calls', {
    description: 'DRS API calls by operation and HTTP status (or "error" when no answer came)',
  }),
}));
