import { describe, expect, it } from 'vitest';
import {
  call,
  DETERGENT,
  DRS_HEADERS,
  drs,
  registerWasher,
  type SimulatorHarness,
  SOFTENER,
  startSimulator,
} from '../test-support/simulator-harness.js';

const sim: SimulatorHarness = await startSimulator();

const P = 'com.amazon.dash.replenishment.';
const SLOT_STATUS = {
  expectedReplenishmentDate: '2015-12-28T10:00:00Z',
  remainingQuantityInUnit: 3.5,
  originalQuantityInUnit: 10,
  totalQuantityOnHand: 20,
  lastUseDate: '2015-12-21T10:00:00Z',
};

describe('version headers, on every DRS call', () => {
  const calls = [
    ['POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish],
    ['POST', `/slotStatus/${DETERGENT}`, DRS_HEADERS.slotStatus],
    ['POST', '/deviceStatus', DRS_HEADERS.deviceStatus],
    ['GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2],
    ['GET', '/getOrderInfo/amzn1.dash.v2.o.x', DRS_HEADERS.orderInfo],
    ['DELETE', '/registration', DRS_HEADERS.deregisterV2],
    ['DELETE', '/deviceModels/washer-x200/devices/X/registration', DRS_HEADERS.deregisterV1],
    ['DELETE', '/testOrders', DRS_HEADERS.cancelTestOrders],
    ['DELETE', `/testOrders/slots/${DETERGENT}`, DRS_HEADERS.cancelTestOrders],
  ] as const;

  it.each(calls)(
    '%s %s answers 400 with a message naming x-amzn-type-version when it is missing',
    async (method, url, headers) => {
      const device = await registerWasher(sim, { serialNumber: `HDR-${method}-${url.length}` });
      const response = await drs(
        sim,
        method,
        url,
        { 'x-amzn-accept-type': headers['x-amzn-accept-type'] },
        device.accessToken,
      );
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ message: expect.stringContaining('x-amzn-type-version') });
    },
  );

  it.each(calls)(
    '%s %s answers 400 naming x-amzn-accept-type when it is missing or another version',
    async (method, url, headers) => {
      const device = await registerWasher(sim, { serialNumber: `ACC-${method}-${url.length}` });
      const missing = await drs(
        sim,
        method,
        url,
        { 'x-amzn-type-version': headers['x-amzn-type-version'] },
        device.accessToken,
      );
      expect(missing.status).toBe(400);
      expect(missing.json()).toEqual({ message: expect.stringContaining('x-amzn-accept-type') });
      const wrong = await drs(
        sim,
        method,
        url,
        { ...headers, 'x-amzn-accept-type': `${P}DrsSomethingElse@9.0` },
        device.accessToken,
      );
      expect(wrong.status).toBe(400);
      expect(wrong.json()).toEqual({ message: expect.stringContaining('x-amzn-accept-type') });
    },
  );

  it('answers 400 to the type version of another call', async () => {
    const device = await registerWasher(sim, { serialNumber: 'HDR-OTHER' });
    const response = await drs(
      sim,
      'POST',
      `/replenish/${DETERGENT}`,
      { ...DRS_HEADERS.replenish, 'x-amzn-type-version': `${P}DrsSlotStatusInput@1.0` },
      device.accessToken,
    );
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message: expect.stringContaining(`${P}DrsReplenishInput@1.0`) });
  });
});

