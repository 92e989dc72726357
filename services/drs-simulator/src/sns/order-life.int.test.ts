import { parseDrsNotification, type SnsMessage } from '@restock/sns';
import { describe, expect, it } from 'vitest';
import {
  call,
  DETERGENT,
  DRS_HEADERS,
  drs,
  drsTypeOf,
  exchangeCode,
  type ReceivedMessage,
  type SimulatorHarness,
  type SnsEndpoint,
  snsVerifier,
  startSimulator,
  startSnsEndpoint,
  TOPIC_ARN,
  verified,
  WASHER_SLOTS,
} from '../test-support/simulator-harness.js';

const sim: SimulatorHarness = await startSimulator();
const endpoint: SnsEndpoint = await startSnsEndpoint();
const verify = snsVerifier(sim);
// A second simulator, configured for v1.0 notifications signed with SignatureVersion 2.
const v1: SimulatorHarness = await startSimulator({ NOTIFICATION_VERSION: '1.0', SNS_SIGNATURE_VERSION: '2' });

const DAY = 86_400; // s

async function tick() {
  const response = await call(sim, 'POST', '/control/v1/clock/tick');
  expect(response.status).toBe(200);
  return response.json<{ tick: { deliveries: { attempted: number } } }>().tick;
}

async function advance(seconds: number) {
  const response = await call(sim, 'POST', '/control/v1/clock/advance', { body: { seconds } });
  expect(response.status).toBe(200);
  return response.json<{ tick: { shipped: number; delivered: number } }>().tick;
}

/** The notifications received since `from`, each verified; fails on any that does not verify. */
async function verifiedSince(from: number): Promise<{ message: SnsMessage; received: ReceivedMessage }[]> {
  const out = [];
  for (const received of endpoint.received.slice(from))
    out.push({ message: await verified(verify, received), received });
  return out;
}

function drsPayload(message: SnsMessage) {
  if (message.Type !== 'Notification') throw new Error(`not a notification: ${message.Type}`);
  const parsed = parseDrsNotification(message.Message);
  if (!parsed.ok) throw new Error(`not a DRS notification: ${parsed.reason}`);
  return parsed.notification;
}

