import { SpanKind, trace } from '@opentelemetry/api';
import { collectPrometheusMetrics, startTelemetry } from '@restock/telemetry';
import { installInMemoryTracing } from '@restock/telemetry/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startGatewayWorld } from './test-support/gateway-harness.js';

// Started before the world, so every instrument and span of this file binds to it.
const telemetry = startTelemetry({ serviceName: 'drs-gateway-telemetry-test' });
const world = await startGatewayWorld();
afterAll(async () => {
  await telemetry.shutdown();
});

describe('the DRS gateway’s telemetry', () => {
  it('counts DRS calls by operation and status', async () => {
    const washer = await world.linkWasher();
    await world.publish('commands', [world.replenish(washer.deviceId, 'detergent')]);
    await world.waitUntil(
      async () =>
        (await world.calls(washer.deviceId)).some((c) => c.operation === 'replenish' && c.state === 'succeeded'),
      'the replenish call to succeed',
    );
    const text = (await collectPrometheusMetrics()) ?? '';
    expect(text).toMatch(/drs_gateway_calls_total\{[^}]*operation="replenish"[^}]*status="2[0-9][0-9]"[^}]*\} [1-9]/);
  });

  it('makes the DRS call in a CLIENT span under the command’s process span, and sends its traceparent', async () => {
    const washer = await world.linkWasher();
    const tracing = installInMemoryTracing();
    try {
      const command = world.replenish(washer.deviceId, 'detergent');
      // The policy's side: its span is active while the command is written.
      await trace.getTracer('test').startActiveSpan('policy', async (span) => {
        await world.publish('commands', [command]);
        span.end();
      });
      await world.waitUntil(
        async () =>
          (await world.calls(washer.deviceId)).some((c) => c.call_id === command.id && c.state === 'succeeded'),
        'the replenish call to succeed',
      );
      const spans = tracing.spans();
      const producer = spans.find((s) => s.name === 'policy');
      const traceId = producer?.spanContext().traceId;
      const process = spans.find(
        (s) =>
          s.kind === SpanKind.CONSUMER &&
          s.spanContext().traceId === traceId &&
          s.parentSpanContext?.spanId === producer?.spanContext().spanId,
      );
      expect(process, 'the gateway’s process span of the command').toBeDefined();
      const client = spans.find((s) => s.name === 'DRS replenish' && s.spanContext().traceId === traceId);
      expect(client, 'the DRS client span in the command’s trace').toBeDefined();
      expect(client?.kind).toBe(SpanKind.CLIENT);
      expect(client?.parentSpanContext?.spanId).toBe(process?.spanContext().spanId);
      expect(client?.attributes['http.response.status_code']).toBeGreaterThanOrEqual(200);
    } finally {
      await tracing.shutdown();
    }
  });
});