describe('POST /replenish/{slotId}', () => {
  it('places a standard order: 200 {eventInstanceId, detailCode: STANDARD_ORDER_PLACED} with the result type header', async () => {
    const device = await registerWasher(sim, { serialNumber: 'REP-0001' });
    const response = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    expect(response.status).toBe(200);
    expect(response.headers['x-amzn-type-version']).toBe(`${P}DrsReplenishResult@1.0`);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['eventInstanceId', 'detailCode']);
    expect(body).toEqual({
      eventInstanceId: expect.stringMatching(/^amzn1\.dash\.v2\.o\./),
      detailCode: 'STANDARD_ORDER_PLACED',
    });
  });

  it('answers ORDER_INPROGRESS with the open order id while an order is open, per slot', async () => {
    const device = await registerWasher(sim, { serialNumber: 'REP-0002' });
    const first = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    const second = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    expect(second.json()).toEqual({ eventInstanceId: first.json()['eventInstanceId'], detailCode: 'ORDER_INPROGRESS' });
    const other = await drs(sim, 'POST', `/replenish/${SOFTENER}`, DRS_HEADERS.replenish, device.accessToken);
    expect(other.json()['detailCode']).toBe('STANDARD_ORDER_PLACED');
  });

  it('places at most one order when many replenish calls on one slot race', async () => {
    const device = await registerWasher(sim, { serialNumber: 'REP-0003' });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken),
      ),
    );
    const codes = answers.map((answer) => answer.json()['detailCode']);
    expect(codes.filter((code) => code === 'STANDARD_ORDER_PLACED')).toHaveLength(1);
    expect(codes.filter((code) => code === 'ORDER_INPROGRESS')).toHaveLength(7);
    expect(new Set(answers.map((answer) => answer.json()['eventInstanceId'])).size).toBe(1);
  });

  it('places a test order for a test device: TEST_ORDER_PLACED', async () => {
    const device = await registerWasher(sim, { serialNumber: 'REP-0004', isTestDevice: true });
    const response = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    expect(response.json()['detailCode']).toBe('TEST_ORDER_PLACED');
  });

  it('answers 404 for a slot the device does not have', async () => {
    const device = await registerWasher(sim, { serialNumber: 'REP-0005' });
    const response = await drs(sim, 'POST', '/replenish/no-such-slot', DRS_HEADERS.replenish, device.accessToken);
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ message: expect.stringContaining('no-such-slot') });
  });

  it('answers 400 "Unable to place order - slot : <slotId> is unsubscribed." for a paused slot', async () => {
    const device = await registerWasher(sim, { serialNumber: 'REP-0006', unsubscribedSlots: [SOFTENER] });
    const response = await drs(sim, 'POST', `/replenish/${SOFTENER}`, DRS_HEADERS.replenish, device.accessToken);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message: `Unable to place order - slot : ${SOFTENER} is unsubscribed.` });
  });

  it('accepts a body-less POST that still says Content-Type: application/json', async () => {
    const device = await registerWasher(sim, { serialNumber: 'REP-0007' });
    const response = await call(sim, 'POST', `/replenish/${DETERGENT}`, {
      headers: {
        ...DRS_HEADERS.replenish,
        authorization: `Bearer ${device.accessToken}`,
        'content-type': 'application/json',
      },
      payload: '',
    });
    expect(response.status).toBe(200);
  });
});

describe('POST /slotStatus/{slotId}', () => {
  it('answers 200 with an empty body and keeps the last status for inspection', async () => {
    const device = await registerWasher(sim, { serialNumber: 'SLS-0001' });
    const response = await drs(
      sim,
      'POST',
      `/slotStatus/${DETERGENT}`,
      DRS_HEADERS.slotStatus,
      device.accessToken,
      SLOT_STATUS,
    );
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(response.headers['x-amzn-type-version']).toBe(`${P}DrsSlotStatusResult@1.0`);
    await drs(sim, 'POST', `/slotStatus/${DETERGENT}`, DRS_HEADERS.slotStatus, device.accessToken, {
      ...SLOT_STATUS,
      remainingQuantityInUnit: 2,
    });

    const seen = await call(sim, 'GET', `/control/v1/slot-statuses?registrationId=${device.registrationId}`);
    expect(seen.json()).toEqual({
      slotStatuses: [
        {
          registrationId: device.registrationId,
          slotId: DETERGENT,
          status: { ...SLOT_STATUS, remainingQuantityInUnit: 2 },
          receivedAt: expect.any(String),
          reports: 2,
        },
      ],
    });
  });

  it('answers 400 naming every missing or invalid field', async () => {
    const device = await registerWasher(sim, { serialNumber: 'SLS-0002' });
    const response = await drs(sim, 'POST', `/slotStatus/${DETERGENT}`, DRS_HEADERS.slotStatus, device.accessToken, {
      expectedReplenishmentDate: 'next week',
      remainingQuantityInUnit: -1,
      originalQuantityInUnit: 10,
    });
    expect(response.status).toBe(400);
    const { message } = response.json<{ message: string }>();
    for (const field of [
      'expectedReplenishmentDate',
      'lastUseDate',
      'remainingQuantityInUnit',
      'totalQuantityOnHand',
    ]) {
      expect(message).toContain(field);
    }
    expect(message).not.toContain('originalQuantityInUnit');
  });

  it('answers 400 {"message"} to a body that is not JSON, and to an unknown slot', async () => {
    const device = await registerWasher(sim, { serialNumber: 'SLS-0003' });
    const broken = await call(sim, 'POST', `/slotStatus/${DETERGENT}`, {
      headers: {
        ...DRS_HEADERS.slotStatus,
        authorization: `Bearer ${device.accessToken}`,
        'content-type': 'application/json',
      },
      payload: '{"remaining',
    });
    expect(broken.status).toBe(400);
    expect(broken.json()).toEqual({ message: expect.any(String) });
    const unknown = await drs(sim, 'POST', '/slotStatus/nope', DRS_HEADERS.slotStatus, device.accessToken, SLOT_STATUS);
    expect(unknown.status).toBe(400);
  });
});

