import { describe, expect, it } from 'vitest';
import { parseDrsNotification } from './parse-drs-notification.js';
import { readSnsFixture } from './testing/index.js';

function docSample(name: string): Record<string, unknown> {
  return readSnsFixture('drs-doc-samples', name);
}

function payload(name: string): string {
  return readSnsFixture('drs-payloads-aws-signed-cert-missing', name)['Message'] as string;
}

type Path = Array<string | number>;
const REMOVE = Symbol('remove');

/** A deep copy of `sample` with the value at `path` replaced, or removed when `value` is REMOVE. */
function withValue(sample: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(sample);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy;
}

function parsed(message: string | Record<string, unknown>) {
  const result = parseDrsNotification(typeof message === 'string' ? message : JSON.stringify(message));
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.notification;
}

describe('parseDrsNotification of the documented shapes', () => {
  it('reads a v2.0 OrderPlaced with its ASIN and per-product delivery date', () => {
    expect(parsed(docSample('order-placed-v2.json'))).toEqual({
      type: 'OrderPlacedNotification',
      version: '2.0',
      notificationId: 'amzn1.dash.notification.v1.5b0c2c1e-8f7a-4c55-9a7e-1d2f3a4b5c6d',
      notificationTime: '2019-03-04T09:15:02.118Z',
      lwaClientId: 'amzn1.application-oa2-client.0123456789abcdef0123456789abcdef',
      modelId: 'washer-x200',
      serialNumber: 'WM-4471-0099',
      directedCustomerId: 'amzn1.account.AEXAMPLECUSTOMER7Q',
      order: {
        instanceId: 'amzn1.dash.v2.o.ci4example0001',
        slotId: '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
        products: [{ asin: 'B00EXAMPLE1', quantity: 1, unit: 'count', estimatedDeliveryDate: '2019-03-08T07:59:59Z' }],
      },
    });
  });

  it('reads a v1.0 OrderPlaced without ASIN, giving each product the order delivery date', () => {
    expect(parsed(docSample('order-placed-v1.json'))).toMatchObject({
      type: 'OrderPlacedNotification',
      version: '1.0',
      order: {
        instanceId: 'amzn1.dash.v2.o.ci43xxxxxxxxxx0',
        slotId: 'myProduct',
        products: [{ asin: null, quantity: 12, unit: 'count', estimatedDeliveryDate: '2015-10-07T06:59:59Z' }],
      },
    });
  });

  it('reads a v2.0 ItemShipped', () => {
    expect(parsed(docSample('item-shipped-v2.json'))).toMatchObject({
      type: 'ItemShippedNotification',
      version: '2.0',
      order: { products: [{ asin: 'myAsinNumber', quantity: 1, estimatedDeliveryDate: '2016-11-16T07:59:59Z' }] },
    });
  });

  it('reads a v1.0 ItemShipped and keeps the unit as DRS spelled it', () => {
    expect(parsed(docSample('item-shipped-v1.json'))).toMatchObject({
      type: 'ItemShippedNotification',
      version: '1.0',
      order: { products: [{ asin: null, quantity: 12, unit: 'Count', estimatedDeliveryDate: '2015-10-07T06:59:59Z' }] },
    });
  });

  it('reads an OrderCancelled as the one-shape version 1.0, with instance and slot only', () => {
    expect(parsed(docSample('order-cancelled.json'))).toMatchObject({
      type: 'OrderCancelledNotification',
      version: '1.0',
      order: { instanceId: 'amzn1.dash.v2.o.ci4example0001', slotId: '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f' },
    });
  });

  it('reads a v2.0 SubscriptionChanged per DRS slot with subscribed flag and products', () => {
    expect(parsed(docSample('subscription-changed-v2.json'))).toMatchObject({
      type: 'SubscriptionChangedNotification',
      version: '2.0',
      subscriptions: {
        '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f': {
          subscribed: true,
          products: [{ asin: 'B00EXAMPLE1', quantity: 1, unit: 'count' }],
        },
        '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f': {
          subscribed: false,
          products: [{ asin: 'B00EXAMPLE2', quantity: 1, unit: 'count' }],
        },
      },
    });
  });

  it('reads a v1.0 SubscriptionChanged whose slots map to booleans', () => {
    expect(parsed(docSample('subscription-changed-v1.json'))).toMatchObject({
      type: 'SubscriptionChangedNotification',
      version: '1.0',
      subscriptions: {
        myFirstSlot: { subscribed: true, products: [] },
        mySecondSlot: { subscribed: false, products: [] },
      },
    });
  });

  it.each([
    ['device-registered.json', 'DeviceRegisteredNotification'],
    ['device-deregistered.json', 'DeviceDeregisteredNotification'],
  ])('reads %s', (name, type) => {
    const notification = parsed(docSample(name));
    expect(notification).toMatchObject({ type, version: '1.0' });
    expect(Object.keys(notification).sort()).toEqual(
      [
        'directedCustomerId',
        'lwaClientId',
        'modelId',
        'notificationId',
        'notificationTime',
        'serialNumber',
        'type',
        'version',
      ].sort(),
    );
  });
});

