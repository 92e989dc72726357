import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InMemoryTracing, installInMemoryTracing } from './testing.js';
import { extractTraceContext, injectTraceHeaders } from './trace-headers.js';

describe('Kafka trace headers', () => {
  let tracing: InMemoryTracing;
  beforeEach(() => {
    tracing = installInMemoryTracing();
  });
  afterEach(() => tracing.shutdown());

  const tracer = () => trace.getTracer('test');

  it('carries the trace id and the producing span as parent through inject and extract', () => {
    const headers: Record<string, string> = {};
    const producer = tracer().startSpan('consumption.v1 publish', { kind: SpanKind.PRODUCER });
    context.with(trace.setSpan(context.active(), producer), () => injectTraceHeaders(headers));
    producer.end();

    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // Kafka hands headers to the consumer as Buffers.
    const received = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    const parent = extractTraceContext(received, ROOT_CONTEXT);
    const consumer = tracer().startSpan('consumption.v1 process', { kind: SpanKind.CONSUMER }, parent);
    consumer.end();

    const [produced, consumed] = tracing.spans();
    expect(trace.getSpanContext(parent)?.isRemote).toBe(true);
    expect(consumed?.spanContext().traceId).toBe(produced?.spanContext().traceId);
    expect(consumed?.parentSpanContext?.spanId).toBe(produced?.spanContext().spanId);
  });

  it('keeps tracestate and reads header names case-insensitively', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const extracted = extractTraceContext({ Traceparent: traceparent, tracestate: 'restock=1' }, ROOT_CONTEXT);
    const headers = injectTraceHeaders({}, extracted);
    expect(headers).toMatchObject({ traceparent, tracestate: 'restock=1' });
  });

  it('yields the base context when a message carries no trace headers', () => {
    const extracted = extractTraceContext({ other: Buffer.from('x'), missing: undefined }, ROOT_CONTEXT);
    expect(trace.getSpanContext(extracted)).toBeUndefined();
    expect(injectTraceHeaders({})).toEqual({});
  });
});
