import { describeError, isRetriable, RestockError } from '@restock/errors';
import type { OutgoingMessage } from '@restock/kafka';
import { PgErrorCode, type Pool, withTransaction } from '@restock/postgres';
import {
  type CertificateSource,
  parseDrsNotification,
  type SnsHostRule,
  type SnsNotification,
  type SnsSubscriptionConfirmation,
  type SnsUnsubscribeConfirmation,
  SnsVerificationCode,
  type SnsVerificationFailure,
  verifySnsMessage,
} from '@restock/sns';
import { injectTraceHeaders, type Logger } from '@restock/telemetry';
import type { Publisher } from '../bus/publisher.js';
import { BridgeErrorCode } from '../domain/bridge-error.js';
import {
  type Decision,
  deadLetterOfUnparsed,
  decideNotification,
  ordersCodec,
  subscriptionsCodec,
} from '../domain/notification-to-event.js';
import type { BridgeMetrics } from '../metrics.js';
import type { SubscriptionConfirmer } from '../sns/subscription-confirmer.js';
import type { CatalogCopyStore } from '../store/catalog-copy.js';
import type { DedupWindow } from '../store/dedup-window.js';
import type { SnsRecordStore } from '../store/sns-records.js';

/** The topics the bridge writes; tests pass suffixed names. */
export interface BridgeTopics {
  orders: string;
  subscriptions: string;
  snsDlq: string;
}

/** The 200 answer to SNS, saying what became of the message (SNS ignores the body; people read it). */
export type SnsAnswer =
  | { outcome: 'published'; eventId: string; eventType: string }
  | { outcome: 'dead-lettered'; code: string; reason: string }
  | { outcome: 'duplicate'; of: 'message' | 'notification'; via: 'window' | 'record' }
  | { outcome: 'confirmed'; subscriptionArn: string | null }
  | { outcome: 'unsubscribe-recorded' };

export interface SnsReceiverOptions {
  pool: Pool;
  log: Logger;
  clock: () => Date;
  certificateSource: CertificateSource;
  certificateHosts: SnsHostRule;
  insecureOrigins: readonly string[];
  allowedTopicArns: readonly string[];
  topics: BridgeTopics;
  catalog: CatalogCopyStore;
  records: SnsRecordStore;
  window: DedupWindow;
  publisher: Publisher;
  confirmer: SubscriptionConfirmer;
  metrics: BridgeMetrics;
}

export interface SnsReceiver {
  /**
   * Verifies and acts on one SNS HTTP message. Resolves with the 200 answer; rejects with a RestockError
   * carrying the status (4xx: refused for good; 5xx: SNS should deliver again, nothing was recorded).
   */
  receive(rawBody: string, messageTypeHeader: string | undefined): Promise<SnsAnswer>;
}

/** The ids of one Notification, as logged with everything that happens to it. */
interface NotificationIds {
  messageId: string;
  topicArn: string;
  notificationId: string | null;
}

/** What the recording transaction found: a duplicate, or the decision it published. */
type TxResult = { kind: 'duplicate'; of: 'message' | 'notification' } | { kind: 'done'; decision: Decision };

const DLQ_REASON_MAX = 2_000; // characters, as the bus's own dead letters

/**
 * The SNS endpoint's logic: the body is the only truth, and nothing is acted on before it is verified
 * (signature, certificate URL and host, topic allow-list, type header). A Notification becomes exactly
 * one event (or one dead letter), recorded as seen in the same PostgreSQL transaction that waits for
 * Kafka's acknowledgement, so a Kafka failure rolls the record back and the retried delivery starts over.
 */
