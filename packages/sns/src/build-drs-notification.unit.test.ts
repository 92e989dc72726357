import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDrsMessageAttributes, buildDrsNotification } from './build-drs-notification.js';
import type { DrsNotification, OrderPlacedNotification } from './drs-notification.js';
import { parseDrsNotification } from './parse-drs-notification.js';
import { readSnsFixture, snsFixturePath } from './testing/index.js';

const docSamples = readdirSync(snsFixturePath('drs-doc-samples')).filter((name) => name.endsWith('.json'));

function parsedSample(name: string): DrsNotification {
  const result = parseDrsNotification(JSON.stringify(readSnsFixture('drs-doc-samples', name)));
  if (!result.ok) throw new Error(result.reason);
  return result.notification;
}

describe('buildDrsNotification', () => {
  it.each(docSamples)('writes %s exactly as documented, key order included', (name) => {
    expect(buildDrsNotification(parsedSample(name))).toBe(JSON.stringify(readSnsFixture('drs-doc-samples', name)));
  });

  it.each(docSamples)('round-trips %s through parseDrsNotification', (name) => {
    const notification = parsedSample(name);
    expect(parseDrsNotification(buildDrsNotification(notification))).toEqual({ ok: true, notification });
  });

  it('writes a v1.0 order without ASIN and with one order delivery date', () => {
    const v2 = parsedSample('order-placed-v2.json') as OrderPlacedNotification;
    const written = JSON.parse(buildDrsNotification({ ...v2, version: '1.0' }));
    expect(written.orderInfo).toEqual({
      instanceId: 'amzn1.dash.v2.o.ci4example0001',
      slotId: '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
      productInfo: [{ quantity: 1, unit: 'count' }],
      estimatedDeliveryDate: '2019-03-08T07:59:59Z',
    });
  });

  it('leaves out lwaClientId and customerInfo when they are null', () => {
    const notification = { ...parsedSample('device-registered.json'), lwaClientId: null, directedCustomerId: null };
    const written = JSON.parse(buildDrsNotification(notification));
    expect(written.notificationInfo).not.toHaveProperty('lwaClientId');
    expect(written).not.toHaveProperty('customerInfo');
  });

  it('refuses a v2.0 order product without ASIN', () => {
    const v1 = parsedSample('order-placed-v1.json') as OrderPlacedNotification;
    expect(() => buildDrsNotification({ ...v1, version: '2.0' })).toThrow(
      expect.objectContaining({ code: 'DRS_BUILD_INVALID_INPUT' }),
    );
  });

  it('refuses a v1.0 order whose products disagree on the delivery date', () => {
    const v1 = parsedSample('order-placed-v1.json') as OrderPlacedNotification;
    const products = [
      { asin: null, quantity: 1, unit: 'count', estimatedDeliveryDate: '2015-10-07T06:59:59Z' },
      { asin: null, quantity: 1, unit: 'count', estimatedDeliveryDate: '2015-10-08T06:59:59Z' },
    ];
    expect(() => buildDrsNotification({ ...v1, order: { ...v1.order, products } })).toThrow(
      expect.objectContaining({ code: 'DRS_BUILD_INVALID_INPUT' }),
    );
  });
});

describe('buildDrsMessageAttributes', () => {
  it('marks v2.0 OrderPlaced, ItemShipped and SubscriptionChanged with the version attribute', () => {
    for (const name of ['order-placed-v2.json', 'item-shipped-v2.json', 'subscription-changed-v2.json']) {
      expect(buildDrsMessageAttributes(parsedSample(name))).toEqual({ version: { Type: 'String', Value: '2.0' } });
    }
  });

  it('adds nothing to v1.0 notifications and to the one-shape types', () => {
    for (const name of ['order-placed-v1.json', 'subscription-changed-v1.json', 'order-cancelled.json']) {
      expect(buildDrsMessageAttributes(parsedSample(name))).toBeUndefined();
    }
  });
});
