import { createLogger } from '@restock/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from './create-http-app.js';
import { registerHealthRoutes } from './health-routes.js';
import { HttpErrorCode } from './http-error-code.js';
import { createReadinessState, type ReadinessState } from './readiness.js';

describe('health routes', () => {
  let app: HttpApp;
  let readiness: ReadinessState;
  let postgresUp: boolean;

  beforeEach(async () => {
    readiness = createReadinessState();
    postgresUp = true;
    app = await createHttpApp({
      logger: createLogger({ service: 'http-test', level: 'silent' }),
      rateLimit: { max: 1, timeWindow: 60_000 },
    });
    registerHealthRoutes(app, {
      readiness,
      timeoutMs: 50,
      checks: {
        kafka: async () => {},
        postgres: async () => {
          if (!postgresUp) throw new Error('connect ECONNREFUSED 10.0.0.8:5432 user=restock');
        },
      },
    });
  });
  afterEach(() => app.close());

  it('answers live with 200 while the process runs', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'live' });
  });

  it('answers ready with 200 and the status of each check', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ready',
      checks: { kafka: { status: 'up' }, postgres: { status: 'up' } },
    });
  });

  it('answers 503 problem+json naming the failing check, without its error', async () => {
    postgresUp = false;
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      code: HttpErrorCode.HTTP_NOT_READY,
      detail: 'Not ready: postgres down',
      checks: { kafka: { status: 'up' }, postgres: { status: 'down' } },
    });
    expect(response.body).not.toContain('10.0.0.8');
  });

  it('counts a check that outlives its timeout as failed', async () => {
    const slow = await createHttpApp({ logger: createLogger({ service: 'http-test', level: 'silent' }) });
    registerHealthRoutes(slow, {
      readiness,
      timeoutMs: 20,
      checks: { redis: () => new Promise((resolve) => setTimeout(resolve, 1_000)) },
    });
    const response = await slow.inject({ method: 'GET', url: '/health/ready' });
    await slow.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      detail: 'Not ready: redis timeout',
      checks: { redis: { status: 'timeout' } },
    });
  });

  it('answers 503 once shutdown has begun, even with every check passing', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    readiness.markShuttingDown();
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: HttpErrorCode.HTTP_SHUTTING_DOWN });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('is never rate limited, so probes keep working under load', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    }
  });
});
