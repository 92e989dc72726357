import { lazyInstruments } from '@restock/telemetry';
import type { HttpApp } from './create-http-app.js';

const instruments = lazyInstruments('@restock/http', (meter) => ({
  // OpenTelemetry's semantic-convention name and unit: Prometheus shows it as
  // http_server_request_duration{http_route, http_request_method, http_response_status_code}.
  duration: meter.createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  }),
  // restock_http_requests_total{route, status}: what the error-rate alert divides.
  requests: meter.createCounter('restock.http.requests', { description: 'HTTP requests answered' }),
}));

/**
 * Records every answered request's duration and status by route template (never the raw URL, which
 * would carry device ids). Uses only @opentelemetry/api: without a meter provider it costs nothing.
 */
export function registerRequestMetrics(app: HttpApp): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const { duration, requests } = instruments();
    duration.record(reply.elapsedTime / 1000, {
      'http.route': route,
      'http.request.method': request.method,
      'http.response.status_code': status,
    });
    requests.add(1, { route, status: String(status) });
  });
}
