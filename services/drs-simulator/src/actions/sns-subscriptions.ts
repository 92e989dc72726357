import { randomUUID } from 'node:crypto';
import { withTransaction } from '@restock/postgres';
import { SimulatorError, SimulatorErrorCode } from '../errors.js';
import { newSubscriptionToken } from '../identifiers.js';
import type { SimulatorContext } from '../simulator-context.js';
import { dropWaitingNotifications } from '../store/deliveries-store.js';
import {
  insertSubscription,
  lockLiveSubscription,
  lockSubscription,
  lockSubscriptionByToken,
  markConfirmed,
  markDeleted,
  type SnsSubscription,
} from '../store/subscriptions-store.js';

/**
 * Subscribes an HTTP(S) endpoint to a topic, as SNS's Subscribe does: a pending subscription and a signed
 * SubscriptionConfirmation to the endpoint; nothing else is delivered until it GETs the SubscribeURL.
 * Subscribing again while pending sends the confirmation again; a confirmed subscription is returned
 * as it is.
 */
export async function subscribeEndpoint(
  context: SimulatorContext,
  endpoint: string,
  topicArn: string,
): Promise<{ subscription: SnsSubscription; created: boolean }> {
  checkEndpoint(endpoint);
  return withTransaction(context.pool, async (tx) => {
    const live = await lockLiveSubscription(tx, topicArn, endpoint);
    if (live?.status === 'confirmed') return { subscription: live, created: false };
    if (live !== undefined) {
      await context.publisher.requestConfirmation(tx, live);
      context.log.info({ subscriptionArn: live.subscriptionArn, endpoint }, 'subscription confirmation sent again');
      return { subscription: live, created: false };
    }
    const subscription: SnsSubscription = {
      subscriptionArn: `${topicArn}:${randomUUID()}`,
      topicArn,
      endpoint,
      token: newSubscriptionToken(),
      status: 'pending',
      createdAt: context.clock.now(),
      confirmedAt: null,
      deletedAt: null,
    };
    await insertSubscription(tx, subscription);
    await context.publisher.requestConfirmation(tx, subscription);
    context.log.info(
      { subscriptionArn: subscription.subscriptionArn, endpoint },
      'endpoint subscribed, confirmation sent',
    );
    return { subscription, created: true };
  });
}

/** The endpoint visited its SubscribeURL; undefined when the token matches no live subscription of the topic. */
export async function confirmSubscription(
  context: SimulatorContext,
  token: string,
  topicArn: string | undefined,
): Promise<SnsSubscription | undefined> {
  return withTransaction(context.pool, async (tx) => {
    const subscription = await lockSubscriptionByToken(tx, token);
    if (subscription === undefined || (topicArn !== undefined && subscription.topicArn !== topicArn)) return undefined;
    if (subscription.status === 'pending') {
      const now = context.clock.now();
      await markConfirmed(tx, subscription.subscriptionArn, now);
      context.log.info({ subscriptionArn: subscription.subscriptionArn }, 'subscription confirmed');
      return { ...subscription, status: 'confirmed', confirmedAt: now };
    }
    return subscription;
  });
}

/**
 * Unsubscribes an endpoint: its waiting notifications are dropped and SNS's UnsubscribeConfirmation is
 * sent to it. Undefined when no live subscription has that ARN.
 */
export async function unsubscribeEndpoint(
  context: SimulatorContext,
  subscriptionArn: string,
): Promise<SnsSubscription | undefined> {
  return withTransaction(context.pool, async (tx) => {
    const subscription = await lockSubscription(tx, subscriptionArn);
    if (subscription === undefined || subscription.status === 'deleted') return undefined;
    const now = context.clock.now();
    await markDeleted(tx, subscriptionArn, now);
    await dropWaitingNotifications(tx, subscriptionArn, 'unsubscribed');
    await context.publisher.confirmUnsubscribe(tx, subscription);
    context.log.info({ subscriptionArn }, 'endpoint unsubscribed');
    return { ...subscription, status: 'deleted', deletedAt: now };
  });
}

function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new SimulatorError(
      SimulatorErrorCode.SIM_ENDPOINT_INVALID,
      400,
      `endpoint ${JSON.stringify(endpoint)} is not a URL`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SimulatorError(
      SimulatorErrorCode.SIM_ENDPOINT_INVALID,
      400,
      `endpoint must be http:// or https://, as SNS requires of HTTP(S) subscriptions`,
    );
  }
}
