import { describeError } from '@restock/errors';
import { claimTelemetryShutdown, shutdownTelemetry } from '@restock/telemetry';
import { processReadiness, type ReadinessState } from './readiness.js';

/** One resource to release at shutdown. */
export interface Closer {
  name: string;
  close: () => Promise<void>;
}

/** The logging `closeOnSignals` needs; a pino logger satisfies it. */
export interface ShutdownLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options of {@link closeOnSignals}. */
export interface CloseOnSignalsOptions {
  log: ShutdownLog;
  /**
   * Released one after the other, in this order: first what takes work in (the HTTP server, the
   * Kafka consumers), then what finishes it (producers, outbox relay), then pools and clients.
   */
  closers: Closer[];
  /** Whole budget for the closers; stay under Kubernetes' terminationGracePeriodSeconds. */
  timeoutMs?: number;
  signals?: NodeJS.Signals[];
  readiness?: ReadinessState;
  /** Ends the process; `process.exit` unless a test passes its own. */
  exit?: (code: number) => void;
}

/** Handle returned by {@link closeOnSignals}. */
export interface GracefulShutdown {
  /** Runs the shutdown now, as a signal would; resolves with the exit code it used. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners (tests). */
  dispose(): void;
}

const DEFAULT_TIMEOUT_MS = 25_000;

/**
 * Installs the process's graceful shutdown: on SIGTERM or SIGINT it marks the process not ready,
 * runs the closers in order (logging each), flushes telemetry last so the shutdown's own spans are
 * exported, and exits 0; or 1 if a closer failed or the whole took longer than `timeoutMs`. A
 * second signal during shutdown exits 1 at once, for the operator who presses Ctrl-C twice.
 */
export function closeOnSignals(options: CloseOnSignalsOptions): GracefulShutdown {
  const { log } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const readiness = options.readiness ?? processReadiness;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<number> | undefined;
  let exited = false;

  const exitOnce = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const shutdown = (reason: string): Promise<number> => {
    running ??= (async () => {
      readiness.markShuttingDown();
      log.info({ reason, closers: options.closers.map((c) => c.name), timeoutMs }, 'shutting down');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<number>((resolve) => {
        timer = setTimeout(() => {
          log.error({ timeoutMs }, 'shutdown timed out; exiting');
          resolve(1);
        }, timeoutMs);
      });
      const code = await Promise.race([runClosers(options.closers, log), timedOut]);
      clearTimeout(timer);
      exitOnce(code);
      return code;
    })();
    return running;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (running !== undefined) {
      log.error({ signal }, 'second signal during shutdown; exiting now');
      exitOnce(1);
      return;
    }
    void shutdown(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  // From here on telemetry is flushed by runClosers, after the closers, not by the preload.
  claimTelemetryShutdown();

  return {
    shutdown,
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}

async function runClosers(closers: Closer[], log: ShutdownLog): Promise<number> {
  let code = 0;
  for (const closer of [...closers, { name: 'telemetry', close: shutdownTelemetry }]) {
    const started = performance.now();
    try {
      await closer.close();
      log.info({ closer: closer.name, durationMs: Math.round(performance.now() - started) }, 'closed');
    } catch (error) {
      // Keep going: a failed consumer close must not leave the pool or the producer open.
      code = 1;
      log.error({ closer: closer.name, err: error, reason: describeError(error) }, 'close failed');
    }
  }
  return code;
}
