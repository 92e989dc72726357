import type { ModelSlot, UnitType } from '@restock/events';
import { canonicalUnitOf, roundCanonical } from '@restock/units';
import { type BurnRateSettings, burnRate } from './burn-rate.js';
import { roundTo } from './calendar.js';
import {
  type CatalogEntry,
  type DeviceRecord,
  deviceName,
  isRegistered,
  type OrderRecord,
  type SlotRecord,
  slotName,
} from './device-record.js';
import { displayFor } from './display.js';
import { runOut } from './run-out.js';
import type { DeviceDetail, DeviceSummary, OrderView, SlotView } from './views.js';

export interface ViewSettings {
  burnRate: BurnRateSettings;
  defaultDaysOfCover: number;
}

/** One entry of the customer's device list. */
export function deviceSummary(record: CatalogEntry): DeviceSummary {
  return {
    deviceId: record.deviceId,
    name: deviceName(record),
    modelId: record.modelId,
    modelName: record.model?.name ?? record.modelId,
    kind: record.model?.kind ?? 'other',
    marketplace: record.marketplace,
    serialNumber: record.serialNumber,
    slots: (record.model?.slots ?? []).map((s) => ({ slotId: s.slotId, name: slotName(record, s.slotId) })),
  };
}

/**
 * The device as the companion app shows it at `now`: every slot of its model in the model's order,
 * in the marketplace's units, with burn rate, days left and run-out date computed for `now` (the
 * record itself holds no time-dependent value, so a cached record gives the same answer as a fresh one).
 */
export function deviceDetail(record: DeviceRecord, now: Date, settings: ViewSettings): DeviceDetail {
  return {
    deviceId: record.deviceId,
    name: deviceName(record),
    modelId: record.modelId,
    modelName: record.model?.name ?? record.modelId,
    kind: record.model?.kind ?? 'other',
    marketplace: record.marketplace,
    serialNumber: record.serialNumber,
    drs: {
      registered: isRegistered(record.registration),
      registeredAt: record.registration?.registeredAt ?? null,
      deregisteredAt: record.registration?.deregisteredAt ?? null,
    },
    slots: slotIdsOf(record).map((slotId) => slotView(record, slotId, now, settings)),
    asOf: now.toISOString(),
  };
}

/** The model's slots in its order, then any slot the projection holds that the model no longer names. */
export function slotIdsOf(record: DeviceRecord): string[] {
  const ids = (record.model?.slots ?? []).map((s) => s.slotId);
  for (const s of record.slots) if (!ids.includes(s.slotId)) ids.push(s.slotId);
  return ids;
}

/** The model's definition of a slot, when the model is known and has it. */
export function modelSlotOf(record: DeviceRecord, slotId: string): ModelSlot | undefined {
  return record.model?.slots.find((s) => s.slotId === slotId);
}

/** The slot's unit type: the projection's, or the model's before the projector has the slot. */
export function unitTypeOf(record: DeviceRecord, slotId: string): UnitType | undefined {
  return record.slots.find((s) => s.slotId === slotId)?.unitType ?? modelSlotOf(record, slotId)?.unitType;
}

function slotRecordOf(record: DeviceRecord, slotId: string): SlotRecord {
  const stored = record.slots.find((s) => s.slotId === slotId);
  if (stored) return stored;
  const def = modelSlotOf(record, slotId);
  // The projector has not created the slot yet (it lags the catalogue by moments); it will start it
  // full, as every new slot starts, so that is what the customer sees meanwhile.
  return {
    slotId,
    unitType: def?.unitType ?? 'count',
    capacity: def?.capacity ?? 0,
    level: def?.capacity ?? 0,
    spareStock: 0,
    lastUseAt: null,
    revision: 0,
  };
}

/** Orders of the slot still on the way, oldest first. */
function openOrdersOf(record: DeviceRecord, slotId: string): OrderRecord[] {
  return record.openOrders
    .filter((o) => o.slotId === slotId)
    .sort((a, b) => (orderTime(a) ?? '').localeCompare(orderTime(b) ?? '') || a.instanceId.localeCompare(b.instanceId));
}