describe('POST /deviceStatus', () => {
  it('answers 200 with an empty body and records mostRecentlyActiveDate', async () => {
    const device = await registerWasher(sim, { serialNumber: 'DVS-0001' });
    const response = await drs(sim, 'POST', '/deviceStatus', DRS_HEADERS.deviceStatus, device.accessToken, {
      mostRecentlyActiveDate: '2015-12-21T10:00:00Z',
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    const seen = await call(sim, 'GET', `/control/v1/device-statuses?registrationId=${device.registrationId}`);
    expect(seen.json<{ deviceStatuses: unknown[] }>().deviceStatuses).toEqual([
      expect.objectContaining({ mostRecentlyActiveDate: '2015-12-21T10:00:00Z', reports: 1 }),
    ]);
  });

  it('answers 400 without mostRecentlyActiveDate', async () => {
    const device = await registerWasher(sim, { serialNumber: 'DVS-0002' });
    const response = await drs(sim, 'POST', '/deviceStatus', DRS_HEADERS.deviceStatus, device.accessToken, {});
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message: expect.stringContaining('mostRecentlyActiveDate') });
  });
});

describe('GET /subscriptionInfo', () => {
  it('answers v2.0 with productInfoList and subscribed per slot, in the marketplace units (US: fl oz)', async () => {
    const device = await registerWasher(sim, { serialNumber: 'SUB-0001', unsubscribedSlots: [SOFTENER] });
    const response = await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, device.accessToken);
    expect(response.status).toBe(200);
    expect(response.headers['x-amzn-type-version']).toBe(`${P}DrsSubscriptionInfoResult@2.0`);
    expect(response.json()).toEqual({
      slotsSubscriptionStatus: {
        [DETERGENT]: { productInfoList: [{ asin: 'B00DETERG1', quantity: 101.44, unit: 'fl oz' }], subscribed: true },
        [SOFTENER]: { productInfoList: [{ asin: 'B00SOFTEN2', quantity: 40, unit: 'count' }], subscribed: false },
      },
    });
  });

  it('answers v1.0 as a boolean per slot', async () => {
    const device = await registerWasher(sim, { serialNumber: 'SUB-0002', unsubscribedSlots: [SOFTENER] });
    const response = await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV1, device.accessToken);
    expect(response.headers['x-amzn-type-version']).toBe(`${P}DrsSubscriptionInfoResult@1.0`);
    expect(response.json()).toEqual({ slotsSubscriptionStatus: { [DETERGENT]: true, [SOFTENER]: false } });
  });

  it('writes litres for a UK device', async () => {
    const device = await registerWasher(sim, { serialNumber: 'SUB-0003', marketplace: 'UK' });
    const response = await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, device.accessToken);
    expect(
      response.json<{ slotsSubscriptionStatus: Record<string, { productInfoList: unknown[] }> }>()
        .slotsSubscriptionStatus[DETERGENT]?.productInfoList,
    ).toEqual([{ asin: 'B00DETERG1', quantity: 3, unit: 'l' }]);
  });

  it('follows a change made on Amazon through the control API', async () => {
    const device = await registerWasher(sim, { serialNumber: 'SUB-0004' });
    const changed = await call(sim, 'PATCH', `/control/v1/registrations/${device.registrationId}/slots/${DETERGENT}`, {
      body: { asin: 'B00DETERG9', quantity: 1.5, unit: 'l' },
    });
    expect(changed.status).toBe(200);
    expect(changed.json()['changed']).toBe(true);
    const response = await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, device.accessToken);
    expect(
      response.json<{ slotsSubscriptionStatus: Record<string, unknown> }>().slotsSubscriptionStatus[DETERGENT],
    ).toEqual({
      productInfoList: [{ asin: 'B00DETERG9', quantity: 50.72, unit: 'fl oz' }],
      subscribed: true,
    });
  });
});

