import { isRestockError, type RestockError } from '@restock/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpErrorCode } from './http-error-code.js';
import { type FieldError, type ProblemDetails, problem, sendProblem } from './problem.js';

/** Options of {@link createProblemErrorHandler}. */
export interface ProblemErrorHandlerOptions {
  /** Retry-After sent with a 503 for a retriable error that names no delay of its own. */
  retryAfterSeconds: number;
}

interface Mapped {
  problem: ProblemDetails;
  retryAfterSeconds?: number;
}

/**
 * The one error handler: turns whatever a route, hook, body parser, validator or plugin threw into
 * an `application/problem+json` answer. Client errors are answered precisely and logged at info;
 * anything unexpected becomes a 500 whose message and stack stay in the log, never in the response.
 */
export function createProblemErrorHandler(options: ProblemErrorHandlerOptions) {
  return function problemErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const extra = { instance: instanceOf(request), requestId: request.id };
    const mapped = mapError(error, request, extra, options);
    const { status, code } = mapped.problem;
    if (status >= 500) request.log.error({ err: error, code, status }, 'request failed');
    else request.log.info({ code, status, detail: mapped.problem.detail }, 'request rejected');
    if (mapped.retryAfterSeconds !== undefined && !reply.hasHeader('retry-after')) {
      reply.header('retry-after', String(mapped.retryAfterSeconds));
    }
    return sendProblem(reply, mapped.problem);
  };
}

/** Answers 404 with a problem document for a method and path no route matches. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = instanceOf(request);
  return sendProblem(
    reply,
    problem(404, HttpErrorCode.HTTP_NOT_FOUND, `No route matches ${request.method} ${path}`, {
      instance: path,
      requestId: request.id,
    }),
  );
}

function mapError(
  error: unknown,
  request: FastifyRequest,
  extra: Record<string, unknown>,
  options: ProblemErrorHandlerOptions,
): Mapped {
  if (isValidationError(error)) return { problem: validationProblem(error, extra) };
  if (isRestockError(error)) return restockProblem(error, extra, options);

  const { code, statusCode } = fastifyErrorFields(error);
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limitBytes = request.routeOptions.bodyLimit;
      return {
        problem: problem(413, HttpErrorCode.HTTP_BODY_TOO_LARGE, `The request body exceeds ${limitBytes} bytes`, {
          ...extra,
          limitBytes,
        }),
      };
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const given = String(request.headers['content-type'] ?? '').slice(0, 100);
      return {
        problem: problem(
          415,
          HttpErrorCode.HTTP_UNSUPPORTED_MEDIA_TYPE,
          `Content-Type '${given}' is not accepted here; send application/json`,
          extra,
        ),
      };
    }
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { problem: problem(400, HttpErrorCode.HTTP_MALFORMED_BODY, malformedDetail(code), extra) };
  }

  // @fastify/rate-limit throws what its errorResponseBuilder returns; createHttpApp makes that a
  // RestockError, but an app that registered the plugin itself gets its plain error.
  if (statusCode === 429) {
    return {
      problem: problem(429, HttpErrorCode.HTTP_RATE_LIMITED, 'Too many requests; retry after the delay given', extra),
    };
  }
  // fastify's own request errors are about the request and their messages are written for clients.
  if (code?.startsWith('FST_') && statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return { problem: problem(statusCode, HttpErrorCode.HTTP_BAD_REQUEST, messageOf(error), extra) };
  }
  return {
    problem: problem(
      500,
      HttpErrorCode.HTTP_INTERNAL,
      'An unexpected error occurred; it has been logged under this request id',
      extra,
    ),
  };
}

function restockProblem(
  error: RestockError,
  extra: Record<string, unknown>,
  options: ProblemErrorHandlerOptions,
): Mapped {
  const retryAfterSeconds = retryAfterOf(error) ?? options.retryAfterSeconds;
  // A status marks an error its author meant a client to read; without one the message was written
  // for operators (it may name hosts, tables or topics), so only the stable code goes out.
  if (error.status !== undefined) {
    const status = error.status;
    return {
      problem: problem(status, error.code, error.message, { ...error.details, ...extra }),
      ...(status === 503 || status === 429 ? { retryAfterSeconds } : {}),
    };
  }
  if (error.retriable) {
    return {
      problem: problem(503, error.code, 'A service this request needs is unavailable; retry later', extra),
      retryAfterSeconds,
    };
  }
  return {
    problem: problem(500, error.code, 'An unexpected error occurred; it has been logged under this request id', extra),
  };
}

interface ValidationError {
  validation: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}

function isValidationError(error: unknown): error is ValidationError {
  return typeof error === 'object' && error !== null && Array.isArray((error as { validation?: unknown }).validation);
}

function validationProblem(error: ValidationError, extra: Record<string, unknown>): ProblemDetails {
  const part = error.validationContext ?? 'body';
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const item of error.validation) {
    const field = `/${part}${item.instancePath ?? ''}${missingProperty(item.params)}`;
    // TypeBox may report one value twice (missing, then not of its type): the first says most.
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: item.message ?? 'is invalid' });
  }
  const [first] = errors;
  const detail =
    errors.length === 1 && first !== undefined
      ? `${first.field}: ${first.message}`
      : `${errors.length} fields are invalid: ${errors.map((e) => e.field).join(', ')}`;
  return problem(400, HttpErrorCode.HTTP_VALIDATION_FAILED, detail, {
    ...extra,
    ...(errors.length === 1 && first !== undefined ? { field: first.field } : {}),
    errors,
  });
}

// Ajv reports a missing or extra property on its parent object; name the property itself, as
// TypeBox does.
function missingProperty(params: Record<string, unknown> | undefined): string {
  const name = params?.['missingProperty'] ?? params?.['additionalProperty'];
  return typeof name === 'string' ? `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}` : '';
}

function retryAfterOf(error: RestockError): number | undefined {
  const seconds = error.details?.['retryAfterSeconds'];
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

function fastifyErrorFields(error: unknown): { code: string | undefined; statusCode: number | undefined } {
  if (typeof error !== 'object' || error === null) return { code: undefined, statusCode: undefined };
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return {
    code: typeof code === 'string' ? code : undefined,
    statusCode: typeof statusCode === 'number' ? statusCode : undefined,
  };
}

function malformedDetail(code: string): string {
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The body is empty but Content-Type says application/json';
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return 'The body length does not match Content-Length';
  return 'The body is not valid JSON';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'The request is invalid';
}

// The path only: a query string may carry tokens, and the instance is echoed back and logged.
function instanceOf(request: FastifyRequest): string {
  const url = request.url;
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
