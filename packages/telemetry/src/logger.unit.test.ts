import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from './logger.js';
import { captureLogs, type InMemoryTracing, installInMemoryTracing } from './testing.js';

describe('createLogger', () => {
  let tracing: InMemoryTracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('writes JSON lines carrying the service, an ISO time and a textual level', () => {
    const logs = captureLogs();
    const log = createLogger({ service: 'ingest', level: 'info', destination: logs.destination });
    log.info({ deviceId: 'dev-1' }, 'accepted');
    log.child({ component: 'bus' }).warn('slow');

    const [first, second] = logs.lines();
    expect(first).toMatchObject({ service: 'ingest', level: 'info', msg: 'accepted', deviceId: 'dev-1' });
    expect(new Date(String(first?.['time'])).toISOString()).toBe(first?.['time']);
    expect(second).toMatchObject({ service: 'ingest', level: 'warn', component: 'bus' });
  });

  it('removes an authorization header and nested tokens before the line is written', () => {
    const logs = captureLogs();
    const log = createLogger({ service: 'query', destination: logs.destination });
    log.info(
      {
        req: { method: 'POST', headers: { authorization: 'Bearer device-secret', 'content-type': 'application/json' } },
        body: { code: 'lwa-code', token: 'nested-secret' },
        event: { data: { accessToken: 'deep-secret', refreshToken: 'deep-refresh', slotId: 'detergent' } },
        clientSecret: 'top-secret',
      },
      'linking',
    );

    const line = logs.lines()[0];
    const text = JSON.stringify(line);
    for (const secret of ['device-secret', 'nested-secret', 'deep-secret', 'deep-refresh', 'top-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({
      req: { headers: { authorization: REDACTED, 'content-type': 'application/json' } },
      body: { token: REDACTED },
      event: { data: { accessToken: REDACTED, slotId: 'detergent' } },
      clientSecret: REDACTED,
    });
  });

  it('stamps lines logged inside a span with its trace and span ids', () => {
    tracing = installInMemoryTracing();
    const logs = captureLogs();
    const log = createLogger({ service: 'projector', destination: logs.destination });
    trace.getTracer('test').startActiveSpan('apply', (active) => {
      log.info('applied');
      active.end();
    });
    log.info('outside');

    const [inside, outside] = logs.lines();
    const applied = tracing.spans()[0];
    expect(inside).toMatchObject({ trace_id: applied?.spanContext().traceId, span_id: applied?.spanContext().spanId });
    expect(outside).not.toHaveProperty('trace_id');
  });
});
