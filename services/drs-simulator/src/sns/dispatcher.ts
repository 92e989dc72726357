import { describeError } from '@restock/errors';
import { type Pool, withTransaction } from '@restock/postgres';
import type { Logger } from '@restock/telemetry';
import { shouldRelease } from '../domain/faults.js';
import type { FaultInjector } from '../fault-injector.js';
import type { SimulatedClock } from '../simulated-clock.js';
import {
  type Delivery,
  dueDeliveries,
  lockHeldDeliveries,
  recordAttempt,
  releaseInOrder,
} from '../store/deliveries-store.js';

/** Sends queued SNS messages to their endpoints, as SNS's HTTP/S delivery does. */
export interface Dispatcher {
  /** Lets go of messages held by the reorder fault whose window is full or whose wait is over. */
  releaseHeld(): Promise<number>;
  /** Attempts every delivery due now; returns how many were attempted and how they ended. */
  dispatchDue(): Promise<DispatchSummary>;
}

export interface DispatchSummary {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

export interface DispatcherOptions {
  pool: Pool;
  clock: SimulatedClock;
  faults: FaultInjector;
  log: Logger;
  /** Retries after the first attempt (SNS's default: 3). */
  retries: number;
  retryDelaySeconds: number; // s, simulated
  timeoutMs: number; // ms, real
}

const BATCH = 500;
const USER_AGENT = 'Amazon Simple Notification Service Agent';

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { pool, clock, faults, log } = options;

  /** One POST; `unreachable` when no HTTP answer came at all (refused, reset, timed out). */
  async function attempt(
    delivery: Delivery,
  ): Promise<{ outcome: 'delivered' | 'pending' | 'failed'; unreachable: boolean }> {
    const attemptNumber = delivery.attempts + 1;
    const attemptedAt = clock.now();
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const { url, authorization } = splitCredentials(delivery.endpoint);
      const response = await fetch(url, {
        method: 'POST',
        headers: headersOf(delivery, authorization),
        body: delivery.body,
        // A redirect is not a delivery; SNS does not say it follows them, so it counts as a failure.
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      statusCode = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (cause) {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout...) is its cause.
      const reason = (cause as { cause?: unknown }).cause;
      error = reason === undefined ? describeError(cause) : `${describeError(cause)}: ${describeError(reason)}`;
    }
    const durationMs = Math.round(performance.now() - started);
    // Which answers SNS retries is not documented (DRS-SNS-SPEC 3.4, UNVERIFIED): any non-2xx answer or
    // network failure is retried here, the robust reading for an endpoint under test.
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const status = ok ? 'delivered' : attemptNumber > options.retries ? 'failed' : 'pending';
    const nextAttemptAt =
      status === 'pending' ? new Date(clock.now().getTime() + options.retryDelaySeconds * 1000) : undefined;
    await recordAttempt(
      pool,
      delivery.deliveryId,
      { attempt: attemptNumber, attemptedAt, statusCode, error, durationMs },
      { status, ...(nextAttemptAt !== undefined ? { nextAttemptAt } : {}) },
    );
    const fields = {
      deliveryId: delivery.deliveryId,
      messageId: delivery.messageId,
      messageType: delivery.messageType,
      endpoint: delivery.endpoint,
      attempt: attemptNumber,
      statusCode,
      error,
      durationMs,
      outcome: status,
      ...(nextAttemptAt !== undefined ? { nextAttemptAt: nextAttemptAt.toISOString() } : {}),
    };
    if (ok) log.info(fields, 'sns delivery attempt succeeded');
    else log.warn(fields, status === 'failed' ? 'sns delivery failed for good' : 'sns delivery attempt failed');
    return { outcome: status, unreachable: statusCode === null };
  }

  return {
    async releaseHeld(): Promise<number> {
      return withTransaction(pool, async (tx) => {
        const held = await lockHeldDeliveries(tx);
        const bySubscription = groupBy(held, (d) => d.subscriptionArn);
        const settings = faults.settings().notifications;
        const now = clock.now();
        let released = 0;
        for (const group of bySubscription.values()) {
          // Window by window, oldest first: each full window (or the rest, once it has waited long
          // enough) goes out in a shuffled order, so messages move only within their window.
          let waiting = group;
          while (shouldRelease(settings, waiting.length, waiting[0]?.createdAt, now)) {
            const window = waiting.slice(0, Math.max(1, settings.reorderWindow));
            waiting = waiting.slice(window.length);
            const order = faults.shuffle(window.map((d) => d.deliveryId));
            await releaseInOrder(tx, order);
            released += order.length;
            log.info({ subscriptionArn: window[0]?.subscriptionArn, order }, 'held deliveries released shuffled');
          }
        }
        return released;
      });
    },

    async dispatchDue(): Promise<DispatchSummary> {
      const due = await dueDeliveries(pool, clock.now(), BATCH);
      const summary: DispatchSummary = { attempted: due.length, delivered: 0, retrying: 0, failed: 0 };
      // One endpoint gets its messages one at a time, in queue order; endpoints do not wait for each other.
      // After an endpoint gave no answer at all, its other messages wait for the next tick, untried: a
      // blackholed endpoint must not hold the ticker (and the order life) for timeout x queue length.
      await Promise.all(
        [...groupBy(due, (d) => d.subscriptionArn).values()].map(async (group) => {
          for (const delivery of group) {
            const { outcome, unreachable } = await attempt(delivery);
            if (outcome === 'delivered') summary.delivered++;
            else if (outcome === 'failed') summary.failed++;
            else summary.retrying++;
            if (unreachable) break;
          }
        }),
      );
      summary.attempted = summary.delivered + summary.failed + summary.retrying;
      return summary;
    },
  };
}

function headersOf(delivery: Delivery, authorization: string | undefined): Record<string, string> {
  const topicArn = (JSON.parse(delivery.body) as { TopicArn: string }).TopicArn;
  return {
    'content-type': 'text/plain; charset=UTF-8',
    'user-agent': USER_AGENT,
    'x-amz-sns-message-type': delivery.messageType,
    'x-amz-sns-message-id': delivery.messageId,
    'x-amz-sns-topic-arn': topicArn,
    // A confirmation goes out before the subscription exists, so SNS sends no subscription ARN with it.
    ...(delivery.messageType !== 'SubscriptionConfirmation'
      ? { 'x-amz-sns-subscription-arn': delivery.subscriptionArn }
      : {}),
    ...(authorization !== undefined ? { authorization } : {}),
  };
}

/** SNS lets an endpoint carry Basic credentials (`https://user:pass@host/path`); fetch wants them as a header. */
function splitCredentials(endpoint: string): { url: string; authorization: string | undefined } {
  const url = new URL(endpoint);
  if (url.username === '' && url.password === '') return { url: url.href, authorization: undefined };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