describe('GET /getOrderInfo/{eventInstanceId}', () => {
  it('answers the documented shape with status Processing for a placed order', async () => {
    const device = await registerWasher(sim, { serialNumber: 'ORD-0001' });
    const placed = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    const id = placed.json<{ eventInstanceId: string }>().eventInstanceId;
    const response = await drs(sim, 'GET', `/getOrderInfo/${id}`, DRS_HEADERS.orderInfo, device.accessToken);
    expect(response.status).toBe(200);
    expect(response.headers['x-amzn-type-version']).toBe(`${P}DrsOrderInfoResult@1.0`);
    const body = response.json<{ orderInfoData: { orderItems: Record<string, unknown>[] } }>();
    expect(body).toEqual({
      orderInfoData: {
        instanceId: id,
        orderItems: [
          {
            asin: 'B00DETERG1',
            expectedDeliveryDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/),
            quantity: 1,
            slotId: DETERGENT,
            status: 'Processing',
          },
        ],
      },
    });
    expect(Object.keys(body.orderInfoData.orderItems[0] ?? {})).toEqual([
      'asin',
      'expectedDeliveryDate',
      'quantity',
      'slotId',
      'status',
    ]);
  });

  it('answers Cancelled with a null delivery date for a cancelled order', async () => {
    const device = await registerWasher(sim, { serialNumber: 'ORD-0002' });
    const id = (await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken)).json<{
      eventInstanceId: string;
    }>().eventInstanceId;
    expect((await call(sim, 'POST', `/control/v1/orders/${id}/cancel`)).status).toBe(200);
    const response = await drs(sim, 'GET', `/getOrderInfo/${id}`, DRS_HEADERS.orderInfo, device.accessToken);
    expect(response.json<{ orderInfoData: { orderItems: unknown[] } }>().orderInfoData.orderItems[0]).toMatchObject({
      status: 'Cancelled',
      expectedDeliveryDate: null,
    });
  });

  it("answers 400 for an unknown order and for another device's order", async () => {
    const owner = await registerWasher(sim, { serialNumber: 'ORD-0003' });
    const stranger = await registerWasher(sim, { serialNumber: 'ORD-0004' });
    const id = (await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, owner.accessToken)).json<{
      eventInstanceId: string;
    }>().eventInstanceId;
    const foreign = await drs(sim, 'GET', `/getOrderInfo/${id}`, DRS_HEADERS.orderInfo, stranger.accessToken);
    expect(foreign.status).toBe(400);
    expect(foreign.json()).toEqual({ message: expect.stringContaining(id) });
    expect(
      (await drs(sim, 'GET', '/getOrderInfo/amzn1.dash.v2.o.none', DRS_HEADERS.orderInfo, owner.accessToken)).status,
    ).toBe(400);
  });
});

describe('deregistration', () => {
  it('DELETE /registration (v2) answers 200 with an empty body and records DeviceDeregistered', async () => {
    const device = await registerWasher(sim, { serialNumber: 'DRG-0001' });
    const response = await drs(sim, 'DELETE', '/registration', DRS_HEADERS.deregisterV2, device.accessToken);
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(response.headers['x-amzn-type-version']).toBe(`${P}DrsDeregisterResult@1.0`);
    const notifications = await call(sim, 'GET', `/control/v1/notifications?registrationId=${device.registrationId}`);
    expect(
      notifications
        .json<{ notifications: { notificationType: string }[] }>()
        .notifications.map((n) => n.notificationType),
    ).toEqual(['DeviceRegisteredNotification', 'SubscriptionChangedNotification', 'DeviceDeregisteredNotification']);
  });

  it('DELETE /deviceModels/{modelId}/devices/{serial}/registration (v1) deregisters the device the token belongs to', async () => {
    const device = await registerWasher(sim, { serialNumber: 'DRG-0002' });
    const wrong = await drs(
      sim,
      'DELETE',
      '/deviceModels/washer-x200/devices/DRG-9999/registration',
      DRS_HEADERS.deregisterV1,
      device.accessToken,
    );
    expect(wrong.status).toBe(400);
    const response = await drs(
      sim,
      'DELETE',
      '/deviceModels/washer-x200/devices/DRG-0002/registration',
      DRS_HEADERS.deregisterV1,
      device.accessToken,
    );
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    const registration = await call(sim, 'GET', `/control/v1/registrations/${device.registrationId}`);
    expect(
      registration.json<{ registration: { deregisteredAt: string | null } }>().registration.deregisteredAt,
    ).not.toBeNull();
  });
});

