import { describeError } from '@restock/errors';
import type { Logger } from '@restock/telemetry';
import { advanceOrders } from './actions/advance-orders.js';
import type { SimulatorContext } from './simulator-context.js';
import type { Dispatcher, DispatchSummary } from './sns/dispatcher.js';

/** What one tick did. */
export interface TickSummary {
  now: string;
  shipped: number;
  delivered: number;
  expired: number;
  released: number;
  deliveries: DispatchSummary;
}

/** Runs the simulator's time-driven work, one tick at a time. */
export interface Ticker {
  /** Runs a tick now (after the one in progress, if any) and resolves with what it did. */
  tick(): Promise<TickSummary>;
  /** Starts ticking every `intervalMs` real ms; 0 leaves ticking to `tick()`. */
  start(): void;
  /** Stops ticking and waits for the tick in progress. */
  stop(): Promise<void>;
}

/**
 * Ticks never overlap: a tick is the order life (ship, deliver), then the release of held messages,
 * then the delivery attempts due, all against simulated now.
 */
export function createTicker(options: {
  context: SimulatorContext;
  dispatcher: Dispatcher;
  intervalMs: number;
  log: Logger;
}): Ticker {
  const { context, dispatcher, intervalMs, log } = options;
  let last: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function runOnce(): Promise<TickSummary> {
    const orders = await advanceOrders(context);
    const released = await dispatcher.releaseHeld();
    const deliveries = await dispatcher.dispatchDue();
    return { now: context.clock.now().toISOString(), ...orders, released, deliveries };
  }

  function tick(): Promise<TickSummary> {
    const next = last.then(runOnce, runOnce);
    last = next.catch(() => undefined);
    return next;
  }

  function schedule(): void {
    if (stopped || intervalMs === 0) return;
    timer = setTimeout(() => {
      tick()
        .catch((error: unknown) => log.error({ err: error, reason: describeError(error) }, 'tick failed'))
        .finally(schedule);
    }, intervalMs);
  }

  return {
    tick,
    start: () => {
      stopped = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await last;
    },
  };
}
