import { backoffMs } from '../domain/retry-delay.js';
import type { DeviceReport, IngestClient } from './ingest-client.js';

/**
 * One device's outbox, as a real device keeps one: reports queue up between uploads; one request at
 * a time carries the oldest of them; a request that was not accepted is sent again unchanged (same
 * event ids, same sequences) after the server's Retry-After or a jittered backoff, so an outage of
 * ingest or Kafka delays reports but neither loses nor duplicates them.
 */

/** Reports in one request (ingest takes up to 500). */
export const BATCH_MAX = 100;
/** Reports a device keeps while ingest is unreachable; past it the oldest are dropped (and counted). */
export const MAX_PENDING = 10_000;
/** Longest wait after a 401 before trying again, ms. */
const UNAUTHORIZED_MAX_WAIT_MS = 5_000;

export interface UploadStats {
  /** Reports ingest answered 202 for as newly published... */
  accepted: number;
  /** ...or as already accepted before (a resend after a lost answer). */
  duplicates: number;
  /** Requests sent again after a 503, 429, 5xx, timeout or refused connection. */
  retries: number;
  /** Requests answered 401 (a device ingest does not know yet, or a revoked credential). */
  unauthorized: number;
  /** Reports refused for good (400, 403, 404, 413): a bug, logged with the reason. */
  rejected: number;
  /** Reports dropped because the outbox was full. */
  dropped: number;
}

export function emptyUploadStats(): UploadStats {
  return { accepted: 0, duplicates: 0, retries: 0, unauthorized: 0, rejected: 0, dropped: 0 };
}

export interface UploaderLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface UploaderDevice {
  readonly deviceId: string;
  /** Read at every attempt: a rotation replaces it. */
  credential(): string;
}

export interface ReportUploaderOptions {
  client: IngestClient;
  /** Real time between uploads while nothing is wrong, ms. */
  intervalMs: number;
  stats: UploadStats;
  log: UploaderLog;
  now: () => number;
  /** Uniform in [0, 1), for the backoff's jitter. */
  draw: () => number;
  /** Called on a 401; may rotate the device's credential (the next attempt reads it). */
  onUnauthorized: (deviceId: string, attempt: number) => Promise<void>;
  /** Called with the event ids of every 202 (accepted now or before). */
  onAccepted?: (deviceId: string, eventIds: readonly string[]) => void;
}

export interface ReportUploader {
  enqueue(report: DeviceReport): void;
  /** Whether an upload should start now: something to send, and its time has come. */
  due(nowMs: number): boolean;
  /** One upload attempt; never throws. */
  upload(): Promise<void>;
  /** Reports not yet accepted (queued or in the request being retried). */
  backlog(): number;
}

export function createReportUploader(device: UploaderDevice, options: ReportUploaderOptions): ReportUploader {
  const { stats, log } = options;
  const pending: DeviceReport[] = [];
  let inFlight: DeviceReport[] | null = null;
  let attempt = 0;
  let nextAttemptAt = 0;
  let droppingSince: number | null = null;

  return {
    enqueue(report) {
      if (pending.length >= MAX_PENDING) {
        pending.shift();
        stats.dropped++;
        if (droppingSince === null) {
          droppingSince = options.now();
          log.warn({ deviceId: device.deviceId, maxPending: MAX_PENDING }, 'outbox full: dropping the oldest reports');
        }
      }
      pending.push(report);
    },

    due(nowMs) {
      return (inFlight !== null || pending.length > 0) && nowMs >= nextAttemptAt;
    },

    backlog() {
      return pending.length + (inFlight?.length ?? 0);
    },

    async upload() {
      if (inFlight === null) {
        if (pending.length === 0) return;
        inFlight = pending.splice(0, BATCH_MAX);
      }
      const batch = inFlight;
      const outcome = await options.client.send(device.deviceId, device.credential(), batch);
      const now = options.now();
      switch (outcome.kind) {
        case 'accepted': {
          stats.accepted += outcome.accepted.length;
          stats.duplicates += outcome.duplicates.length;
          options.onAccepted?.(device.deviceId, [...outcome.accepted, ...outcome.duplicates]);
          if (attempt > 0)
            log.info({ deviceId: device.deviceId, attempts: attempt + 1 }, 'reports accepted after retries');
          inFlight = null;
          attempt = 0;
          droppingSince = null;
          // A backlog (after an outage) drains at once instead of one batch per interval.
          nextAttemptAt = pending.length >= BATCH_MAX ? now : now + options.intervalMs;
          return;
        }
        case 'retry': {
          attempt++;
          stats.retries++;
          const waitMs = outcome.afterMs ?? backoffMs(attempt, options.draw);
          nextAttemptAt = now + waitMs;
          // The first refusal of a streak is worth a line; the rest only at debug level.
          (attempt === 1 ? log.warn : log.debug).call(
            log,
            {
              deviceId: device.deviceId,
              status: outcome.status,
              reason: outcome.reason,
              attempt,
              waitMs,
              reports: batch.length,
            },
            'ingest did not accept the reports; sending the same ones again later',
          );
          return;
        }
        case 'unauthorized': {
          attempt++;
          stats.unauthorized++;
          log.debug(
            { deviceId: device.deviceId, reason: outcome.reason, attempt },
            'ingest does not know the credential yet',
          );
          await options.onUnauthorized(device.deviceId, attempt).catch((error: unknown) => {
            log.warn({ deviceId: device.deviceId, err: error }, 'could not renew the device credential');
          });
          // Usually a new credential still on its way to ingest through catalog.v1 (seconds): look
          // again soon rather than after the long waits of an outage.
          nextAttemptAt = options.now() + Math.min(UNAUTHORIZED_MAX_WAIT_MS, backoffMs(attempt, options.draw));
          return;
        }
        case 'rejected': {
          stats.rejected += batch.length;
          log.error(
            { deviceId: device.deviceId, status: outcome.status, reason: outcome.reason, reports: batch.length },
            'ingest refused the reports for good; they are dropped',
          );
          inFlight = null;
          attempt = 0;
          nextAttemptAt = now + options.intervalMs;
          return;
        }
      }
    },
  };
}