describe('DELETE /testOrders', () => {
  it('cancels the open test orders of every slot and answers NO_ORDER_IN_PROGRESS per slot', async () => {
    const device = await registerWasher(sim, { serialNumber: 'TST-0001', isTestDevice: true });
    await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    const response = await drs(sim, 'DELETE', '/testOrders', DRS_HEADERS.cancelTestOrders, device.accessToken);
    expect(response.status).toBe(200);
    expect(response.headers['x-amzn-type-version']).toBe(`${P}DrsCancelTestOrdersResult@1.0`);
    expect(response.json()).toEqual({
      slotOrderStatuses: [
        { orderStatus: 'NO_ORDER_IN_PROGRESS', slotId: DETERGENT },
        { orderStatus: 'NO_ORDER_IN_PROGRESS', slotId: SOFTENER },
      ],
    });
    const again = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    expect(again.json()['detailCode']).toBe('TEST_ORDER_PLACED');
  });

  it('cancels one slot with DELETE /testOrders/slots/{slotId}, leaving the others', async () => {
    const device = await registerWasher(sim, { serialNumber: 'TST-0002', isTestDevice: true });
    await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    const softener = await drs(sim, 'POST', `/replenish/${SOFTENER}`, DRS_HEADERS.replenish, device.accessToken);
    const response = await drs(
      sim,
      'DELETE',
      `/testOrders/slots/${DETERGENT}`,
      DRS_HEADERS.cancelTestOrders,
      device.accessToken,
    );
    expect(response.json()).toEqual({
      slotOrderStatuses: [{ orderStatus: 'NO_ORDER_IN_PROGRESS', slotId: DETERGENT }],
    });
    const stillOpen = await drs(sim, 'POST', `/replenish/${SOFTENER}`, DRS_HEADERS.replenish, device.accessToken);
    expect(stillOpen.json()).toEqual({
      eventInstanceId: softener.json()['eventInstanceId'],
      detailCode: 'ORDER_INPROGRESS',
    });
  });

  it('answers 400 for a device that is not a test device', async () => {
    const device = await registerWasher(sim, { serialNumber: 'TST-0003' });
    const response = await drs(sim, 'DELETE', '/testOrders', DRS_HEADERS.cancelTestOrders, device.accessToken);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message: expect.any(String) });
  });
});

