/**
 * A worker process of the simulation: simulates the devices it is given and sends back one row per
 * device. Processes rather than worker threads, because tsx's loader (the TypeScript sources) is
 * inherited by a forked Node process but not by a worker thread on Node 20.
 */
import { type SimulationOptions, simulateRange } from './simulate-population.js';

export interface WorkerTask {
  options: SimulationOptions;
  from: number;
  to: number;
}

export type WorkerMessage =
  | { type: 'progress'; done: number }
  | ({ type: 'done' } & ReturnType<typeof simulateRange>)
  | { type: 'failed'; message: string };

/** Devices between two progress messages: often enough for a smooth bar, rare enough to cost nothing. */
const PROGRESS_EVERY = 20;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error('worker.ts runs as a forked child of run.ts'));
      return;
    }
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

process.once('message', (task: WorkerTask) => {
  void (async () => {
    try {
      let done = 0;
      const result = simulateRange(task.options, task.from, task.to, () => {
        done++;
        if (done % PROGRESS_EVERY === 0) process.send?.({ type: 'progress', done } satisfies WorkerMessage);
      });
      await send({ type: 'progress', done });
      await send({ type: 'done', ...result });
    } catch (error) {
      await send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
    process.disconnect?.();
  })();
});
