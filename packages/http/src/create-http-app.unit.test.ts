import { createLogger } from '@restock/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from './create-http-app.js';
import { HttpErrorCode } from './http-error-code.js';

describe('createHttpApp', () => {
  let app: HttpApp;
  beforeEach(async () => {
    app = await createHttpApp({ logger: createLogger({ service: 'http-test', level: 'silent' }) });
    app.get('/ping', async (request) => ({ requestId: request.id }));
  });
  afterEach(() => app.close());

  it('honours a well-formed x-request-id and echoes it', async () => {
    const response = await app.inject({ method: 'GET', url: '/ping', headers: { 'x-request-id': 'dev-7f3a:42' } });
    expect(response.json()).toEqual({ requestId: 'dev-7f3a:42' });
    expect(response.headers['x-request-id']).toBe('dev-7f3a:42');
  });

  it('generates a request id when none or a malformed one is given', async () => {
    const none = await app.inject({ method: 'GET', url: '/ping' });
    const malformed = await app.inject({ method: 'GET', url: '/ping', headers: { 'x-request-id': 'a b\n{"x":1}' } });
    for (const response of [none, malformed]) {
      expect(response.json().requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers['x-request-id']).toBe(response.json().requestId);
    }
  });

  it('answers 503 problem+json to requests that arrive while it closes', async () => {
    await app.ready();
    let lateResponse: Promise<{ statusCode: number; body: string }> | undefined;
    app.addHook('preClose', async () => {
      lateResponse = app.inject({ method: 'GET', url: '/ping' });
    });
    await app.close();
    const response = await lateResponse!;
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ code: HttpErrorCode.HTTP_SHUTTING_DOWN });
  });
});
