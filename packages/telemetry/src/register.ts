/**
 * Preload that starts telemetry before any other module of the service is evaluated, so that
 * instrumentations can patch the libraries they wrap:
 *
 *     node --import @restock/telemetry/register dist/main.js
 *
 * Reads OTEL_SERVICE_NAME (default: the package name without its scope), OTEL_EXPORTER_OTLP_ENDPOINT (optional: no export when unset),
 * METRICS_PORT (optional: Prometheus exporter's own server on that port; leave unset when the
 * service mounts /metrics on its health port with `registerMetricsRoute`) and
 * npm_package_version (service.version).
 */
import { constants } from 'node:os';
import { startTelemetry } from './start-telemetry.js';
import { isTelemetryShutdownClaimed, shutdownTelemetry } from './telemetry-state.js';

// This module is the one exception to "only loadConfig reads process.env": it runs as a preload,
// before the service's main module and its config schema exist, and the OTEL_* names are the
// OpenTelemetry standard names that operators and the k8s manifests set for every process alike.
const env = process.env;

const FLUSH_TIMEOUT_MS = 5_000;

// `pnpm start` sets npm_package_name, so a service started by its package script needs no extra
// variable; OTEL_SERVICE_NAME, when set, wins.
const serviceName = env['OTEL_SERVICE_NAME'] || env['npm_package_name']?.replace(/^@[^/]+\//, '');
if (serviceName === undefined || serviceName === '') {
  throw new Error('@restock/telemetry/register: set OTEL_SERVICE_NAME to name the service');
}
const metricsPort = parsePort(env['METRICS_PORT']);

startTelemetry({
  serviceName,
  ...optional('serviceVersion', env['npm_package_version']),
  ...optional('otlpEndpoint', env['OTEL_EXPORTER_OTLP_ENDPOINT']),
  ...(metricsPort === undefined ? {} : { prometheusPort: metricsPort }),
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    // A service using `closeOnSignals` stops its work first and flushes telemetry last itself.
    if (isTelemetryShutdownClaimed()) return;
    // A listener replaces Node's default "die on signal", so this one must end the process too,
    // with the conventional 128 + signal number; the flush is bounded so a dead collector cannot
    // hold the process past its grace period.
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_TIMEOUT_MS));
    void Promise.race([shutdownTelemetry(), timeout])
      .catch(() => undefined)
      .finally(() => process.exit(128 + constants.signals[signal]));
  });
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`@restock/telemetry/register: METRICS_PORT must be a port number, got ${JSON.stringify(value)}`);
  }
  return port;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}
