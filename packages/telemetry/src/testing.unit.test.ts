import { context, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InMemoryTracing, installInMemoryTracing } from './testing.js';

describe('installInMemoryTracing', () => {
  let tracing: InMemoryTracing;
  beforeEach(() => {
    tracing = installInMemoryTracing();
  });
  afterEach(() => tracing.shutdown());

  it('records a child span under the span active across an await', async () => {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('POST /v1/reports', async (parent) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      tracer.startSpan('consumption.v1 publish').end();
      parent.end();
    });

    const child = tracing.spans().find((s) => s.name === 'consumption.v1 publish');
    const parent = tracing.spans().find((s) => s.name === 'POST /v1/reports');
    expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(child?.spanContext().traceId).toBe(parent?.spanContext().traceId);
  });

  it('records links, and forgets spans on reset', () => {
    const tracer = trace.getTracer('test');
    const producer = tracer.startSpan('produce');
    producer.end();
    tracer.startSpan('batch', { links: [{ context: producer.spanContext() }] }, context.active()).end();

    expect(tracing.spans().find((s) => s.name === 'batch')?.links[0]?.context.spanId).toBe(
      producer.spanContext().spanId,
    );
    tracing.reset();
    expect(tracing.spans()).toEqual([]);
  });
});