function orderTime(o: OrderRecord): string | null {
  return o.placedAt ?? o.shippedAt;
}

export function slotView(record: DeviceRecord, slotId: string, now: Date, settings: ViewSettings): SlotView {
  const slot = slotRecordOf(record, slotId);
  const display = displayFor(record.marketplace, slot.unitType);
  const open = openOrdersOf(record, slotId);
  const onTheWay = roundCanonical(open.reduce((sum, o) => sum + (o.quantity ?? 0), 0));
  const stockOnHand = roundCanonical(slot.level + slot.spareStock + onTheWay);
  const rate = burnRate(
    record.daily.filter((d) => d.slotId === slotId),
    record.firstDays.find((f) => f.slotId === slotId)?.day ?? null,
    modelSlotOf(record, slotId)?.defaultDailyUse ?? 0,
    settings.burnRate,
    now,
  );
  const { daysLeft, runOutDate } = runOut(stockOnHand, rate.perDay, now);
  const subscription = record.subscriptions.find((s) => s.slotId === slotId);
  const chosen = record.preferences.find((p) => p.slotId === slotId);
  const latest = open.at(-1);
  return {
    slotId,
    name: slotName(record, slotId),
    unitType: slot.unitType,
    unit: display.unit,
    level: display.of(slot.level),
    capacity: display.of(slot.capacity),
    percent: percentOf(slot.level, slot.capacity),
    spareStock: display.of(slot.spareStock),
    stockOnHand: display.of(stockOnHand),
    onTheWay: open.map((o) => ({
      instanceId: o.instanceId,
      state: o.state,
      quantity: display.ofNullable(o.quantity),
      estimatedDeliveryAt: o.estimatedDeliveryAt,
    })),
    burnRatePerDay: display.of(rate.perDay),
    burnRate: { basis: rate.basis, windowDays: rate.windowDays },
    daysLeft,
    runOutDate,
    autoReorder: { enabled: subscription?.subscribed ?? false, asin: subscription?.asin ?? null },
    openOrder: latest
      ? {
          instanceId: latest.instanceId,
          state: latest.state,
          quantity: display.ofNullable(latest.quantity),
          asin: latest.asin,
          placedAt: latest.placedAt,
          estimatedDeliveryAt: latest.estimatedDeliveryAt,
        }
      : null,
    daysOfCover: chosen?.daysOfCover ?? settings.defaultDaysOfCover,
    daysOfCoverChosen: chosen !== undefined,
    lastUseAt: slot.lastUseAt,
    revision: slot.revision,
    canonical: {
      unit: canonicalUnitOf(slot.unitType),
      level: slot.level,
      capacity: slot.capacity,
      spareStock: slot.spareStock,
      stockOnHand,
      burnRatePerDay: rate.perDay,
    },
  };
}

/** level / capacity in percent, one decimal; null for a slot without a capacity. */
export function percentOf(level: number, capacity: number): number | null {
  return capacity > 0 ? roundTo((level / capacity) * 100, 1) : null;
}

/** An order as the companion app lists it, in the slot's display unit. */
export function orderView(record: DeviceRecord, order: OrderRecord): OrderView {
  const unitType = unitTypeOf(record, order.slotId);
  const display = unitType === undefined ? undefined : displayFor(record.marketplace, unitType);
  return {
    instanceId: order.instanceId,
    slotId: order.slotId,
    slotName: slotName(record, order.slotId),
    state: order.state,
    unit: display?.unit ?? null,
    quantity: display === undefined ? null : display.ofNullable(order.quantity),
    canonicalQuantity: order.quantity,
    asin: order.asin,
    placedAt: order.placedAt,
    shippedAt: order.shippedAt,
    estimatedDeliveryAt: order.estimatedDeliveryAt,
    arrivedAt: order.arrivedAt,
    cancelledAt: order.cancelledAt,
  };
}
