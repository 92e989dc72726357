import { createLogger, startTelemetry } from '@restock/telemetry';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app.js';
import { HttpErrorCode } from './http-error-code.js';
import { registerMetricsRoute } from './metrics-route.js';

describe('registerMetricsRoute', () => {
  it('answers 404 problem+json while telemetry is not started, then serves Prometheus text', async () => {
    const app = await createHttpApp({ logger: createLogger({ service: 'http-test', level: 'silent' }) });
    registerMetricsRoute(app);

    const before = await app.inject({ method: 'GET', url: '/metrics' });
    expect(before.statusCode).toBe(404);
    expect(before.json()).toMatchObject({ code: HttpErrorCode.HTTP_NOT_FOUND });

    const telemetry = startTelemetry({ serviceName: 'http-test' });
    try {
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.body).toContain('target_info');
    } finally {
      await telemetry.shutdown();
      await app.close();
    }
  });
});
