import { deterministicId } from '@restock/events';
import { type DrsNotification, parseDrsNotification } from '@restock/sns';
import { readSnsFixture } from '@restock/sns/testing';
import { describe, expect, it } from 'vitest';
import {
  type Decision,
  deadLetterOfUnparsed,
  decideNotification,
  EVENT_SOURCE,
  type KnownDevice,
  notificationEventId,
} from './notification-to-event.js';

const RECORDED_AT = new Date('2026-11-22T10:00:00.000Z');

// The documentation samples use two devices; one known device with every DRS slot they name is enough.
const DEVICE: KnownDevice = {
  deviceId: 'dev-washer-1',
  modelKnown: true,
  slotIdByDrsSlotId: new Map([
    ['7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f', 'detergent'],
    ['0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f', 'softener'],
    ['myProduct', 'pods'],
    ['myFirstSlot', 'black_ink'],
    ['mySecondSlot', 'color_ink'],
  ]),
};

function sample(name: string, edit: (json: Record<string, unknown>) => void = () => {}): DrsNotification {
  const json = readSnsFixture('drs-doc-samples', `${name}.json`);
  edit(json);
  const parsed = parseDrsNotification(JSON.stringify(json));
  if (!parsed.ok) throw new Error(`sample ${name} does not parse: ${parsed.reason}`);
  return parsed.notification;
}

function published(decision: Decision) {
  if (decision.kind !== 'publish') throw new Error(`expected a publish, got ${decision.code}: ${decision.reason}`);
  return decision;
}

function deadLettered(decision: Decision) {
  if (decision.kind !== 'dead-letter') throw new Error(`expected a dead letter, got ${decision.event.type}`);
  return decision;
}

