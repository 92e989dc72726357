import { randomUUID } from 'node:crypto';
import type {
  ConsumptionReported,
  DeviceModelDefined,
  DeviceProvisioned,
  DrsCallCompleted,
  InventoryChanged,
  OrderCancelled,
  OrderPlaced,
  ShipmentArrived,
} from '@restock/events';

/** A coffee machine with one pod slot: 40 pods a box, 2 a day assumed. */
export const COFFEE = { modelId: 'coffee-c1', slotId: 'pods', replenishmentId: 'drs-pods-slot' } as const;

const stamp = (at: string) => ({ occurredAt: at, recordedAt: at, source: 'test', version: 1 as const });

export function modelDefined(at: string): DeviceModelDefined {
  return {
    id: randomUUID(),
    type: 'DeviceModelDefined',
    key: `model:${COFFEE.modelId}`,
    ...stamp(at),
    data: {
      modelId: COFFEE.modelId,
      name: 'Coffee C1',
      kind: 'coffee_machine',
      slots: [
        {
          slotId: COFFEE.slotId,
          unitType: 'count',
          capacity: 40,
          defaultDailyUse: 2,
          replenishmentId: COFFEE.replenishmentId,
          optional: false,
        },
      ],
      marketplaces: {},
      image: null,
      certifiedAt: null,
      revision: 1,
    },
  };
}

export function deviceProvisioned(deviceId: string, at: string, marketplace = 'US'): DeviceProvisioned {
  return {
    id: randomUUID(),
    type: 'DeviceProvisioned',
    deviceId,
    ...stamp(at),
    data: {
      deviceId,
      modelId: COFFEE.modelId,
      serialNumber: `SN-${deviceId.replace(/[^A-Za-z0-9]/g, '').slice(-20)}`,
      marketplace,
      customerId: null,
      credentialHash: null,
      credentialRevision: 0,
      testDevice: false,
      provisionedAt: at,
    },
  };
}

export function consumed(deviceId: string, at: string, quantity: number, sequence: number): ConsumptionReported {
  return {
    id: randomUUID(),
    type: 'ConsumptionReported',
    deviceId,
    ...stamp(at),
    data: {
      slotId: COFFEE.slotId,
      quantity,
      unit: 'count',
      reported: { quantity, unit: 'pods' },
      sequence,
    },
  };
}

export function inventoryChanged(
  deviceId: string,
  at: string,
  revision: number,
  level: number,
  overrides: Partial<InventoryChanged['data']> = {},
): InventoryChanged {
  return {
    id: randomUUID(),
    type: 'InventoryChanged',
    deviceId,
    ...stamp(at),
    data: {
      slotId: COFFEE.slotId,
      unitType: 'count',
      unit: 'count',
      level,
      capacity: 40,
      spareStock: 0,
      onTheWay: [],
      stockOnHand: level,
      overdraw: 0,
      lastUseAt: at,
      registered: true,
      subscription: { subscribed: true, asin: 'B00PODS001' },
      openOrder: null,
      revision,
      ...overrides,
    },
  };
}

export function orderEvent(
  type: 'OrderPlaced' | 'OrderCancelled',
  deviceId: string,
  instanceId: string,
  at: string,
): OrderPlaced | OrderCancelled {
  const common = {
    instanceId,
    slotId: COFFEE.slotId,
    drsSlotId: COFFEE.replenishmentId,
    notificationId: `amzn1.dash.notification.v1.${randomUUID()}`,
    notificationTime: at,
  };
  if (type === 'OrderCancelled') return { id: randomUUID(), type, deviceId, ...stamp(at), data: common };
  return {
    id: randomUUID(),
    type,
    deviceId,
    ...stamp(at),
    data: {
      ...common,
      products: [{ asin: 'B00PODS001', quantity: 40, unit: 'count', estimatedDeliveryAt: null }],
    },
  };
}

export function shipmentArrived(deviceId: string, instanceId: string, at: string): ShipmentArrived {
  return {
    id: randomUUID(),
    type: 'ShipmentArrived',
    deviceId,
    ...stamp(at),
    data: { instanceId, slotId: COFFEE.slotId, quantity: 40, unit: 'count', scheduledFor: at },
  };
}

export function replenishOutcome(
  deviceId: string,
  commandId: string,
  at: string,
  answer: { outcome: 'succeeded' | 'failed'; detailCode: string | null; eventInstanceId: string | null },
): DrsCallCompleted {
  return {
    id: randomUUID(),
    type: 'DrsCallCompleted',
    deviceId,
    ...stamp(at),
    data: {
      commandId,
      commandType: 'ReplenishRequested',
      operation: 'replenish',
      outcome: answer.outcome,
      httpStatus: answer.outcome === 'succeeded' ? 200 : 400,
      detailCode: answer.detailCode,
      eventInstanceId: answer.eventInstanceId,
      slotId: COFFEE.slotId,
      error: answer.outcome === 'failed' ? 'Unable to place order' : null,
    },
  };
}

/** `days` days of use of `perDay` pods before `until` (one report a day, at noon). */
export function useHistory(deviceId: string, until: string, days: number, perDay: number): ConsumptionReported[] {
  const end = Date.parse(until);
  const events: ConsumptionReported[] = [];
  for (let i = days; i >= 1; i--) {
    const day = new Date(end - i * 86_400_000).toISOString().slice(0, 10);
    events.push(consumed(deviceId, `${day}T12:00:00.000Z`, perDay, days - i));
  }
  return events;
}
