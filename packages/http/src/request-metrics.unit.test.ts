import { createLogger, startTelemetry } from '@restock/telemetry';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app.js';
import { registerMetricsRoute } from './metrics-route.js';

describe('request metrics', () => {
  it('count requests and time them by route template and status, never by raw URL', async () => {
    const telemetry = startTelemetry({ serviceName: 'http-metrics-test' });
    const app = await createHttpApp({ logger: createLogger({ service: 'http-test', level: 'silent' }) });
    registerMetricsRoute(app);
    app.get('/v1/devices/:deviceId', { schema: { params: Type.Object({ deviceId: Type.String() }) } }, async () => ({
      ok: true,
    }));
    try {
      await app.inject({ method: 'GET', url: '/v1/devices/dev-secret-1' });
      await app.inject({ method: 'GET', url: '/v1/devices/dev-secret-2' });
      await app.inject({ method: 'GET', url: '/nowhere' });
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(text).toMatch(
        /restock_http_requests_total\{[^}]*route="\/v1\/devices\/:deviceId"[^}]*status="200"[^}]*\} 2/,
      );
      expect(text).toMatch(/http_server_request_duration_bucket\{[^}]*http_route="\/v1\/devices\/:deviceId"/);
      expect(text).toMatch(/restock_http_requests_total\{[^}]*status="404"/);
      expect(text).not.toContain('dev-secret');
    } finally {
      await app.close();
      await telemetry.shutdown();
    }
  });
});
