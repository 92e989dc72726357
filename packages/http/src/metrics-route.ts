import { collectPrometheusMetrics, PROMETHEUS_CONTENT_TYPE } from '@restock/telemetry';
import type { HttpApp } from './create-http-app.js';
import { HttpErrorCode } from './http-error-code.js';
import { probeLogLevel } from './probe-log-level.js';
import { problem, sendProblem } from './problem.js';

/**
 * Mounts `GET /metrics`, the Prometheus text of the metrics the telemetry preload collects, so a
 * service exposes health and metrics on one port. Answers 404 when telemetry was not started with
 * a Prometheus reader (for instance in tests).
 */
export function registerMetricsRoute(app: HttpApp, path = '/metrics'): void {
  app.get(path, { logLevel: probeLogLevel(app.log), config: { rateLimit: false } }, async (request, reply) => {
    const text = await collectPrometheusMetrics();
    if (text === undefined) {
      return sendProblem(
        reply,
        problem(404, HttpErrorCode.HTTP_NOT_FOUND, 'Metrics are not collected in this process', {
          instance: request.url,
          requestId: request.id,
        }),
      );
    }
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(text);
  });
}
