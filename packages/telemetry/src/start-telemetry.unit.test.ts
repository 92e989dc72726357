import { metrics, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from './start-telemetry.js';
import { collectPrometheusMetrics, shutdownTelemetry } from './telemetry-state.js';
import { injectTraceHeaders } from './trace-headers.js';

describe('startTelemetry without an OTLP endpoint', () => {
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'ingest-test' });
  });
  afterAll(async () => {
    await telemetry.shutdown();
  });

  it('still gives spans real trace ids, so context propagates into Kafka headers', async () => {
    const tracer = trace.getTracer('test');
    const headers = await tracer.startActiveSpan('POST /v1/reports', async (span) => {
      await Promise.resolve();
      const carrier = injectTraceHeaders({});
      span.end();
      return carrier;
    });
    expect(headers['traceparent']).toMatch(/^00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('collects metrics in Prometheus text for the /metrics route', async () => {
    metrics.getMeter('test').createCounter('restock_reports_accepted').add(3, { unit_type: 'volume' });
    const text = await collectPrometheusMetrics();
    expect(text).toContain('restock_reports_accepted');
    expect(text).toMatch(/restock_reports_accepted(_total)?\{[^}]*unit_type="volume"[^}]*\} 3/);
  });

  it('refuses a second start in the same process', () => {
    expect(() => startTelemetry({ serviceName: 'again' })).toThrow(/already started/);
  });

  it('shuts down once, however many times it is asked, and can then start again', async () => {
    await Promise.all([shutdownTelemetry(), telemetry.shutdown()]);
    expect(await collectPrometheusMetrics()).toBeUndefined();
    telemetry = startTelemetry({ serviceName: 'ingest-test' });
    expect(await collectPrometheusMetrics()).toContain('target_info');
  });
});
