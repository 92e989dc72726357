import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RestockError } from '@restock/errors';
import type { Logger } from '@restock/telemetry';
import fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { createProblemErrorHandler, notFoundHandler } from './error-handler.js';
import { HttpErrorCode } from './http-error-code.js';
import { problem, sendProblem } from './problem.js';
import { registerRequestMetrics } from './request-metrics.js';
import { registerRequestTracing } from './request-tracing.js';
import { typeboxValidatorCompiler } from './validator-compiler.js';

/** The fastify instance every Restock HTTP service builds its routes on. */
export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  /** The service's logger (`createLogger`); fastify logs every request through it. */
  logger: Logger;
  /** Largest accepted body, in bytes; larger ones get 413. */
  bodyLimit?: number;
  /** Which proxies to trust for the client address (fastify's `trustProxy`). */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Rate limiting of every route (pass `redis` to share counters between replicas); off when absent. */
  rateLimit?: Omit<RateLimitPluginOptions, 'errorResponseBuilder'>;
  /** Retry-After, in seconds, for a 503 caused by a retriable error that names no delay itself. */
  retryAfterSeconds?: number;
}

/** Header that carries the request id in and out. */
export const REQUEST_ID_HEADER = 'x-request-id';

const DEFAULT_BODY_LIMIT = 1_048_576; // bytes, fastify's own default
const DEFAULT_RETRY_AFTER_SECONDS = 5;
// A caller's id is logged and echoed: accept ids that look like ids (UUIDs, trace ids, ULIDs).
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the fastify instance of an HTTP service, without opening a port: TypeBox type provider
 * and validator, the given logger, request ids (`x-request-id` honoured or generated, and echoed),
 * the one problem+json error handler and not-found handler, 503 problems while closing, and
 * optional rate limiting. Async because the rate limiter must be loaded before routes are added,
 * or they would escape it.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    genReqId: requestIdOf,
    // fastify's own 503 during close is not a problem document; the onRequest hook below is.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.setErrorHandler(
    createProblemErrorHandler({ retryAfterSeconds: options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS }),
  );
  app.setNotFoundHandler(notFoundHandler);
  registerRequestMetrics(app);
  // Before any other hook, so the span covers (and the handler runs in) the whole request.
  registerRequestTracing(app);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    if (closing) {
      return sendProblem(
        reply,
        problem(503, HttpErrorCode.HTTP_SHUTTING_DOWN, 'The service is shutting down; retry on another instance', {
          instance: request.url.split('?')[0],
          requestId: request.id,
        }),
      );
    }
    return undefined;
  });

  if (options.rateLimit !== undefined) {
    await app.register(rateLimit, {
      ...options.rateLimit,
      errorResponseBuilder: (_request, context) =>
        new RestockError(
          context.ban ? HttpErrorCode.HTTP_RATE_LIMIT_BANNED : HttpErrorCode.HTTP_RATE_LIMITED,
          `Rate limit of ${context.max} requests exceeded; retry in ${context.after}`,
          {
            status: context.statusCode,
            retriable: true,
            details: { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
          },
        ),
    });
  }
  return app;
}

function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
}
