import type { FastifyBaseLogger, LogLevel } from 'fastify';

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * Log level for routes that probes and scrapers hit every few seconds: at least `warn`, so they do
 * not flood the info log, but never lower than the service's own level (a route's `logLevel`
 * replaces the logger's, so a plain `'warn'` would make a silent logger talk).
 */
export function probeLogLevel(log: FastifyBaseLogger): LogLevel {
  const own = LEVELS.find((level) => level === log.level);
  return own !== undefined && LEVELS.indexOf(own) > LEVELS.indexOf('warn') ? own : 'warn';
}
