import { bearerToken, hashCredential } from '@restock/auth';
import { RestockError } from '@restock/errors';
import { DeviceId } from '@restock/events';
import type { HttpApp } from '@restock/http';
import type { BusLog, BusProducer } from '@restock/kafka';
import type { Pool } from '@restock/postgres';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DeviceReportBatch, ReportsAccepted } from '../domain/device-report.js';
import { IngestErrorCode } from '../domain/ingest-error.js';
import { type ReportProblem, reportsToEvents } from '../domain/reports-to-events.js';
import type { IngestMetrics } from '../metrics.js';
import { createReportAcceptor, storeUnavailable } from '../store/accept-reports.js';
import type { CredentialHolder, DeviceDirectory } from '../store/device-directory.js';

export interface ReportsRouteOptions {
  pool: Pool;
  publisher: BusProducer;
  directory: DeviceDirectory;
  metrics: IngestMetrics;
  log: BusLog;
  clock: () => Date;
  schema: string;
  consumptionTopic: string;
  bodyLimitBytes: number;
  rateLimit: { max: number; windowMs: number };
  maxClockSkewMs: number;
  publishDeadlineMs: number;
  retryAfterSeconds: number;
}

const Params = Type.Object({ deviceId: DeviceId }, { additionalProperties: false });

// Problem documents list at most this many reports' errors; the detail still counts them all.
const MAX_LISTED_ERRORS = 50;

const WWW_AUTHENTICATE = 'Bearer realm="restock-ingest"';

/**
 * `POST /v1/devices/{deviceId}/reports`, in the order a request meets its checks: the credential
 * (onRequest, before the body is read), the device's rate (preParsing), the body's size (413) and
 * shape (400), then the slots and units of the device's model (404, 400), then Kafka (202 or 503).
 */
export function registerReportsRoute(app: HttpApp, options: ReportsRouteOptions): void {
  const acceptor = createReportAcceptor({
    pool: options.pool,
    publisher: options.publisher,
    schema: options.schema,
    topic: options.consumptionTopic,
    deadlineMs: options.publishDeadlineMs,
    retryAfterSeconds: options.retryAfterSeconds,
    log: options.log,
  });
  const devices = new WeakMap<FastifyRequest, CredentialHolder>();
  const singleReport = new WeakSet<FastifyRequest>();

  async function authenticate(request: FastifyRequest<{ Params: { deviceId: string } }>, reply: FastifyReply) {
    let credential: string;
    try {
      credential = bearerToken(request.headers.authorization);
    } catch (error) {
      reply.header('www-authenticate', WWW_AUTHENTICATE);
      throw error;
    }
    let holders: readonly CredentialHolder[];
    try {
      holders = await options.directory.holdersOf(hashCredential(credential));
    } catch (error) {
      throw storeUnavailable(options.retryAfterSeconds, error);
    }
    const own = holders.find((h) => h.deviceId === request.params.deviceId);
    if (own !== undefined) {
      devices.set(request, own);
      return;
    }
    // Whether the path's device exists is never told: the answer depends only on whose credential
    // this is. A credential of another device is 403 for any path; any other credential is 401.
    if (holders.length > 0) {
      throw new RestockError(IngestErrorCode.ING_DEVICE_MISMATCH, 'the credential belongs to another device', {
        status: 403,
        details: { field: '/headers/authorization' },
      });
    }
    reply.header('www-authenticate', `${WWW_AUTHENTICATE}, error="invalid_token"`);
    throw new RestockError(
      IngestErrorCode.ING_CREDENTIAL_INVALID,
      'the credential is not valid for this device (unknown, revoked, or the device is unknown)',
      { status: 401, details: { field: '/headers/authorization' } },
    );
  }

  app.post(
    '/v1/devices/:deviceId/reports',
    {
      schema: {
        params: Params,
        body: DeviceReportBatch,
        response: { 202: ReportsAccepted },
      },
      bodyLimit: options.bodyLimitBytes,
      // Validation errors are rethrown by the handler with pointers into the body as the device sent it.
      attachValidation: true,
      config: {
        rateLimit: {
          max: options.rateLimit.max,
          timeWindow: options.rateLimit.windowMs,
          // After authentication, so nobody can use up a device's rate by sending its id, and
          // before the body is parsed, so a device over its rate costs little.
          hook: 'preParsing',
          keyGenerator: (request: FastifyRequest) => devices.get(request)?.deviceId ?? '',
        },
      },
      onRequest: authenticate,
      preValidation: async (request) => {
        // A device may send one report as the whole body: validate it as a batch of one.
        const body: unknown = request.body;
        if (typeof body === 'object' && body !== null && !Array.isArray(body) && !Object.hasOwn(body, 'reports')) {
          singleReport.add(request);
          // Not yet a DeviceReportBatch: validation runs next, on the wrapped body.
          request.body = { reports: [body] } as DeviceReportBatch;
        }
      },
    },
    async (request, reply) => {
      const single = singleReport.has(request);
      if (request.validationError) throw asBodyPointers(request.validationError, single);
      const device = devices.get(request);
      if (device === undefined) throw new Error('the route ran without an authenticated device');

      let slots: Awaited<ReturnType<DeviceDirectory['slotsOf']>>;
      try {
        slots = await options.directory.slotsOf(device.modelId);
      } catch (error) {
        throw storeUnavailable(options.retryAfterSeconds, error);
      }
      if (slots === undefined) {
        throw new RestockError(
          IngestErrorCode.ING_MODEL_UNKNOWN,
          `the device's model has not reached ingest yet; retry shortly`,
          { status: 503, retriable: true, details: { retryAfterSeconds: options.retryAfterSeconds } },
        );
      }

      const now = options.clock();
      const decision = reportsToEvents({
        deviceId: device.deviceId,
        modelId: device.modelId,
        reports: request.body.reports,
        slotOf: (slotId) => slots.get(slotId),
        recordedAt: now,
        maxFutureSkewMs: options.maxClockSkewMs,
      });
      if (decision.problems.length > 0) throw problemsError(decision.problems, single);

      const result = await acceptor.accept(device.deviceId, decision.events, now);
      options.metrics.reportsAccepted.add(result.accepted.length);
      options.metrics.reportsDuplicate.add(result.duplicates.length);
      return reply.code(202).send(result);
    },
  );
}

