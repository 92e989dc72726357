import { SimulatorError, SimulatorErrorCode } from '../domain/simulator-error.js';
import { fetchFailure } from './fetch-failure.js';

export interface ReadyTarget {
  name: string;
  baseUrl: string;
}

export interface WaitOptions {
  timeoutMs: number;
  log: { info(obj: object, msg?: string): void };
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** Poll interval, doubling from the first to the last (ms): quick at start-up, quiet when a service is down. */
const FIRST_POLL_MS = 250;
const LAST_POLL_MS = 5_000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Waits until every target answers `GET /health/ready` with 200. `npm start` starts all services at
 * once, so ingest and the catalog are usually still migrating and joining Kafka when the simulator
 * starts; it waits for them instead of failing. Throws SIM_NOT_READY after `timeoutMs`.
 */
export async function waitUntilReady(targets: readonly ReadyTarget[], options: WaitOptions): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const deadline = Date.now() + options.timeoutMs;
  await Promise.all(
    targets.map(async (target) => {
      const url = `${target.baseUrl.replace(/\/$/, '')}/health/ready`;
      let pollMs = FIRST_POLL_MS;
      let lastProblem = 'no answer yet';
      let announced = false;
      while (!options.signal?.aborted) {
        try {
          const response = await doFetch(url, { signal: AbortSignal.timeout(5_000) });
          await response.body?.cancel();
          if (response.status === 200) {
            if (announced) options.log.info({ target: target.name, url }, 'ready');
            return;
          }
          lastProblem = `answered ${response.status}`;
        } catch (error) {
          lastProblem = fetchFailure(error);
        }
        if (Date.now() >= deadline) break;
        if (!announced) {
          options.log.info({ target: target.name, url, problem: lastProblem }, 'waiting for the service to be ready');
          announced = true;
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), options.signal);
        pollMs = Math.min(LAST_POLL_MS, pollMs * 2);
      }
      throw new SimulatorError(
        SimulatorErrorCode.SIM_NOT_READY,
        options.signal?.aborted
          ? `stopped while waiting for ${target.name} (${url})`
          : `${target.name} (${url}) was not ready after ${options.timeoutMs} ms: ${lastProblem}`,
        { retriable: true },
      );
    }),
  );
}
