import { afterEach, describe, expect, it } from 'vitest';
import { type Closer, closeOnSignals, type GracefulShutdown } from './close-on-signals.js';
import { createReadinessState } from './readiness.js';

function recordingLog() {
  const entries: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  return {
    entries,
    info: (obj: object, msg?: string) => entries.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    error: (obj: object, msg?: string) => entries.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
}

describe('closeOnSignals', () => {
  let handle: GracefulShutdown | undefined;
  afterEach(() => handle?.dispose());

  it('marks the process not ready, runs the closers in order, logs each and exits 0', async () => {
    const readiness = createReadinessState();
    const order: string[] = [];
    const exits: number[] = [];
    const closer = (name: string): Closer => ({
      name,
      close: async () => {
        expect(readiness.shuttingDown).toBe(true);
        order.push(name);
      },
    });
    const log = recordingLog();
    handle = closeOnSignals({
      log,
      readiness,
      closers: [closer('http'), closer('consumer'), closer('postgres')],
      exit: (code) => exits.push(code),
    });

    expect(await handle.shutdown('SIGTERM')).toBe(0);
    expect(order).toEqual(['http', 'consumer', 'postgres']);
    expect(exits).toEqual([0]);
    expect(log.entries.filter((e) => e.msg === 'closed').map((e) => e.obj['closer'])).toEqual([
      'http',
      'consumer',
      'postgres',
      'telemetry',
    ]);
  });

  it('keeps closing after a failing closer and exits 1', async () => {
    const closed: string[] = [];
    const exits: number[] = [];
    handle = closeOnSignals({
      log: recordingLog(),
      readiness: createReadinessState(),
      closers: [
        {
          name: 'consumer',
          close: async () => {
            throw new Error('leave group failed');
          },
        },
        { name: 'postgres', close: async () => void closed.push('postgres') },
      ],
      exit: (code) => exits.push(code),
    });
    expect(await handle.shutdown('SIGTERM')).toBe(1);
    expect(closed).toEqual(['postgres']);
    expect(exits).toEqual([1]);
  });

  it('exits 1 when the closers outlive the timeout', async () => {
    const exits: number[] = [];
    const log = recordingLog();
    handle = closeOnSignals({
      log,
      readiness: createReadinessState(),
      timeoutMs: 20,
      closers: [{ name: 'stuck', close: () => new Promise(() => {}) }],
      exit: (code) => exits.push(code),
    });
    expect(await handle.shutdown('SIGTERM')).toBe(1);
    expect(exits).toEqual([1]);
    expect(log.entries.some((e) => e.level === 'error' && e.msg === 'shutdown timed out; exiting')).toBe(true);
  });

  it('shuts down once however often it is asked', async () => {
    let closes = 0;
    const exits: number[] = [];
    handle = closeOnSignals({
      log: recordingLog(),
      readiness: createReadinessState(),
      closers: [{ name: 'http', close: async () => void closes++ }],
      exit: (code) => exits.push(code),
    });
    await Promise.all([handle.shutdown('SIGTERM'), handle.shutdown('SIGINT')]);
    expect(closes).toBe(1);
    expect(exits).toEqual([0]);
  });
});