describe('parseDrsNotification of the real GetWagz payloads', () => {
  const common = {
    notificationId: expect.stringMatching(/^amzn1\.dash\.notification\.v1\./),
    lwaClientId: null,
    modelId: 'Testing_DRS_Testing',
    serialNumber: '1122334455',
    directedCustomerId: 'amzn1.account.FAKETEST',
  };

  it('reads orderPlacedNotification.json as v2.0 with a weight in pounds', () => {
    expect(parsed(payload('orderPlacedNotification.json'))).toEqual({
      type: 'OrderPlacedNotification',
      version: '2.0',
      ...common,
      notificationTime: '2018-08-13T21:10:27.784Z',
      order: {
        instanceId: 'amzn1.dash.v2.o.fakeorder',
        slotId: 'slot-fake-slot',
        products: [{ asin: 'FAKEASIN', quantity: 30, unit: 'pounds', estimatedDeliveryDate: '2018-08-18T06:59:59Z' }],
      },
    });
  });

  it('reads itemShippedNotification.json, the one payload that carries an lwaClientId', () => {
    expect(parsed(payload('itemShippedNotification.json'))).toMatchObject({
      type: 'ItemShippedNotification',
      version: '2.0',
      lwaClientId: 'amzn1.application-oa2-client.8d8a43ab56e1421fb778eb99367b5e89',
      order: { products: [{ asin: 'FAKEASIN', quantity: 30, unit: 'pounds' }] },
    });
  });

  it('reads orderCancelledNotification.json', () => {
    expect(parsed(payload('orderCancelledNotification.json'))).toEqual({
      type: 'OrderCancelledNotification',
      version: '1.0',
      ...common,
      notificationTime: '2018-08-13T21:57:05.320Z',
      order: { instanceId: 'amzn1.dash.v2.o.fakeorder', slotId: 'slot-fake-slot' },
    });
  });

  it('reads subscriptionChangedNotification.json, whose JSON has a raw newline between tokens', () => {
    expect(parsed(payload('subscriptionChangedNotification.json'))).toMatchObject({
      type: 'SubscriptionChangedNotification',
      version: '2.0',
      ...common,
      subscriptions: {
        'slot-fake-slot': { subscribed: true, products: [{ asin: 'FAKEASIN', quantity: 24, unit: 'pounds' }] },
      },
    });
  });

  it('reads deviceRegisteredNotification.json', () => {
    expect(parsed(payload('deviceRegisteredNotification.json'))).toEqual({
      type: 'DeviceRegisteredNotification',
      version: '1.0',
      ...common,
      notificationTime: '2018-10-01T13:38:21.974Z',
    });
  });

  it('reads invalidSignatureNotification.json as a payload: the signature is the verifier’s business', () => {
    expect(parsed(payload('invalidSignatureNotification.json'))).toMatchObject({
      serialNumber: 'HACKED!',
      directedCustomerId: 'amzn1.account.SOMEONEELSE',
    });
  });

  it('refuses invalidJsonNotification.json as not JSON', () => {
    expect(parseDrsNotification(payload('invalidJsonNotification.json'))).toMatchObject({
      ok: false,
      code: 'DRS_NOT_JSON',
    });
  });

  it('refuses fakeAction.json as an unknown type, naming it', () => {
    expect(parseDrsNotification(payload('fakeAction.json'))).toEqual({
      ok: false,
      code: 'DRS_UNKNOWN_TYPE',
      reason: 'notificationInfo.notificationType "ANewMadeUpNotification" is not a known DRS notification type',
    });
  });

  it('refuses notDRSNotification.json as not a DRS notification', () => {
    expect(parseDrsNotification(payload('notDRSNotification.json'))).toEqual({
      ok: false,
      code: 'DRS_INVALID',
      reason: 'notificationInfo is missing: not a DRS notification',
    });
  });

  it.each([
    ['allTargets.json', 'default, email, http, https'],
    ['emailOnly.json', 'email'],
    ['httpOnly.json', 'http'],
    ['httpsOnly.json', 'https'],
    ['deviceDeregisteredNotification.json', 'default, email'],
  ])('refuses %s, wrapped in SNS per-protocol keys that real DRS notifications never have', (name, keys) => {
    const result = parseDrsNotification(payload(name));
    expect(result).toMatchObject({ ok: false, code: 'DRS_INVALID' });
    expect(!result.ok && result.reason).toContain(`per-protocol keys (${keys})`);
  });
});

