import { RestockError } from '@restock/errors';
import { createLogger } from '@restock/telemetry';
import { captureLogs } from '@restock/telemetry/testing';
import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from './create-http-app.js';
import { HttpErrorCode } from './http-error-code.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

const Report = Type.Object(
  {
    slotId: Type.String({ minLength: 1 }),
    quantity: Type.Number({ exclusiveMinimum: 0 }),
    unit: Type.Union([Type.Literal('ml'), Type.Literal('count')]),
  },
  { additionalProperties: false },
);
const ReportBatch = Type.Object({ reports: Type.Array(Report, { minItems: 1 }) }, { additionalProperties: false });

describe('the problem+json error handler', () => {
  let app: HttpApp;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(async () => {
    logs = captureLogs();
    app = await createHttpApp({
      logger: createLogger({ service: 'http-test', destination: logs.destination }),
      bodyLimit: 256,
      rateLimit: { max: 2, timeWindow: 60_000, allowList: (request) => request.headers['x-limit'] !== 'on' },
    });
    app.post('/reports', { schema: { body: ReportBatch } }, async (request) => ({
      accepted: request.body.reports.length,
    }));
    app.get(
      '/slots/:slotId',
      {
        schema: {
          params: Type.Object({ slotId: Type.String() }),
          querystring: Type.Object({ limit: Type.Integer({ maximum: 50, default: 10 }) }),
        },
      },
      async (request) => ({ slotId: request.params.slotId, limit: request.query.limit }),
    );
    app.get('/conflict', async () => {
      throw new RestockError('QRY_SLOT_LOCKED', 'slot detergent is locked by certification', {
        status: 409,
        details: { field: '/body/slotId', slotId: 'detergent', status: 200, code: 'forged' },
      });
    });
    app.get('/kafka-down', async () => {
      throw new RestockError('BUS_UNAVAILABLE', 'broker 10.0.0.7:9092 refused the connection', { retriable: true });
    });
    app.get('/bug', async () => {
      throw new RestockError('PG_QUERY_FAILED', 'relation "slots" does not exist at 10.0.0.8', {});
    });
    app.get('/crash', async () => {
      throw new Error('password=hunter2 leaked from a connection string');
    });
    await app.ready();
  });
  afterEach(() => app.close());

  it('answers 400 naming each invalid field as a JSON pointer', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/reports?token=abc',
      payload: {
        reports: [
          { slotId: 'black', quantity: 2, unit: 'ml' },
          { slotId: 'cyan', quantity: 1, unit: 'gallons' },
          { slotId: 'pods', unit: 'count', colour: 'red' },
        ],
      },
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    const body = response.json();
    expect(body).toMatchObject({
      type: `urn:restock:problem:${HttpErrorCode.HTTP_VALIDATION_FAILED}`,
      title: 'Bad Request',
      status: 400,
      code: HttpErrorCode.HTTP_VALIDATION_FAILED,
      instance: '/reports',
    });
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['/body/reports/1/unit', '/body/reports/2/quantity', '/body/reports/2/colour']),
    );
    expect(fields).not.toContain('/body/reports/0/unit');
    expect(body.detail).toContain('/body/reports/1/unit');
    expect(body.errors).toContainEqual({ field: '/body/reports/1/unit', message: 'Expected one of "ml", "count"' });
  });

  it('names the one invalid field in `field` and in the detail', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/reports',
      payload: { reports: [{ slotId: 'black', quantity: 2 }] },
    });
    expect(response.json()).toMatchObject({
      status: 400,
      field: '/body/reports/0/unit',
      detail: expect.stringMatching(/^\/body\/reports\/0\/unit: /),
    });
  });

  it('converts query strings, applies defaults and points into the query string on error', async () => {
    const ok = await app.inject({ method: 'GET', url: '/slots/black' });
    expect(ok.json()).toEqual({ slotId: 'black', limit: 10 });
    const bad = await app.inject({ method: 'GET', url: '/slots/black?limit=500' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: '/querystring/limit' });
  });

  it('answers a RestockError with its status, code, detail and details', async () => {
    const response = await app.inject({ method: 'GET', url: '/conflict' });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toMatchObject({
      type: 'urn:restock:problem:QRY_SLOT_LOCKED',
      title: 'Conflict',
      status: 409,
      code: 'QRY_SLOT_LOCKED',
      detail: 'slot detergent is locked by certification',
      field: '/body/slotId',
      slotId: 'detergent',
      instance: '/conflict',
    });
  });

  it('answers 503 with Retry-After for a retriable RestockError without status, hiding its message', async () => {
    const response = await app.inject({ method: 'GET', url: '/kafka-down' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ status: 503, code: 'BUS_UNAVAILABLE' });
    expect(response.body).not.toContain('10.0.0.7');
  });

  it('answers 500 for a RestockError that is neither for clients nor retriable, hiding its message', async () => {
    const response = await app.inject({ method: 'GET', url: '/bug' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'PG_QUERY_FAILED' });
    expect(response.body).not.toContain('slots');
  });

  it('answers 413 when the body exceeds the limit', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/reports',
      payload: { reports: [{ slotId: 'x'.repeat(400), quantity: 1, unit: 'ml' }] },
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toMatchObject({ code: HttpErrorCode.HTTP_BODY_TOO_LARGE, limitBytes: 256 });
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/reports',
      headers: { 'content-type': 'application/json' },
      payload: '{"reports": [',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toMatchObject({ code: HttpErrorCode.HTTP_MALFORMED_BODY });
  });

  it('answers 415 for a media type no parser accepts', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/reports',
      headers: { 'content-type': 'application/xml' },
      payload: '<reports/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: HttpErrorCode.HTTP_UNSUPPORTED_MEDIA_TYPE });
  });

  it('answers 404 with a problem document for an unknown route', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toMatchObject({
      status: 404,
      code: HttpErrorCode.HTTP_NOT_FOUND,
      detail: 'No route matches DELETE /nowhere',
      instance: '/nowhere',
    });
  });

  it('answers 500 for an unknown error without leaking its message, and logs it', async () => {
    const response = await app.inject({ method: 'GET', url: '/crash', headers: { 'x-request-id': 'req-42' } });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toMatchObject({ code: HttpErrorCode.HTTP_INTERNAL, requestId: 'req-42' });
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('at ');

    const logged = logs.lines().find((line) => line['msg'] === 'request failed');
    expect(logged).toMatchObject({ reqId: 'req-42', err: { message: expect.stringContaining('hunter2') } });
  });

  it('answers 429 with Retry-After once the rate limit is exceeded', async () => {
    const limited = { method: 'GET' as const, url: '/slots/black', headers: { 'x-limit': 'on' } };
    expect((await app.inject(limited)).statusCode).toBe(200);
    expect((await app.inject(limited)).statusCode).toBe(200);
    const response = await app.inject(limited);
    expect(response.statusCode).toBe(429);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json()).toMatchObject({ status: 429, code: HttpErrorCode.HTTP_RATE_LIMITED });
  });
});