export function createSnsReceiver(options: SnsReceiverOptions): SnsReceiver {
  const { log, metrics } = options;

  async function onNotification(message: SnsNotification, rawBody: string): Promise<SnsAnswer> {
    const receivedAt = options.clock();
    const parsed = parseDrsNotification(message.Message);
    const notificationId = parsed.ok ? parsed.notification.notificationId : null;
    const ids: NotificationIds = { messageId: message.MessageId, topicArn: message.TopicArn, notificationId };

    const hit = await options.window.check(message.MessageId, notificationId);
    if (hit !== null) return duplicate(ids, hit, 'window');

    const decision: Decision = parsed.ok
      ? decideNotification(
          parsed.notification,
          await options.catalog.findDevice(parsed.notification.modelId, parsed.notification.serialNumber),
          receivedAt,
        )
      : deadLetterOfUnparsed(parsed);

    const result = await record(message, rawBody, decision, notificationId, receivedAt).catch((error: unknown) => {
      // Nothing was recorded (the transaction rolled back): SNS's retry starts over.
      metrics.message('Notification', 'unavailable');
      throw error;
    });
    return answer(result, ids);
  }

  /**
   * Records the message (and the notification, when it becomes an event) and publishes, in one
   * transaction that commits only after Kafka's acknowledgement.
   */
  function record(
    message: SnsNotification,
    rawBody: string,
    decision: Decision,
    notificationId: string | null,
    receivedAt: Date,
  ): Promise<TxResult> {
    return withTransaction(options.pool, async (tx): Promise<TxResult> => {
      const fresh = await options.records.recordMessage(tx, {
        messageId: message.MessageId,
        topicArn: message.TopicArn,
        notificationId,
        outcome: decision.kind === 'publish' ? 'published' : 'dead-lettered',
        code: decision.kind === 'publish' ? null : decision.code,
        receivedAt,
      });
      if (!fresh) return { kind: 'duplicate', of: 'message' };

      if (decision.kind === 'publish') {
        const first = await options.records.recordNotification(tx, {
          notificationId: decision.notificationId,
          messageId: message.MessageId,
          eventId: decision.event.id,
          eventType: decision.event.type,
          deviceId: decision.event.deviceId,
          publishedAt: receivedAt,
        });
        if (!first) {
          await options.records.markDuplicateNotification(tx, message.MessageId);
          return { kind: 'duplicate', of: 'notification' };
        }
        // Awaited inside the transaction: the ids commit only once Kafka has the event.
        if (decision.stream === 'orders') {
          await options.publisher.publish(ordersCodec, [decision.event], options.topics.orders);
        } else {
          await options.publisher.publish(subscriptionsCodec, [decision.event], options.topics.subscriptions);
        }
        return { kind: 'done', decision };
      }

      if (
        decision.notificationId !== null &&
        (await options.records.wasNotificationPublished(tx, decision.notificationId))
      ) {
        await options.records.markDuplicateNotification(tx, message.MessageId);
        return { kind: 'duplicate', of: 'notification' };
      }
      await options.publisher.sendMessages([
        deadLetterMessage(options.topics.snsDlq, message, rawBody, decision, receivedAt),
      ]);
      return { kind: 'done', decision };
    });
  }

  async function answer(result: TxResult, ids: NotificationIds): Promise<SnsAnswer> {
    if (result.kind === 'duplicate') return duplicate(ids, result.of, 'record');
    const done = result.decision;
    if (done.kind === 'publish') {
      await options.window.remember(ids.messageId, done.notificationId);
      metrics.message('Notification', 'published');
      log.info(
        { ...ids, eventId: done.event.id, eventType: done.event.type, deviceId: done.event.deviceId },
        'DRS notification published',
      );
      return { outcome: 'published', eventId: done.event.id, eventType: done.event.type };
    }
    // Only the MessageId: a dead-lettered notificationId sent again by DRS (its device known by then) is new.
    await options.window.remember(ids.messageId, null);
    metrics.message('Notification', 'dead-lettered');
    metrics.deadLetter(done.code);
    log.warn({ ...ids, code: done.code, reason: done.reason }, 'DRS notification dead-lettered');
    return { outcome: 'dead-lettered', code: done.code, reason: done.reason };
  }

  async function duplicate(
    ids: NotificationIds,
    of: 'message' | 'notification',
    via: 'window' | 'record',
  ): Promise<SnsAnswer> {
    // A duplicate found in PostgreSQL refills the window (Redis was flushed, or the window had passed).
    if (via === 'record') {
      await options.window.remember(ids.messageId, of === 'notification' ? ids.notificationId : null);
    }
    metrics.message('Notification', 'duplicate');
    log.info({ ...ids, of, via }, 'duplicate SNS delivery; nothing published');
    return { outcome: 'duplicate', of, via };
  }

  async function onSubscriptionConfirmation(message: SnsSubscriptionConfirmation): Promise<SnsAnswer> {
    const context = { messageId: message.MessageId, topicArn: message.TopicArn };
    let subscriptionArn: string | null;
    try {
      ({ subscriptionArn } = await options.confirmer.confirm(new URL(message.SubscribeURL)));
    } catch (error) {
      metrics.message(message.Type, 'unavailable');
      log.warn({ ...context, err: error }, 'confirming the SNS subscription failed; SNS will send it again');
      throw error;
    }
    await options.records.recordSubscriptionConfirmation({
      messageId: message.MessageId,
      topicArn: message.TopicArn,
      subscriptionArn,
      confirmedAt: options.clock(),
    });
    metrics.message(message.Type, 'confirmed');
    log.info({ ...context, subscriptionArn }, 'SNS subscription confirmed');
    return { outcome: 'confirmed', subscriptionArn };
  }

  async function onUnsubscribeConfirmation(message: SnsUnsubscribeConfirmation): Promise<SnsAnswer> {
    const first = await options.records.recordUnsubscribeConfirmation({
      messageId: message.MessageId,
      topicArn: message.TopicArn,
      token: message.Token,
      subscribeUrl: message.SubscribeURL,
      snsTimestamp: message.Timestamp,
      receivedAt: options.clock(),
    });
    metrics.message(message.Type, 'unsubscribed');
    // An alert, not an error of ours: DRS notifications stop until someone re-subscribes (the recorded
    // SubscribeURL does it), and orders would then go unnoticed. The token stays out of the log.
    log.error(
      { alert: 'sns-unsubscribed', messageId: message.MessageId, topicArn: message.TopicArn, firstTime: first },
      'SNS subscription ended: DRS notifications from this topic stop until it is subscribed again',
    );
    return { outcome: 'unsubscribe-recorded' };
  }

  return {
    async receive(rawBody, messageTypeHeader) {
      try {
        return await receiveVerified(rawBody, messageTypeHeader);
      } catch (error) {
        throw asServiceError(error);
      }
    },
  };

  async function receiveVerified(rawBody: string, messageTypeHeader: string | undefined): Promise<SnsAnswer> {
    if (messageTypeHeader === undefined) {
      metrics.message('unknown', 'refused');
      throw new RestockError(
        BridgeErrorCode.BRG_TYPE_HEADER_MISSING,
        'x-amz-sns-message-type header is missing: SNS sends it with every message',
        { status: 400 },
      );
    }
    const verified = await verifySnsMessage(rawBody, {
      certificateSource: options.certificateSource,
      allowedTopicArns: options.allowedTopicArns,
      certificateHost: options.certificateHosts,
      insecureOrigins: options.insecureOrigins,
      clock: options.clock,
      expectedMessageType: messageTypeHeader,
    });
    if (!verified.ok) throw refused(verified, messageTypeHeader, rawBody);
    const { message } = verified;
    switch (message.Type) {
      case 'Notification':
        return onNotification(message, rawBody);
      case 'SubscriptionConfirmation':
        return onSubscriptionConfirmation(message);
      case 'UnsubscribeConfirmation':
        return onUnsubscribeConfirmation(message);
    }
  }

  function refused(failure: SnsVerificationFailure, messageType: string, rawBody: string): RestockError {
    metrics.message(messageType, failure.retriable ? 'unavailable' : 'refused');
    const claimed = claimedIds(rawBody);
    if (failure.retriable) {
      log.warn(
        { ...claimed, code: failure.code, reason: failure.reason },
        'SNS message not verifiable now; SNS retries',
      );
    } else {
      log.warn({ ...claimed, messageType, code: failure.code, reason: failure.reason }, 'SNS message refused');
    }
    return new RestockError(failure.code, failure.reason, {
      status: refusalStatus(failure),
      retriable: failure.retriable,
    });
  }
}

