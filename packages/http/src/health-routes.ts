import { describeError } from '@restock/errors';
import { type Static, Type } from '@sinclair/typebox';
import type { HttpApp } from './create-http-app.js';
import { HttpErrorCode } from './http-error-code.js';
import { probeLogLevel } from './probe-log-level.js';
import { problem, sendProblem } from './problem.js';
import { processReadiness, type ReadinessState } from './readiness.js';

/** A readiness check: resolves when the dependency answers, rejects (or hangs) when it does not. */
export type ReadinessCheck = () => Promise<void>;

/** Options of {@link registerHealthRoutes}. */
export interface HealthRoutesOptions {
  /** Named checks of what the service needs to do its work (`kafka`, `postgres`, `redis`). */
  checks: Record<string, ReadinessCheck>;
  /** Time each check gets before it counts as failed. */
  timeoutMs?: number;
  /** Defaults to the process's readiness, which `closeOnSignals` flips. */
  readiness?: ReadinessState;
}

const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

const CheckStatusSchema = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('timeout')]);
const CheckReportSchema = Type.Record(
  Type.String(),
  Type.Object({ status: CheckStatusSchema, durationMs: Type.Number() }),
);

/** Result of one readiness check. */
export type CheckStatus = Static<typeof CheckStatusSchema>;

/** What each check reported, as shown by `GET /health/ready`. */
export type CheckReport = Static<typeof CheckReportSchema>;

/**
 * Mounts `GET /health/live` (200 while the process can answer at all) and `GET /health/ready`
 * (runs every check in parallel, each bounded by `timeoutMs`: 200 with each check's status, or a
 * 503 problem naming the failing checks; 503 without running them once shutdown has begun).
 */
export function registerHealthRoutes(app: HttpApp, options: HealthRoutesOptions): void {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const readiness = options.readiness ?? processReadiness;
  // Probes must get through however busy the service is, so no rate limit applies to them.
  const probeRouteOptions = { logLevel: probeLogLevel(app.log), config: { rateLimit: false as const } };

  app.get(
    '/health/live',
    { ...probeRouteOptions, schema: { response: { 200: Type.Object({ status: Type.Literal('live') }) } } },
    async () => ({ status: 'live' as const }),
  );

  app.get(
    '/health/ready',
    {
      ...probeRouteOptions,
      schema: { response: { 200: Type.Object({ status: Type.Literal('ready'), checks: CheckReportSchema }) } },
    },
    async (request, reply) => {
      if (readiness.shuttingDown) {
        return sendProblem(
          reply,
          problem(503, HttpErrorCode.HTTP_SHUTTING_DOWN, 'The service is shutting down', {
            instance: request.url,
            requestId: request.id,
          }),
        );
      }
      const entries = await Promise.all(
        Object.entries(options.checks).map(async ([name, check]) => {
          const started = performance.now();
          const outcome = await runCheck(check, timeoutMs);
          if (outcome.status !== 'up') {
            request.log.warn({ check: name, status: outcome.status, reason: outcome.reason }, 'readiness check failed');
          }
          return [name, { status: outcome.status, durationMs: Math.round(performance.now() - started) }] as const;
        }),
      );
      const checks: CheckReport = Object.fromEntries(entries);
      const failing = entries.filter(([, result]) => result.status !== 'up');
      if (failing.length === 0) return { status: 'ready' as const, checks };
      // Only names and statuses go out: a dependency's error can name hosts and users, so it stays in the log.
      return sendProblem(
        reply,
        problem(
          503,
          HttpErrorCode.HTTP_NOT_READY,
          `Not ready: ${failing.map(([name, result]) => `${name} ${result.status}`).join(', ')}`,
          { instance: request.url, requestId: request.id, checks },
        ),
      );
    },
  );
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<{ status: CheckStatus; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ status: CheckStatus }>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'timeout' }), timeoutMs);
  });
  try {
    return await Promise.race([
      check().then(
        () => ({ status: 'up' as const }),
        (error: unknown) => ({ status: 'down' as const, reason: describeError(error) }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
