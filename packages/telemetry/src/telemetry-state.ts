// Telemetry is process-wide by nature (the OpenTelemetry API keeps its providers in a global), and
// it is started by `--import @restock/telemetry/register` before the service's own code runs. This
// module is the one place where the service's code can find what that preload started: the metrics
// to serve and the shutdown to run last.

/** What a started telemetry SDK offers the rest of the process. */
export interface ActiveTelemetry {
  shutdown(): Promise<void>;
  /** Collects the process's metrics in the Prometheus text exposition format; absent when metrics are off. */
  collectPrometheusMetrics: (() => Promise<string>) | undefined;
}

let active: ActiveTelemetry | undefined;
let shutdownPromise: Promise<void> | undefined;
let shutdownClaimed = false;

/** Records the telemetry SDK of this process; throws when one is already running. */
export function setActiveTelemetry(telemetry: ActiveTelemetry): void {
  if (active !== undefined) throw new Error('telemetry is already started in this process');
  active = telemetry;
  shutdownPromise = undefined;
}

/**
 * The process's current metrics in the Prometheus text exposition format, or undefined when
 * telemetry is not started (or started without a Prometheus reader). `@restock/http` serves it
 * at `/metrics` with `registerMetricsRoute`.
 */
export async function collectPrometheusMetrics(): Promise<string | undefined> {
  return active?.collectPrometheusMetrics?.();
}

/** Content type of {@link collectPrometheusMetrics}' text. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Flushes and stops the process's telemetry. Idempotent, and a no-op when telemetry was never
 * started, so a graceful shutdown can always call it last.
 */
export function shutdownTelemetry(): Promise<void> {
  if (active === undefined) return Promise.resolve();
  const telemetry = active;
  shutdownPromise ??= telemetry.shutdown().finally(() => {
    if (active === telemetry) active = undefined;
  });
  return shutdownPromise;
}

/**
 * Says that the application runs its own graceful shutdown and will call {@link shutdownTelemetry}
 * after its closers; the preload's signal handler then stands aside, so the spans of the shutdown
 * itself are still exported and the process is not ended under the application's feet.
 */
export function claimTelemetryShutdown(): void {
  shutdownClaimed = true;
}

/** True once an application called {@link claimTelemetryShutdown}. */
export function isTelemetryShutdownClaimed(): boolean {
  return shutdownClaimed;
}
