/**
 * Whether the process still takes new work. Graceful shutdown flips it first, so the readiness
 * probe fails and the load balancer or Kubernetes stops routing here while in-flight work drains.
 */
export interface ReadinessState {
  readonly shuttingDown: boolean;
  markShuttingDown(): void;
}

/** A fresh readiness state; tests use their own instead of the process's. */
export function createReadinessState(): ReadinessState {
  let shuttingDown = false;
  return {
    get shuttingDown() {
      return shuttingDown;
    },
    markShuttingDown() {
      shuttingDown = true;
    },
  };
}

// Signals reach the whole process, so the state they change is the process's: one value that
// `closeOnSignals` sets and every readiness route reads unless given its own.
/** The readiness of this process, used by default by `registerHealthRoutes` and `closeOnSignals`. */
export const processReadiness: ReadinessState = createReadinessState();

/** Marks this process as shutting down: its readiness route answers 503 from now on. */
export function markShuttingDown(): void {
  processReadiness.markShuttingDown();
}
