import { describeError } from '@restock/errors';
import type { BusLog } from '@restock/kafka';
import type { Redis } from '@restock/redis';
import type { ChangeLog, ChangeMessage } from './change-log.js';

/** An open event stream, as the hub sees it. */
export interface ChangeListener {
  /** A change of the device (possibly one the listener has already had: it de-duplicates by id). */
  onChange(change: ChangeMessage): void;
  /** Changes may have been missed (the subscription was down): catch up from the log or resend the state. */
  onResync(): void;
}

/**
 * This replica's side of the fan-out: one Redis subscriber connection, subscribed to the channel of
 * every device that has an open stream here, dispatching to the streams. When Redis cannot carry a
 * change, the replica's own inventory.v1 consumer hands it over directly (every replica reads every
 * change), so open streams keep receiving while Redis is down.
 */
export interface ChangeHub {
  /**
   * Starts delivering the device's changes to the listener. Resolves once Redis confirmed the
   * subscription, or could not (then the listener gets direct deliveries until Redis is back).
   */
  subscribe(deviceId: string, listener: ChangeListener): Promise<() => void>;
  /** Hands a change to this replica's listeners of its device directly. */
  deliverLocally(change: ChangeMessage): void;
  /** Open streams on this replica. */
  listeners(): number;
  stop(): Promise<void>;
}

export function createChangeHub(options: { subscriber: Redis; changeLog: ChangeLog; log: BusLog }): ChangeHub {
  const { subscriber, changeLog, log } = options;
  const byDevice = new Map<string, Set<ChangeListener>>();
  // The SUBSCRIBE of each device in use: every listener waits for it, not only the first.
  const subscribing = new Map<string, Promise<void>>();
  let stopped = false;

  function dispatch(deviceId: string, change: ChangeMessage): void {
    for (const listener of byDevice.get(deviceId) ?? []) {
      try {
        // After a reset the device's ids start lower: a stream must resend the state, not compare ids.
        if (change.reset === true) listener.onResync();
        else listener.onChange(change);
      } catch (error) {
        // One stream's failure must not keep the change from the others.
        log.warn({ deviceId, reason: describeError(error) }, 'delivering a change to a stream failed');
      }
    }
  }

  subscriber.on('message', (channel: string, message: string) => {
    const deviceId = changeLog.deviceOfChannel(channel);
    if (deviceId === undefined) return;
    let change: ChangeMessage;
    try {
      change = changeLog.parseMessage(message);
    } catch (error) {
      log.warn({ channel, reason: describeError(error) }, 'an unreadable change was published; ignored');
      return;
    }
    dispatch(deviceId, change);
  });

  // After any (re)connection: subscribe again to every channel in use (a SUBSCRIBE refused while Redis
  // was down is not remembered by the client), then let every stream catch up on what it missed.
  subscriber.on('ready', () => {
    if (stopped || byDevice.size === 0) return;
    const channels = [...byDevice.keys()].map((d) => changeLog.channelOf(d));
    void subscriber
      .subscribe(...channels)
      .then(() => {
        for (const listeners of byDevice.values()) for (const listener of listeners) listener.onResync();
      })
      .catch((error: unknown) => log.warn({ reason: describeError(error) }, 'resubscribing to changes failed'));
  });

  return {
    async subscribe(deviceId, listener) {
      let listeners = byDevice.get(deviceId);
      if (listeners === undefined) {
        listeners = new Set();
        byDevice.set(deviceId, listeners);
        subscribing.set(
          deviceId,
          subscriber.subscribe(changeLog.channelOf(deviceId)).then(
            () => undefined,
            (error: unknown) => {
              log.warn(
                { deviceId, reason: describeError(error) },
                'subscribing to changes failed; direct deliveries only',
              );
            },
          ),
        );
      }
      listeners.add(listener);
      await subscribing.get(deviceId);
      return () => {
        const set = byDevice.get(deviceId);
        if (set === undefined || !set.delete(listener) || set.size > 0) return;
        byDevice.delete(deviceId);
        subscribing.delete(deviceId);
        subscriber.unsubscribe(changeLog.channelOf(deviceId)).catch(() => {
          // A dead connection has no subscriptions to drop; the next 'ready' subscribes only what is in use.
        });
      };
    },
    deliverLocally(change) {
      dispatch(change.event.deviceId, change);
    },
    listeners() {
      let n = 0;
      for (const set of byDevice.values()) n += set.size;
      return n;
    },
    async stop() {
      stopped = true;
      byDevice.clear();
      subscribing.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
