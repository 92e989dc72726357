import { shutdownTelemetry, startTelemetry } from '@restock/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogHarness, startCatalogHarness } from './test-support/catalog-harness.js';

let h: CatalogHarness;
beforeAll(async () => {
  // As the preload does in production, so /metrics has a Prometheus reader to serve.
  startTelemetry({ serviceName: 'catalog-test' });
  h = await startCatalogHarness();
});
afterAll(async () => {
  await shutdownTelemetry();
});

describe('health and metrics', () => {
  it('answers live without a token', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'live' });
  });

  it('answers ready when PostgreSQL and Kafka answer', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ready',
      checks: { postgres: { status: 'up' }, kafka: { status: 'up' } },
    });
  });

  it('serves Prometheus metrics without a token', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('answers 404 as a problem for a path that does not exist', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/admin/v2/models', headers: h.operator });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
