import { describeError } from '@restock/errors';
import {
  type HttpApp,
  HttpErrorCode,
  problem,
  processReadiness,
  type ReadinessCheck,
  type ReadinessState,
  sendProblem,
} from '@restock/http';
import { Type } from '@sinclair/typebox';

export interface QueryHealthOptions {
  /** What the service cannot answer without: not ready when one fails. */
  required: Record<string, ReadinessCheck>;
  /** What only makes it faster (Redis): reported, never failing readiness. */
  optional: Record<string, ReadinessCheck>;
  timeoutMs?: number;
  readiness?: ReadinessState;
}

const Status = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('timeout')]);
const Checks = Type.Record(
  Type.String(),
  Type.Object({ status: Status, durationMs: Type.Number(), required: Type.Boolean() }),
);

/**
 * `GET /health/live` and `GET /health/ready`. Written here rather than with `registerHealthRoutes`
 * because readiness must report Redis without depending on it: Redis down makes answers slower, not
 * wrong, so a replica without Redis keeps taking traffic (`degraded` says so).
 */
export function registerQueryHealthRoutes(app: HttpApp, options: QueryHealthOptions): void {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const readiness = options.readiness ?? processReadiness;
  // Probes must get through and must not flood the info log.
  const probe = { logLevel: app.log.level === 'silent' ? ('silent' as const) : ('warn' as const) };

  app.get(
    '/health/live',
    {
      ...probe,
      schema: { tags: ['health'], security: [], response: { 200: Type.Object({ status: Type.Literal('live') }) } },
    },
    async () => ({ status: 'live' as const }),
  );

  app.get(
    '/health/ready',
    {
      ...probe,
      schema: {
        tags: ['health'],
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ready'), degraded: Type.Boolean(), checks: Checks }),
        },
      },
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
      const all = [
        ...Object.entries(options.required).map(([name, check]) => ({ name, check, required: true })),
        ...Object.entries(options.optional).map(([name, check]) => ({ name, check, required: false })),
      ];
      const results = await Promise.all(
        all.map(async ({ name, check, required }) => {
          const started = performance.now();
          const outcome = await runCheck(check, timeoutMs);
          if (outcome.status !== 'up') {
            request.log.warn({ check: name, status: outcome.status, reason: outcome.reason }, 'readiness check failed');
          }
          return { name, required, status: outcome.status, durationMs: Math.round(performance.now() - started) };
        }),
      );
      const checks = Object.fromEntries(
        results.map((r) => [r.name, { status: r.status, durationMs: r.durationMs, required: r.required }]),
      );
      const failing = results.filter((r) => r.required && r.status !== 'up');
      if (failing.length === 0) {
        return { status: 'ready' as const, degraded: results.some((r) => r.status !== 'up'), checks };
      }
      return sendProblem(
        reply,
        problem(
          503,
          HttpErrorCode.HTTP_NOT_READY,
          `Not ready: ${failing.map((r) => `${r.name} ${r.status}`).join(', ')}`,
          { instance: request.url, requestId: request.id, checks },
        ),
      );
    },
  );
}

async function runCheck(
  check: ReadinessCheck,
  timeoutMs: number,
): Promise<{ status: 'up' | 'down' | 'timeout'; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ status: 'timeout' }>((resolve) => {
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