/**
 * A PostgreSQL or network fault that is not yet a RestockError becomes a retriable one, so the one error
 * handler answers 503 (SNS retries) rather than 500; everything else passes through unchanged.
 */
function asServiceError(error: unknown): unknown {
  if (error instanceof RestockError || !isRetriable(error)) return error;
  return new RestockError(PgErrorCode.PG_UNAVAILABLE, `a dependency is unavailable: ${describeError(error)}`, {
    cause: error,
    retriable: true,
  });
}

/**
 * 503 when trying again may verify it (the certificate host did not answer), so SNS retries; 400 for a
 * body that is not an SNS message at all; 403 for everything that is, but is not to be trusted.
 */
function refusalStatus(failure: SnsVerificationFailure): number {
  if (failure.retriable) return 503;
  if (failure.code === SnsVerificationCode.SNS_MALFORMED || failure.code === SnsVerificationCode.SNS_TYPE_MISMATCH) {
    return 400;
  }
  return 403;
}

/** The ids a refused body claims, for the log only (they are unverified by definition). */
function claimedIds(rawBody: string): { claimedMessageId?: string; claimedTopicArn?: string } {
  try {
    const body = JSON.parse(rawBody) as { MessageId?: unknown; TopicArn?: unknown };
    return {
      ...(typeof body.MessageId === 'string' ? { claimedMessageId: body.MessageId.slice(0, 100) } : {}),
      ...(typeof body.TopicArn === 'string' ? { claimedTopicArn: body.TopicArn.slice(0, 300) } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * A dead letter of `sns.dlq`: the SNS body exactly as received (it can be verified again), keyed by the
 * notification (or message) id, with the reason in headers named as the bus's own dead letters.
 */
function deadLetterMessage(
  topic: string,
  message: SnsNotification,
  rawBody: string,
  decision: Extract<Decision, { kind: 'dead-letter' }>,
  failedAt: Date,
): OutgoingMessage {
  return {
    topic,
    key: decision.notificationId ?? message.MessageId,
    value: Buffer.from(rawBody, 'utf8'),
    headers: {
      'dlq-reason': decision.reason.slice(0, DLQ_REASON_MAX),
      'dlq-code': decision.code,
      'dlq-source': 'sns-bridge',
      'dlq-failed-at': failedAt.toISOString(),
      'sns-message-id': message.MessageId,
      'sns-topic-arn': message.TopicArn,
      ...(decision.notificationId === null ? {} : { 'drs-notification-id': decision.notificationId }),
      ...injectTraceHeaders({}),
    },
  };
}
