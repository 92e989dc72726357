import { randomUUID } from 'node:crypto';
import type { Tx } from '@restock/postgres';
import {
  buildDrsMessageAttributes,
  buildDrsNotification,
  type DrsNotification,
  type SnsSignatureVersion,
  signSnsMessage,
} from '@restock/sns';
import type { Logger } from '@restock/telemetry';
import type { FaultInjector } from '../fault-injector.js';
import type { SimulatedClock } from '../simulated-clock.js';
import { insertDelivery } from '../store/deliveries-store.js';
import { insertNotification } from '../store/notifications-store.js';
import { confirmedSubscriptions, type SnsSubscription } from '../store/subscriptions-store.js';
import type { SigningIdentity } from './signing-identity.js';
import { signingCertUrl, subscribeUrl, unsubscribeUrl } from './sns-urls.js';

/** Puts SNS messages in the delivery queue, signed, in the caller's transaction. */
export interface Publisher {
  /**
   * Publishes a DRS notification on a topic: logs it, and queues one signed Notification per confirmed
   * subscription (pending ones get nothing, as on SNS), with the delivery faults in force.
   */
  publish(tx: Tx, input: { registrationId: string; topicArn: string; notification: DrsNotification }): Promise<void>;
  /** Queues the SubscriptionConfirmation of a new (or still pending) subscription. */
  requestConfirmation(tx: Tx, subscription: SnsSubscription): Promise<void>;
  /** Queues the UnsubscribeConfirmation SNS sends after an endpoint was unsubscribed. */
  confirmUnsubscribe(tx: Tx, subscription: SnsSubscription): Promise<void>;
}

export interface PublisherOptions {
  identity: SigningIdentity;
  publicBaseUrl: string;
  signatureVersion: SnsSignatureVersion;
  clock: SimulatedClock;
  faults: FaultInjector;
  log: Logger;
}

export function createPublisher(options: PublisherOptions): Publisher {
  const { identity, publicBaseUrl, signatureVersion, clock, faults, log } = options;
  const signing = {
    privateKeyPem: identity.privateKey,
    signatureVersion,
    signingCertUrl: signingCertUrl(publicBaseUrl, identity.certName),
  };

  async function queueConfirmationMessage(
    tx: Tx,
    subscription: SnsSubscription,
    type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation',
  ): Promise<void> {
    const now = clock.now();
    const messageId = randomUUID();
    // SNS's own wording of both messages (DRS-SNS-SPEC 3.2).
    const message =
      type === 'SubscriptionConfirmation'
        ? `You have chosen to subscribe to the topic ${subscription.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
        : `You have chosen to deactivate subscription ${subscription.subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
    const body = signSnsMessage(
      {
        Type: type,
        MessageId: messageId,
        Token: subscription.token,
        TopicArn: subscription.topicArn,
        Message: message,
        SubscribeURL: subscribeUrl(publicBaseUrl, subscription.topicArn, subscription.token),
        Timestamp: now.toISOString(),
      },
      signing,
    );
    await insertDelivery(tx, {
      subscriptionArn: subscription.subscriptionArn,
      endpoint: subscription.endpoint,
      messageType: type,
      messageId,
      notificationId: null,
      body: JSON.stringify(body),
      status: 'pending',
      nextAttemptAt: now,
      createdAt: now,
    });
  }

  return {
    async publish(tx, { registrationId, topicArn, notification }): Promise<void> {
      const now = clock.now();
      const message = buildDrsNotification(notification);
      const attributes = buildDrsMessageAttributes(notification);
      await insertNotification(tx, {
        notificationId: notification.notificationId,
        registrationId,
        notificationType: notification.type,
        topicArn,
        message,
        publishedAt: now,
      });
      // One MessageId per publication, the same for every subscriber and every retry, as on SNS.
      const messageId = randomUUID();
      const subscriptions = await confirmedSubscriptions(tx, topicArn);
      for (const subscription of subscriptions) {
        const body = JSON.stringify(
          signSnsMessage(
            {
              Type: 'Notification',
              MessageId: messageId,
              TopicArn: topicArn,
              Message: message,
              Timestamp: now.toISOString(),
              UnsubscribeURL: unsubscribeUrl(publicBaseUrl, subscription.subscriptionArn),
              ...(attributes !== undefined ? { MessageAttributes: attributes } : {}),
            },
            signing,
          ),
        );
        const plan = faults.planDelivery();
        for (let copy = 0; copy < plan.copies; copy++) {
          await insertDelivery(tx, {
            subscriptionArn: subscription.subscriptionArn,
            endpoint: subscription.endpoint,
            messageType: 'Notification',
            messageId,
            notificationId: notification.notificationId,
            body,
            status: plan.held ? 'held' : 'pending',
            nextAttemptAt: new Date(now.getTime() + plan.delaySeconds * 1000),
            createdAt: now,
          });
        }
        if (plan.copies > 1 || plan.delaySeconds > 0) {
          log.info(
            { messageId, notificationType: notification.type, copies: plan.copies, delaySeconds: plan.delaySeconds },
            'delivery fault planned',
          );
        }
      }
      log.info(
        {
          notificationId: notification.notificationId,
          notificationType: notification.type,
          topicArn,
          subscribers: subscriptions.length,
        },
        'notification published',
      );
    },
    requestConfirmation: (tx, subscription) => queueConfirmationMessage(tx, subscription, 'SubscriptionConfirmation'),
    confirmUnsubscribe: (tx, subscription) => queueConfirmationMessage(tx, subscription, 'UnsubscribeConfirmation'),
  };
}