describe('a full order life, delivered over real HTTP to a subscribed endpoint', () => {
  it('confirms the subscription, then delivers every notification signed with the certificate served at its SigningCertURL', async () => {
    // Subscribe: the endpoint first gets a signed SubscriptionConfirmation, and nothing else.
    const subscribed = await call(sim, 'POST', '/control/v1/sns/subscriptions', { body: { endpoint: endpoint.url } });
    expect(subscribed.status).toBe(201);
    const subscription = subscribed.json<{ subscriptionArn: string; status: string; topicArn: string }>();
    expect(subscription).toMatchObject({ status: 'pending', topicArn: TOPIC_ARN });
    expect(subscription.subscriptionArn.startsWith(`${TOPIC_ARN}:`)).toBe(true);
    await tick();
    const [confirmationPost] = await endpoint.waitFor(1);
    if (confirmationPost === undefined) throw new Error('no confirmation');
    expect(confirmationPost.headers).toMatchObject({
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': 'Amazon Simple Notification Service Agent',
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
      'x-amz-sns-topic-arn': TOPIC_ARN,
    });
    expect(confirmationPost.headers['x-amz-sns-subscription-arn']).toBeUndefined();
    const confirmation = await verified(verify, confirmationPost);
    if (confirmation.Type !== 'SubscriptionConfirmation') throw new Error(confirmation.Type);
    expect(confirmationPost.headers['x-amz-sns-message-id']).toBe(confirmation.MessageId);
    expect(confirmation.SigningCertURL).toMatch(
      new RegExp(`^${sim.baseUrl}/sns/SimpleNotificationService-[0-9a-f]{32}\\.pem$`),
    );
    expect(confirmation.Message).toContain(`You have chosen to subscribe to the topic ${TOPIC_ARN}`);
    expect(confirmation.SubscribeURL).toBe(
      `${sim.baseUrl}/sns/confirm?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=${confirmation.Token}`,
    );

    // A device registered while the subscription is pending: SNS drops its notifications for this endpoint.
    const early = await call(sim, 'POST', '/control/v1/registrations', {
      body: { modelId: 'washer-x200', serialNumber: 'EARLY-0001', slots: WASHER_SLOTS },
    });
    expect(early.status).toBe(201);
    await tick();
    expect(endpoint.received).toHaveLength(1);

    // Confirm by GET of the SubscribeURL, as a bridge does.
    const confirmResponse = await fetch(confirmation.SubscribeURL);
    expect(confirmResponse.status).toBe(200);
    expect(confirmResponse.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await confirmResponse.text()).toMatch(
      new RegExp(
        `^<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>${subscription.subscriptionArn}</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>$`,
      ),
    );
    const listed = await call(sim, 'GET', '/control/v1/sns/subscriptions');
    expect(listed.json<{ subscriptions: { status: string }[] }>().subscriptions).toEqual([
      expect.objectContaining({ subscriptionArn: subscription.subscriptionArn, status: 'confirmed' }),
    ]);

    // The customer registers a washer: DeviceRegistered, then SubscriptionChanged.
    const registered = await call(sim, 'POST', '/control/v1/registrations', {
      body: { modelId: 'washer-x200', serialNumber: 'WM-4471-0099', slots: WASHER_SLOTS },
    });
    const registration = registered.json<{
      registration: { registrationId: string; directedCustomerId: string };
      authorizationCode: string;
    }>();
    await tick();
    await endpoint.waitFor(3);
    const afterRegistration = await verifiedSince(1);
    expect(afterRegistration.map(({ message }) => drsTypeOf(message))).toEqual([
      'DeviceRegisteredNotification',
      'SubscriptionChangedNotification',
    ]);
    for (const { message, received } of afterRegistration) {
      expect(received.headers).toMatchObject({
        'x-amz-sns-message-type': 'Notification',
        'x-amz-sns-message-id': message.MessageId,
        'x-amz-sns-topic-arn': TOPIC_ARN,
        'x-amz-sns-subscription-arn': subscription.subscriptionArn,
        'content-type': 'text/plain; charset=UTF-8',
        'user-agent': 'Amazon Simple Notification Service Agent',
      });
    }
    const deviceRegistered = drsPayload(afterRegistration[0]?.message as SnsMessage);
    expect(deviceRegistered).toMatchObject({
      modelId: 'washer-x200',
      serialNumber: 'WM-4471-0099',
      directedCustomerId: registration.registration.directedCustomerId,
      notificationId: expect.stringMatching(/^amzn1\.dash\.notification\.v1\.[0-9a-f-]{36}$/),
    });
    expect(drsPayload(afterRegistration[1]?.message as SnsMessage)).toMatchObject({
      type: 'SubscriptionChangedNotification',
      version: '2.0',
      subscriptions: {
        [DETERGENT]: { subscribed: true, products: [{ asin: 'B00DETERG1', quantity: 101.44, unit: 'fl oz' }] },
      },
    });

    // Restock's gateway exchanges the code and replenishes.
    const token = (await exchangeCode(sim, registration.authorizationCode)).tokens().access_token;
    const placed = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, token);
    expect(placed.json()).toMatchObject({ detailCode: 'STANDARD_ORDER_PLACED' });
    const orderId = placed.json<{ eventInstanceId: string }>().eventInstanceId;
    await tick();
    await endpoint.waitFor(4);
    const [orderPlacedMessage] = await verifiedSince(3);
    const orderPlaced = drsPayload(orderPlacedMessage?.message as SnsMessage);
    expect(orderPlaced).toMatchObject({
      type: 'OrderPlacedNotification',
      version: '2.0',
      order: {
        instanceId: orderId,
        slotId: DETERGENT,
        products: [
          {
            asin: 'B00DETERG1',
            quantity: 101.44,
            unit: 'fl oz',
            estimatedDeliveryDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
          },
        ],
      },
    });
    const notificationMessage = orderPlacedMessage?.message;
    expect(notificationMessage?.Type === 'Notification' && notificationMessage.MessageAttributes).toEqual({
      version: { Type: 'String', Value: '2.0' },
    });
    expect(notificationMessage?.Type === 'Notification' && notificationMessage.UnsubscribeURL).toBe(
      `${sim.baseUrl}/sns/unsubscribe?Action=Unsubscribe&SubscriptionArn=${subscription.subscriptionArn}`,
    );
    const estimatedDeliveryDate =
      orderPlaced.type === 'OrderPlacedNotification' ? orderPlaced.order.products[0]?.estimatedDeliveryDate : '';

    // While the order is open, replenish answers ORDER_INPROGRESS with its id.
    const inProgress = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, token);
    expect(inProgress.json()).toEqual({ eventInstanceId: orderId, detailCode: 'ORDER_INPROGRESS' });

    // A day later, after the cancellation window: ItemShipped, same order, same delivery date.
    expect(await advance(DAY - 60)).toMatchObject({ shipped: 0 });
    expect(await advance(60)).toMatchObject({ shipped: 1, delivered: 0 });
    await endpoint.waitFor(5);
    const [shippedMessage] = await verifiedSince(4);
    expect(drsPayload(shippedMessage?.message as SnsMessage)).toMatchObject({
      type: 'ItemShippedNotification',
      order: { instanceId: orderId, slotId: DETERGENT, products: [{ estimatedDeliveryDate }] },
    });
    const shippedInfo = await drs(sim, 'GET', `/getOrderInfo/${orderId}`, DRS_HEADERS.orderInfo, token);
    expect(
      shippedInfo.json<{ orderInfoData: { orderItems: { status: string }[] } }>().orderInfoData.orderItems[0]?.status,
    ).toBe('Shipped');
    expect((await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, token)).json()).toEqual({
      eventInstanceId: orderId,
      detailCode: 'ORDER_INPROGRESS',
    });
    const cancelShipped = await call(sim, 'POST', `/control/v1/orders/${orderId}/cancel`);
    expect(cancelShipped.status).toBe(409);

    // Delivered at the estimated date: no notification (DRS has none), and the slot is free again.
    // The delivery date is whole seconds, rounded up from placement plus 3 days.
    expect(await advance(2 * DAY - 10)).toMatchObject({ delivered: 0 });
    expect(await advance(11)).toMatchObject({ delivered: 1 });
    await tick();
    expect(endpoint.received).toHaveLength(5);
    const order = await call(sim, 'GET', `/control/v1/orders/${orderId}`);
    expect(order.json()).toMatchObject({
      status: 'delivered',
      deliveredAt: new Date(estimatedDeliveryDate ?? '').toISOString(),
    });
    const next = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, token);
    expect(next.json()).toMatchObject({ detailCode: 'STANDARD_ORDER_PLACED' });
    const nextId = next.json<{ eventInstanceId: string }>().eventInstanceId;
    expect(nextId).not.toBe(orderId);
    await tick();
    await endpoint.waitFor(6);

    // The customer cancels within 24 h: OrderCancelled with only instanceId and slotId; replenish is free.
    await advance(3600);
    const cancelled = await call(sim, 'POST', `/control/v1/orders/${nextId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    await tick();
    await endpoint.waitFor(7);
    const cancelledMessage = (await verifiedSince(5))[1]?.message;
    if (cancelledMessage?.Type !== 'Notification') throw new Error('expected OrderCancelled');
    expect(JSON.parse(cancelledMessage.Message)).toEqual({
      notificationInfo: {
        notificationType: 'OrderCancelledNotification',
        lwaClientId: sim.config.LWA_CLIENT_ID,
        notificationTime: expect.any(String),
        notificationId: expect.stringMatching(/^amzn1\.dash\.notification\.v1\./),
        version: '2015-06-05',
      },
      deviceInfo: { deviceIdentifier: { serialNumber: 'WM-4471-0099' }, productIdentifier: { modelId: 'washer-x200' } },
      customerInfo: { directedCustomerId: registration.registration.directedCustomerId },
      orderInfo: { instanceId: nextId, slotId: DETERGENT },
    });
    const third = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, token);
    expect(third.json()).toMatchObject({ detailCode: 'STANDARD_ORDER_PLACED' });

    // Past 24 h the customer can no longer cancel it.
    await advance(DAY - 1);
    await advance(2);
    const late = await call(sim, 'POST', `/control/v1/orders/${third.json()['eventInstanceId']}/cancel`);
    expect(late.status).toBe(409);
    expect(late.json()).toMatchObject({ code: 'SIM_ORDER_NOT_CANCELLABLE' });

    // Every message the endpoint got verified; their types, in order:
    const all = await verifiedSince(0);
    expect(all.map(({ message }) => drsTypeOf(message))).toEqual([
      'SubscriptionConfirmation',
      'DeviceRegisteredNotification',
      'SubscriptionChangedNotification',
      'OrderPlacedNotification',
      'ItemShippedNotification',
      'OrderPlacedNotification',
      'OrderCancelledNotification',
      'OrderPlacedNotification',
      'ItemShippedNotification',
    ]);
    expect(new Set(all.map(({ message }) => message.MessageId)).size).toBe(all.length);
  });

  it('serves the signing certificate as a PEM at the SigningCertURL and 404 for any other name', async () => {
    const message = await verified(verify, endpoint.received[0] as ReceivedMessage);
    const pem = await fetch(message.SigningCertURL);
    expect(pem.status).toBe(200);
    expect(await pem.text()).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    const missing = await fetch(`${sim.baseUrl}/sns/SimpleNotificationService-00000000000000000000000000000000.pem`);
    expect(missing.status).toBe(404);
  });

  it('answers the documented SNS error to a SubscribeURL with an unknown token', async () => {
    const response = await fetch(
      `${sim.baseUrl}/sns/confirm?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=00ff`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidParameter</Code>');
  });

  it('writes v1.0 notifications when configured: no ASIN, one estimatedDeliveryDate per order, booleans per slot', async () => {
    const v1Endpoint = await startSnsEndpoint();
    const v1Verify = snsVerifier(v1);
    await call(v1, 'POST', '/control/v1/sns/subscriptions', { body: { endpoint: v1Endpoint.url } });
    await call(v1, 'POST', '/control/v1/clock/tick');
    const [confirmationPost] = await v1Endpoint.waitFor(1);
    const confirmation = await verified(v1Verify, confirmationPost as ReceivedMessage);
    expect(confirmation.SignatureVersion).toBe('2');
    if (confirmation.Type !== 'SubscriptionConfirmation') throw new Error(confirmation.Type);
    expect((await fetch(confirmation.SubscribeURL)).status).toBe(200);

    const registered = await call(v1, 'POST', '/control/v1/registrations', {
      body: { modelId: 'washer-x200', serialNumber: 'V1-0001', slots: WASHER_SLOTS, marketplace: 'DE' },
    });
    const token = (await exchangeCode(v1, registered.json<{ authorizationCode: string }>().authorizationCode)).tokens()
      .access_token;
    await drs(v1, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, token);
    await call(v1, 'POST', '/control/v1/clock/tick');
    const received = await v1Endpoint.waitFor(4);
    const [, , changed, placed] = await Promise.all(received.map((message) => verified(v1Verify, message)));
    const changedBody = JSON.parse((changed as { Message: string }).Message);
    expect(changedBody.subscriptionInfo).toEqual({
      slotsSubscriptionStatus: { [DETERGENT]: true, [WASHER_SLOTS[1].slotId]: true },
    });
    const placedBody = JSON.parse((placed as { Message: string }).Message);
    expect(placedBody.orderInfo).toEqual({
      instanceId: expect.any(String),
      slotId: DETERGENT,
      productInfo: [{ quantity: 3, unit: 'l' }],
      estimatedDeliveryDate: expect.stringMatching(/Z$/),
    });
    expect((placed as { MessageAttributes?: unknown }).MessageAttributes).toBeUndefined();
  });
});
