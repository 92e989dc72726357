import { hostname } from 'node:os';
import { context, trace } from '@opentelemetry/api';
import { type DestinationStream, type LevelWithSilentOrString, type Logger as PinoLogger, pino } from 'pino';

/** The structured logger every Restock process uses; fastify accepts it as `loggerInstance`. */
export type Logger = PinoLogger;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, written on every line so aggregated logs can be filtered per deployable. */
  service: string;
  /** Minimum level; `info` when absent. */
  level?: LevelWithSilentOrString;
  /** Where lines go; stdout when absent (tests pass a capturing stream). */
  destination?: DestinationStream;
  /** Extra paths to censor on top of {@link REDACTED_PATHS}. */
  redact?: readonly string[];
}

/** Value that replaces a redacted field; the same marker the config package uses. */
export const REDACTED = '[redacted]';

// Field names that hold a secret wherever they appear. Redaction paths are explicit (no recursive
// wildcard exists), so each name is censored at the top level and one or two objects deep: that
// covers `log.info({ token })`, `{ body: { token } }` and `{ event: { data: { accessToken } } }`.
const SECRET_FIELDS = [
  'authorization',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'credential',
  'authorizationCode',
  'clientSecret',
  'client_secret',
  'apiKey',
] as const;

/** Every path censored in log lines: request headers that carry credentials, and the secret field names. */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/**
 * Creates the JSON logger of a service: one line per entry with `service`, ISO-8601 `time`, a
 * textual `level`, the active trace and span ids (so a log line leads to its trace), and every
 * secret in {@link REDACTED_PATHS} censored before the line is written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const config = {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Labels read better than pino's numbers in any log store, and survive a change of logger.
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: [...REDACTED_PATHS, ...(options.redact ?? [])], censor: REDACTED },
    mixin: traceFields,
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}

// Field names follow the OpenTelemetry log data model, which log backends use to link to traces.
function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const spanContext = span.spanContext();
  if (!trace.isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: spanContext.traceFlags.toString(16).padStart(2, '0'),
  };
}
