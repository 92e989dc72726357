import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createLogger } from '@restock/telemetry';
import { type InMemoryTracing, installInMemoryTracing } from '@restock/telemetry/testing';
import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from './create-http-app.js';

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

describe('request tracing', () => {
  let tracing: InMemoryTracing;
  let app: HttpApp;
  let baseUrl: string;

  beforeEach(async () => {
    tracing = installInMemoryTracing();
    app = await createHttpApp({ logger: createLogger({ service: 'http-test', level: 'silent' }) });
    app.post(
      '/v1/devices/:deviceId/reports',
      { schema: { params: Type.Object({ deviceId: Type.String() }), body: Type.Object({ level: Type.Number() }) } },
      async () => {
        // Past an await, as a handler that writes to a database before publishing is.
        await sleep(5);
        return { activeSpanId: trace.getActiveSpan()?.spanContext().spanId ?? null };
      },
    );
    app.get('/fails', async () => {
      throw new Error('boom');
    });
    // A real socket, not inject(): the body then arrives through the socket's own events.
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it('runs the handler in a SERVER span that continues the caller’s traceparent, named by route template', async () => {
    const response = await fetch(`${baseUrl}/v1/devices/dev-secret-1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ level: 3 }),
    });
    expect(response.status).toBe(200);
    const { activeSpanId } = (await response.json()) as { activeSpanId: string | null };
    const [span] = tracing.spans();
    expect(span).toBeDefined();
    expect(span?.name).toBe('POST /v1/devices/:deviceId/reports');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.spanContext().traceId).toBe(CALLER_TRACE);
    expect(span?.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span?.attributes['http.response.status_code']).toBe(200);
    expect(span?.attributes['http.route']).toBe('/v1/devices/:deviceId/reports');
    // The handler ran with the request's span active, after the body was read.
    expect(activeSpanId).toBe(span?.spanContext().spanId);
  });

  it('starts a new trace without a traceparent and marks a 5xx as an error', async () => {
    const response = await fetch(`${baseUrl}/fails`);
    expect(response.status).toBe(500);
    const [span] = tracing.spans();
    expect(span?.name).toBe('GET /fails');
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });
});