describe('API faults', () => {
  it('fails the configured share of calls with 500 {"message"}, the same calls for the same seed', async () => {
    const device = await registerWasher(sim, { serialNumber: 'FLT-0001' });
    async function run(): Promise<number[]> {
      await call(sim, 'PUT', '/control/v1/faults', { body: { seed: 7, api: { failRate: 0.5 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push(
          (await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, device.accessToken)).status,
        );
      }
      return statuses;
    }
    const first = await run();
    const second = await run();
    await call(sim, 'DELETE', '/control/v1/faults');
    expect(first).toEqual(second);
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
    const failed = await (async () => {
      await call(sim, 'PUT', '/control/v1/faults', { body: { seed: 7, api: { failRate: 1 } } });
      const response = await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, device.accessToken);
      await call(sim, 'DELETE', '/control/v1/faults');
      return response;
    })();
    expect(failed.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('slows answers by the configured delay', async () => {
    const device = await registerWasher(sim, { serialNumber: 'FLT-0002' });
    await call(sim, 'PUT', '/control/v1/faults', { body: { api: { slowRate: 1, slowMs: 300 } } });
    const started = performance.now();
    const response = await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, device.accessToken);
    const elapsed = performance.now() - started;
    await call(sim, 'DELETE', '/control/v1/faults');
    expect(response.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });

  it('expires a valid token early, once, so the next call needs a refreshed token', async () => {
    const device = await registerWasher(sim, { serialNumber: 'FLT-0003' });
    await call(sim, 'PUT', '/control/v1/faults', { body: { api: { tokenExpiryRate: 1 } } });
    const first = await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, device.accessToken);
    await call(sim, 'DELETE', '/control/v1/faults');
    expect(first.json()).toEqual({ message: 'Invalid token' });
    const after = await drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, device.accessToken);
    expect(after.json()).toEqual({ message: 'Invalid token' });
  });
});

describe('the Order Resolution Flow (order fault)', () => {
  async function types(registrationId: string): Promise<string[]> {
    const response = await call(sim, 'GET', `/control/v1/notifications?registrationId=${registrationId}`);
    return response
      .json<{ notifications: { notificationType: string }[] }>()
      .notifications.map((n) => n.notificationType);
  }

  async function placeNeedingResolution(serialNumber: string) {
    const device = await registerWasher(sim, { serialNumber });
    await call(sim, 'PUT', '/control/v1/faults', { body: { orders: { resolutionRate: 1 } } });
    const placed = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    await call(sim, 'DELETE', '/control/v1/faults');
    return { device, placed, orderId: placed.json<{ eventInstanceId: string }>().eventInstanceId };
  }

  it('answers STANDARD_ORDER_PLACED but sends no OrderPlaced, and GetOrderInfo says Processing with a null date', async () => {
    const { device, placed, orderId } = await placeNeedingResolution('RES-0001');
    expect(placed.json()).toMatchObject({ detailCode: 'STANDARD_ORDER_PLACED' });
    expect(await types(device.registrationId)).not.toContain('OrderPlacedNotification');
    const info = await drs(sim, 'GET', `/getOrderInfo/${orderId}`, DRS_HEADERS.orderInfo, device.accessToken);
    expect(info.json<{ orderInfoData: { orderItems: unknown[] } }>().orderInfoData.orderItems[0]).toMatchObject({
      status: 'Processing',
      expectedDeliveryDate: null,
    });
    const again = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    expect(again.json()).toEqual({ eventInstanceId: orderId, detailCode: 'ORDER_INPROGRESS' });
  });

  it('sends OrderPlaced when the customer resolves the order, which then ships as usual', async () => {
    const { device, orderId } = await placeNeedingResolution('RES-0002');
    const resolved = await call(sim, 'POST', `/control/v1/orders/${orderId}/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'placed' });
    expect((await types(device.registrationId)).at(-1)).toBe('OrderPlacedNotification');
    const info = await drs(sim, 'GET', `/getOrderInfo/${orderId}`, DRS_HEADERS.orderInfo, device.accessToken);
    expect(
      info.json<{ orderInfoData: { orderItems: { expectedDeliveryDate: string | null }[] } }>().orderInfoData
        .orderItems[0]?.expectedDeliveryDate,
    ).not.toBeNull();
    expect((await call(sim, 'POST', `/control/v1/orders/${orderId}/resolve`)).status).toBe(409);
  });

  it('cancels an order not resolved within 72 h with OrderCancelled, and replenish places a new one', async () => {
    const { device, orderId } = await placeNeedingResolution('RES-0003');
    await call(sim, 'POST', '/control/v1/clock/advance', { body: { seconds: 71 * 3600 } });
    expect((await call(sim, 'GET', `/control/v1/orders/${orderId}`)).json()).toMatchObject({ status: 'resolving' });
    const tick = await call(sim, 'POST', '/control/v1/clock/advance', { body: { seconds: 3600 } });
    expect(tick.json<{ tick: { expired: number } }>().tick.expired).toBeGreaterThanOrEqual(1);
    expect((await call(sim, 'GET', `/control/v1/orders/${orderId}`)).json()).toMatchObject({ status: 'cancelled' });
    expect((await types(device.registrationId)).at(-1)).toBe('OrderCancelledNotification');
    const next = await drs(sim, 'POST', `/replenish/${DETERGENT}`, DRS_HEADERS.replenish, device.accessToken);
    expect(next.json()).toMatchObject({ detailCode: 'STANDARD_ORDER_PLACED' });
    expect(next.json()['eventInstanceId']).not.toBe(orderId);
  });
});