describe('parseDrsNotification robustness', () => {
  it('ignores unknown extra fields at every level', () => {
    const sample = docSample('order-placed-v2.json') as {
      orderInfo: { productInfo: Record<string, unknown>[] } & Record<string, unknown>;
    } & Record<string, unknown>;
    const extended = {
      ...sample,
      futureField: { a: 1 },
      orderInfo: {
        ...sample.orderInfo,
        giftWrap: true,
        productInfo: sample.orderInfo.productInfo.map((p) => ({ ...p, price: 9.99 })),
      },
    };
    expect(parsed(extended)).toEqual(parsed(docSample('order-placed-v2.json')));
  });

  it('accepts the early LWAClientId spelling', () => {
    const sample = docSample('device-registered.json') as { notificationInfo: Record<string, unknown> };
    const { lwaClientId, ...info } = sample.notificationInfo;
    expect(parsed({ ...sample, notificationInfo: { ...info, LWAClientId: lwaClientId } }).lwaClientId).toBe(
      lwaClientId,
    );
  });

  it('gives null for an absent customerInfo', () => {
    const { customerInfo: _none, ...rest } = docSample('device-deregistered.json');
    expect(parsed(rest).directedCustomerId).toBeNull();
  });

  it('keeps a slot id such as __proto__ as a plain key', () => {
    const message =
      '{"notificationInfo":{"notificationType":"SubscriptionChangedNotification","notificationTime":"2019-03-01T19:33:27.368Z","notificationId":"n"},' +
      '"deviceInfo":{"deviceIdentifier":{"serialNumber":"s"},"productIdentifier":{"modelId":"m"}},' +
      '"subscriptionInfo":{"slotsSubscriptionStatus":{"__proto__":true}}}';
    const notification = parsed(message);
    if (notification.type !== 'SubscriptionChangedNotification') throw new Error('wrong type');
    expect(Object.keys(notification.subscriptions)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(notification.subscriptions)).toBe(Object.prototype);
  });

  it('reads an order with an empty product list as v2.0, or v1.0 when it has an order delivery date', () => {
    const sample = docSample('order-placed-v2.json') as { orderInfo: Record<string, unknown> };
    const empty = { ...sample, orderInfo: { ...sample.orderInfo, productInfo: [] } };
    expect(parsed(empty)).toMatchObject({ version: '2.0', order: { products: [] } });
    const dated = { ...empty, orderInfo: { ...empty.orderInfo, estimatedDeliveryDate: '2019-03-08T07:59:59Z' } };
    expect(parsed(dated)).toMatchObject({ version: '1.0' });
  });

  it('refuses a message that is not JSON', () => {
    expect(parseDrsNotification('Hello world')).toMatchObject({ ok: false, code: 'DRS_NOT_JSON' });
  });

  it.each(['[]', '"text"', '42', 'null'])('refuses the JSON value %s, which is not an object', (message) => {
    expect(parseDrsNotification(message)).toEqual({
      ok: false,
      code: 'DRS_INVALID',
      reason: 'Message is not a JSON object',
    });
  });

  it('refuses the v1.0 SubscriptionChanged documentation sample whose productIdentifier lacks modelId', () => {
    const sample = docSample('subscription-changed-v1.json') as { deviceInfo: Record<string, unknown> };
    const defective = {
      ...sample,
      deviceInfo: { ...sample.deviceInfo, productIdentifier: { myDeviceModel: 'myDeviceModel' } },
    };
    expect(parseDrsNotification(JSON.stringify(defective))).toEqual({
      ok: false,
      code: 'DRS_INVALID',
      reason: 'deviceInfo.productIdentifier.modelId is missing',
    });
  });

  const order = ['orderInfo'];
  const product = ['orderInfo', 'productInfo', 0];
  const invalid: Array<[string, Path, unknown, string]> = [
    [
      'a missing serial number',
      ['deviceInfo', 'deviceIdentifier', 'serialNumber'],
      REMOVE,
      'deviceInfo.deviceIdentifier.serialNumber is missing',
    ],
    [
      'a missing notificationId',
      ['notificationInfo', 'notificationId'],
      REMOVE,
      'notificationInfo.notificationId is missing',
    ],
    [
      'a notificationTime that is no date',
      ['notificationInfo', 'notificationTime'],
      'yesterday',
      'notificationInfo.notificationTime "yesterday" is not an ISO 8601 date-time',
    ],
    [
      'a missing notificationType',
      ['notificationInfo', 'notificationType'],
      REMOVE,
      'notificationInfo.notificationType is missing',
    ],
    ['a missing orderInfo', order, REMOVE, 'orderInfo is missing'],
    ['a missing instanceId', [...order, 'instanceId'], REMOVE, 'orderInfo.instanceId is missing'],
    ['a productInfo that is no array', [...order, 'productInfo'], {}, 'orderInfo.productInfo must be an array'],
    [
      'a quantity given as text',
      [...product, 'quantity'],
      '1',
      'orderInfo.productInfo[0].quantity must be a non-negative number',
    ],
    [
      'a negative quantity',
      [...product, 'quantity'],
      -1,
      'orderInfo.productInfo[0].quantity must be a non-negative number',
    ],
    ['a missing unit', [...product, 'unit'], REMOVE, 'orderInfo.productInfo[0].unit is missing'],
    [
      'a bad delivery date',
      [...product, 'estimatedDeliveryDate'],
      '2019-13-45',
      'orderInfo.productInfo[0].estimatedDeliveryDate "2019-13-45" is not an ISO 8601 date-time',
    ],
    [
      'products mixing v1.0 and v2.0',
      ['orderInfo', 'productInfo', 1],
      { quantity: 1, unit: 'count' },
      'orderInfo.productInfo mixes v1.0 items (no asin) with v2.0 items (asin)',
    ],
    [
      'a customer id that is not a string',
      ['customerInfo', 'directedCustomerId'],
      7,
      'customerInfo.directedCustomerId must be a non-empty string',
    ],
  ];
  it.each(invalid)('refuses an OrderPlaced with %s, naming the field', (_label, path, value, reason) => {
    const sample = withValue(docSample('order-placed-v2.json'), path, value);
    expect(parseDrsNotification(JSON.stringify(sample))).toEqual({ ok: false, code: 'DRS_INVALID', reason });
  });

  const slots = ['subscriptionInfo', 'slotsSubscriptionStatus'];
  const first = '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
  const second = '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f';
  const invalidSubscriptions: Array<[string, Path, unknown, string]> = [
    [
      'slots mixing v1.0 and v2.0',
      [...slots, 'extra'],
      true,
      'subscriptionInfo.slotsSubscriptionStatus mixes v1.0 slots (boolean) with v2.0 slots ({subscribed, productInfoList})',
    ],
    [
      'a slot that is a string',
      [...slots, first],
      'yes',
      `subscriptionInfo.slotsSubscriptionStatus["${first}"] is neither a boolean (v1.0) nor an object (v2.0)`,
    ],
    [
      'a missing subscribed flag',
      [...slots, first, 'subscribed'],
      REMOVE,
      `subscriptionInfo.slotsSubscriptionStatus["${first}"].subscribed must be a boolean`,
    ],
    [
      'a product without asin',
      [...slots, second, 'productInfoList', 0, 'asin'],
      REMOVE,
      `subscriptionInfo.slotsSubscriptionStatus["${second}"].productInfoList[0].asin is missing`,
    ],
  ];
  it.each(invalidSubscriptions)(
    'refuses a SubscriptionChanged with %s, naming the field',
    (_label, path, value, reason) => {
      const sample = withValue(docSample('subscription-changed-v2.json'), path, value);
      expect(parseDrsNotification(JSON.stringify(sample))).toEqual({ ok: false, code: 'DRS_INVALID', reason });
    },
  );

  it('accepts a v2.0 slot whose product list was cleared', () => {
    const sample = withValue(docSample('subscription-changed-v2.json'), [...slots, first], { subscribed: false });
    expect(parsed(sample)).toMatchObject({ subscriptions: { [first]: { subscribed: false, products: [] } } });
  });
});
