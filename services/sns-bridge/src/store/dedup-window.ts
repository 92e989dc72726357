import { describeError } from '@restock/errors';
import type { Redis } from '@restock/redis';

/** Which id Redis remembered. */
export type WindowHit = 'message' | 'notification';

/**
 * The fast path of de-duplication: Redis remembers recently handled SNS MessageIds and published DRS
 * notificationIds for a window. It is only ever a shortcut. Ids are written after PostgreSQL committed
 * them, so Redis never knows an id PostgreSQL does not; and when Redis is down or was flushed, every
 * question falls through to PostgreSQL, which decides (nothing lives only in Redis).
 */
export interface DedupWindow {
  /** The id Redis remembers, or null when it remembers neither (or cannot be asked). */
  check(messageId: string, notificationId: string | null): Promise<WindowHit | null>;
  /** Remembers the ids for the window; best effort. */
  remember(messageId: string, notificationId: string | null): Promise<void>;
}

export interface DedupWindowOptions {
  redis: Redis;
  windowSeconds: number;
  log: { warn(obj: object, msg?: string): void };
}

export function createDedupWindow(options: DedupWindowOptions): DedupWindow {
  const { redis, windowSeconds, log } = options;
  return {
    async check(messageId, notificationId) {
      try {
        const keys =
          notificationId === null ? [messageKey(messageId)] : [messageKey(messageId), notificationKey(notificationId)];
        const [message, notification] = await redis.mget(...keys);
        if (message !== null && message !== undefined) return 'message';
        if (notification !== null && notification !== undefined) return 'notification';
        return null;
      } catch (error) {
        log.warn({ reason: describeError(error) }, 'de-duplication window unavailable; PostgreSQL decides');
        return null;
      }
    },
    async remember(messageId, notificationId) {
      try {
        const multi = redis.multi().set(messageKey(messageId), '1', 'EX', windowSeconds);
        if (notificationId !== null) multi.set(notificationKey(notificationId), '1', 'EX', windowSeconds);
        await multi.exec();
      } catch (error) {
        log.warn({ reason: describeError(error) }, 'could not extend the de-duplication window');
      }
    },
  };
}

function messageKey(messageId: string): string {
  return `sns:message:${messageId}`;
}

function notificationKey(notificationId: string): string {
  return `drs:notification:${notificationId}`;
}