describe('decideNotification', () => {
  it('turns a v2.0 OrderPlaced into an OrderPlaced on orders with the device, the model slot and the products as sent', () => {
    const decision = published(decideNotification(sample('order-placed-v2'), DEVICE, RECORDED_AT));
    expect(decision.stream).toBe('orders');
    expect(decision.event).toEqual({
      id: deterministicId('drs-notification', 'amzn1.dash.notification.v1.5b0c2c1e-8f7a-4c55-9a7e-1d2f3a4b5c6d'),
      type: 'OrderPlaced',
      version: 1,
      deviceId: 'dev-washer-1',
      occurredAt: '2019-03-04T09:15:02.118Z',
      recordedAt: '2026-11-22T10:00:00.000Z',
      source: EVENT_SOURCE,
      data: {
        instanceId: 'amzn1.dash.v2.o.ci4example0001',
        slotId: 'detergent',
        drsSlotId: '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
        notificationId: 'amzn1.dash.notification.v1.5b0c2c1e-8f7a-4c55-9a7e-1d2f3a4b5c6d',
        notificationTime: '2019-03-04T09:15:02.118Z',
        products: [{ asin: 'B00EXAMPLE1', quantity: 1, unit: 'count', estimatedDeliveryAt: '2019-03-08T07:59:59Z' }],
      },
    });
  });

  it('turns a v1.0 OrderPlaced into an OrderPlaced without ASIN and with the order-level delivery date', () => {
    const { event } = published(decideNotification(sample('order-placed-v1'), DEVICE, RECORDED_AT));
    expect(event.type).toBe('OrderPlaced');
    expect(event.data).toMatchObject({
      slotId: 'pods',
      drsSlotId: 'myProduct',
      products: [{ asin: null, quantity: 12, unit: 'count', estimatedDeliveryAt: '2015-10-07T06:59:59Z' }],
    });
  });

  it('keeps the unit of a v1.0 ItemShipped exactly as DRS spelled it', () => {
    const { stream, event } = published(decideNotification(sample('item-shipped-v1'), DEVICE, RECORDED_AT));
    expect(stream).toBe('orders');
    expect(event.type).toBe('ItemShipped');
    expect(event.data).toMatchObject({ products: [{ asin: null, quantity: 12, unit: 'Count' }] });
  });

  it('turns a v2.0 ItemShipped into an ItemShipped with the per-product delivery date', () => {
    const { event } = published(decideNotification(sample('item-shipped-v2'), DEVICE, RECORDED_AT));
    expect(event.type).toBe('ItemShipped');
    expect(event.data).toMatchObject({
      slotId: 'pods',
      products: [{ asin: 'myAsinNumber', quantity: 1, unit: 'count', estimatedDeliveryAt: '2016-11-16T07:59:59Z' }],
    });
  });

  it('turns an OrderCancelled into an OrderCancelled naming the order and the model slot', () => {
    const { stream, event } = published(decideNotification(sample('order-cancelled'), DEVICE, RECORDED_AT));
    expect(stream).toBe('orders');
    expect(event).toMatchObject({
      type: 'OrderCancelled',
      occurredAt: '2019-03-04T20:20:29.461Z',
      data: {
        instanceId: 'amzn1.dash.v2.o.ci4example0001',
        slotId: 'detergent',
        drsSlotId: '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
      },
    });
  });

  it('turns a v1.0 SubscriptionChanged into per-slot subscriptions without products', () => {
    const { stream, event } = published(decideNotification(sample('subscription-changed-v1'), DEVICE, RECORDED_AT));
    expect(stream).toBe('subscriptions');
    expect(event.type).toBe('SubscriptionChanged');
    expect(event.data).toMatchObject({
      directedCustomerId: 'amzn1.account.AHxxxxxxxxGA2O5Q',
      slots: {
        black_ink: { drsSlotId: 'myFirstSlot', subscribed: true, asin: null, productQuantity: null, productUnit: null },
        color_ink: {
          drsSlotId: 'mySecondSlot',
          subscribed: false,
          asin: null,
          productQuantity: null,
          productUnit: null,
        },
      },
    });
  });

  it('turns a v2.0 SubscriptionChanged into per-slot subscriptions with the chosen ASIN', () => {
    const { event } = published(decideNotification(sample('subscription-changed-v2'), DEVICE, RECORDED_AT));
    expect(event.data).toMatchObject({
      slots: {
        detergent: { subscribed: true, asin: 'B00EXAMPLE1', productQuantity: 1, productUnit: 'count' },
        softener: { subscribed: false, asin: 'B00EXAMPLE2', productQuantity: 1, productUnit: 'count' },
      },
    });
  });

  it('turns DeviceRegistered and DeviceDeregistered into their events on subscriptions', () => {
    const registered = published(decideNotification(sample('device-registered'), DEVICE, RECORDED_AT));
    expect(registered.stream).toBe('subscriptions');
    expect(registered.event).toMatchObject({
      type: 'DeviceRegistered',
      deviceId: 'dev-washer-1',
      data: {
        modelId: 'myDeviceModel',
        serialNumber: 'mySerialNumber',
        directedCustomerId: 'amzn1.account.AHxxxxxxxxGA2O5Q',
      },
    });
    const deregistered = published(decideNotification(sample('device-deregistered'), DEVICE, RECORDED_AT));
    expect(deregistered.event).toMatchObject({ type: 'DeviceDeregistered', deviceId: 'dev-washer-1' });
  });

  it('gives the same notification the same event id whenever it is decided', () => {
    const first = published(decideNotification(sample('order-cancelled'), DEVICE, RECORDED_AT));
    const again = published(decideNotification(sample('order-cancelled'), DEVICE, new Date('2027-01-01T00:00:00Z')));
    expect(again.event.id).toBe(first.event.id);
    expect(first.event.id).toBe(notificationEventId(first.notificationId));
  });

  it('writes a notification time with a colon-less offset as the same instant in UTC', () => {
    const notification = sample('device-deregistered', (json) => {
      (json['notificationInfo'] as Record<string, unknown>)['notificationTime'] = '2019-03-09T19:03:28.669+0100';
    });
    const { event } = published(decideNotification(notification, DEVICE, RECORDED_AT));
    expect(event.occurredAt).toBe('2019-03-09T18:03:28.669Z');
  });

  it('dead-letters a notification for a device the catalog does not know, naming model and serial', () => {
    const decision = deadLettered(decideNotification(sample('order-placed-v2'), null, RECORDED_AT));
    expect(decision.code).toBe('BRG_UNKNOWN_DEVICE');
    expect(decision.reason).toContain('"washer-x200"');
    expect(decision.reason).toContain('"WM-4471-0099"');
    expect(decision.notificationId).toBe('amzn1.dash.notification.v1.5b0c2c1e-8f7a-4c55-9a7e-1d2f3a4b5c6d');
  });

  it('dead-letters an order for a DRS slot id that no slot of the model has', () => {
    const device = { ...DEVICE, slotIdByDrsSlotId: new Map([['another', 'detergent']]) };
    const decision = deadLettered(decideNotification(sample('order-cancelled'), device, RECORDED_AT));
    expect(decision.code).toBe('BRG_UNKNOWN_SLOT');
    expect(decision.reason).toContain('7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f');
  });

  it('dead-letters a subscription change when one of its slots is unknown, rather than publishing part of it', () => {
    const device = { ...DEVICE, slotIdByDrsSlotId: new Map([['7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f', 'detergent']]) };
    const decision = deadLettered(decideNotification(sample('subscription-changed-v2'), device, RECORDED_AT));
    expect(decision.code).toBe('BRG_UNKNOWN_SLOT');
    expect(decision.reason).toContain('0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f');
  });

  it('says the model is missing when the device is known but its model has not reached the catalog copy', () => {
    const device = { deviceId: 'dev-washer-1', modelKnown: false, slotIdByDrsSlotId: new Map<string, string>() };
    const decision = deadLettered(decideNotification(sample('order-placed-v2'), device, RECORDED_AT));
    expect(decision.code).toBe('BRG_UNKNOWN_SLOT');
    expect(decision.reason).toContain('model "washer-x200" of device dev-washer-1 is not in the catalog');
  });

  it('dead-letters a slot subscription listing two products, which one ASIN per slot cannot carry', () => {
    const notification = sample('subscription-changed-v2', (json) => {
      const slots = (
        json['subscriptionInfo'] as { slotsSubscriptionStatus: Record<string, { productInfoList: unknown[] }> }
      ).slotsSubscriptionStatus;
      slots['7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f']?.productInfoList.push({
        quantity: 2,
        unit: 'count',
        asin: 'B00EXAMPLE3',
      });
    });
    expect(deadLettered(decideNotification(notification, DEVICE, RECORDED_AT)).code).toBe('BRG_UNSUPPORTED');
  });

  it('dead-letters a notification whose event would break its schema, naming the field', () => {
    const notification = sample('order-placed-v2', (json) => {
      const order = json['orderInfo'] as { productInfo: { asin: string }[] };
      order.productInfo[0]!.asin = 'A'.repeat(40);
    });
    const decision = deadLettered(decideNotification(notification, DEVICE, RECORDED_AT));
    expect(decision.code).toBe('BRG_EVENT_INVALID');
    expect(decision.reason).toContain('/data/products/0/asin');
  });
});

describe('deadLetterOfUnparsed', () => {
  it('keeps the parser code and reason of a Message that is not JSON', () => {
    const parsed = parseDrsNotification('{not json');
    if (parsed.ok) throw new Error('parsed');
    expect(deadLetterOfUnparsed(parsed)).toEqual({
      kind: 'dead-letter',
      code: 'DRS_NOT_JSON',
      reason: parsed.reason,
      notificationId: null,
    });
  });
});
