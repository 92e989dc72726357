export { lazyInstruments } from './instruments.js';
export { createLogger, type Logger, type LoggerOptions, REDACTED, REDACTED_PATHS } from './logger.js';
export { startTelemetry, type Telemetry, type TelemetryOptions } from './start-telemetry.js';
export {
  type ActiveTelemetry,
  claimTelemetryShutdown,
  collectPrometheusMetrics,
  isTelemetryShutdownClaimed,
  PROMETHEUS_CONTENT_TYPE,
  shutdownTelemetry,
} from './telemetry-state.js';
export { extractTraceContext, injectTraceHeaders, type MessageHeaders } from './trace-headers.js';
