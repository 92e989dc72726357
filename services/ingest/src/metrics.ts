import { type Counter, metrics } from '@opentelemetry/api';

/** Ingest's own metrics, exported by the telemetry preload (Prometheus on /metrics, OTLP when set). */
export interface IngestMetrics {
  /** Answers by route and status. */
  requests: Counter;
  /** Reports published to consumption.v1. */
  reportsAccepted: Counter;
  /** Reports answered as duplicates, not published again. */
  reportsDuplicate: Counter;
}

/** Created per app, not at module load, so they bind to the meter provider the preload installed. */
export function createIngestMetrics(): IngestMetrics {
  const meter = metrics.getMeter('@restock/ingest');
  return {
    requests: meter.createCounter('ingest_http_requests', { description: 'HTTP answers by route and status' }),
    reportsAccepted: meter.createCounter('ingest_reports_accepted', {
      description: 'Device reports published to consumption.v1',
    }),
    reportsDuplicate: meter.createCounter('ingest_reports_duplicate', {
      description: 'Device reports answered as duplicates of an already accepted event id',
    }),
  };
}
