import { type Counter, metrics, type UpDownCounter } from '@opentelemetry/api';

/** The query service's own metrics, exported by the telemetry preload (Prometheus on /metrics, OTLP when set). */
export interface QueryMetrics {
  /** Answers by route and status. */
  requests: Counter;
  /** Cache lookups by view and outcome (hit, miss, bypass while a key is stale, error when Redis fails). */
  cacheLookups: Counter;
  /** Open event streams on this replica. */
  openStreams: UpDownCounter;
  /** inventory.v1 changes this replica fanned out, by outcome (appended, duplicate, unavailable). */
  changes: Counter;
  /** Events the customer commands wrote to the outbox, by type. */
  published: Counter;
}

/** Created per app, not at module load, so they bind to the meter provider the preload installed. */
export function createQueryMetrics(): QueryMetrics {
  const meter = metrics.getMeter('@restock/query');
  return {
    requests: meter.createCounter('query_http_requests', { description: 'HTTP answers by route and status' }),
    cacheLookups: meter.createCounter('query_cache_lookups', {
      description: 'View cache lookups by view and outcome',
    }),
    openStreams: meter.createUpDownCounter('query_sse_open_streams', {
      description: 'Server-sent event streams open on this replica',
    }),
    changes: meter.createCounter('query_inventory_changes', {
      description: 'inventory.v1 changes fanned out to event streams, by outcome',
    }),
    published: meter.createCounter('query_events_published', {
      description: 'Events written to the outbox for customer requests, by type',
    }),
  };
}
