import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from './create-http-app.js';

// One span per request, found again by the later hooks; a WeakMap keeps it off fastify's request type.
const requestSpans = new WeakMap<FastifyRequest, Span>();

/**
 * Gives every request a SERVER span named `METHOD route-template`, child of the caller's W3C
 * `traceparent` when it sends one, and makes it the active span for the handler, so a handler that
 * publishes to Kafka passes the request's trace on (ARCHITECTURE principle 10). Explicit hooks rather
 * than the http/fastify auto-instrumentations, which would patch modules process-wide.
 */
export function registerRequestTracing(app: HttpApp): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url;
    // The tracer is looked up per request: a test that replaces the global provider gets its spans.
    const span = trace.getTracer('@restock/http').startSpan(
      `${request.method} ${route ?? 'unmatched'}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          ...(route === undefined ? {} : { 'http.route': route }),
          'url.scheme': request.protocol,
        },
      },
      parent,
    );
    requestSpans.set(request, span);
    done();
  });

  // Activated here, not in onRequest: the body is read between the two from the socket's events,
  // which run in the socket's async context, so a context entered in onRequest would be lost by the
  // time the handler runs. From this callback on, fastify calls the handler synchronously and every
  // await in it keeps the context.
  app.addHook('preHandler', (request, _reply, done) => {
    const span = requestSpans.get(request);
    if (span === undefined) return done();
    context.with(trace.setSpan(context.active(), span), done);
  });

  app.addHook('onResponse', (request, reply, done) => {
    endSpan(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    endSpan(request, null);
    done();
  });
}

function endSpan(request: FastifyRequest, status: number | null): void {
  const span = requestSpans.get(request);
  if (span === undefined) return;
  requestSpans.delete(request);
  if (status === null) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted the request' });
  } else {
    span.setAttribute('http.response.status_code', status);
    // Only a 5xx is the server's failure; a 4xx is the caller's (OpenTelemetry's HTTP conventions).
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
