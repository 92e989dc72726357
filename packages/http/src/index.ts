export {
  type CloseOnSignalsOptions,
  type Closer,
  closeOnSignals,
  type GracefulShutdown,
  type ShutdownLog,
} from './close-on-signals.js';
export { createHttpApp, type HttpApp, type HttpAppOptions, REQUEST_ID_HEADER } from './create-http-app.js';
export { createProblemErrorHandler, notFoundHandler, type ProblemErrorHandlerOptions } from './error-handler.js';
export {
  type CheckReport,
  type CheckStatus,
  type HealthRoutesOptions,
  type ReadinessCheck,
  registerHealthRoutes,
} from './health-routes.js';
export { HttpErrorCode } from './http-error-code.js';
export { registerMetricsRoute } from './metrics-route.js';
export {
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_PREFIX,
  type ProblemDetails,
  problem,
  sendProblem,
} from './problem.js';
export { createReadinessState, markShuttingDown, processReadiness, type ReadinessState } from './readiness.js';
export { typeboxValidatorCompiler } from './validator-compiler.js';