/** `/reports/0/unit` of a body that was one report is `/body/unit` to the device that sent it. */
function bodyPointer(pointer: string, single: boolean): string {
  return `/body${single ? pointer.replace(/^\/reports\/0(?=\/|$)/, '') : pointer}`;
}

interface ValidationItem {
  instancePath?: string;
  message?: string;
  [key: string]: unknown;
}

function asBodyPointers(error: Error & { validation?: unknown; validationContext?: string }, single: boolean) {
  if (!single || error.validationContext !== 'body' || !Array.isArray(error.validation)) return error;
  const validation = (error.validation as ValidationItem[]).map((item) => ({
    ...item,
    instancePath: bodyPointer(item.instancePath ?? '', true).slice('/body'.length),
  }));
  return Object.assign(new Error(error.message), { validation, validationContext: 'body', statusCode: 400 });
}

function problemsError(problems: ReportProblem[], single: boolean): RestockError {
  const errors = problems.slice(0, MAX_LISTED_ERRORS).map((p) => ({
    field: bodyPointer(p.pointer, single),
    code: p.code,
    message: p.message,
    ...(p.slotId === undefined ? {} : { slotId: p.slotId }),
    ...(p.unit === undefined ? {} : { unit: p.unit }),
  }));
  // Only unknown slots: the thing asked for does not exist (404). Anything else wrong: 400.
  const status = problems.every((p) => p.status === 404) ? 404 : 400;
  const [first] = errors;
  const [firstProblem] = problems;
  if (problems.length === 1 && first !== undefined && firstProblem !== undefined) {
    const { message: _message, code: _code, ...named } = first;
    return new RestockError(firstProblem.code, `${first.field}: ${first.message}`, {
      status,
      details: { ...named, errors },
    });
  }
  const fields = errors.map((e) => e.field).join(', ');
  return new RestockError(
    IngestErrorCode.ING_REPORTS_INVALID,
    `${problems.length} reports are invalid: ${fields}${problems.length > errors.length ? ', ...' : ''}`,
    { status, details: { errors } },
  );
}
