import type { InventoryChanged } from '@restock/events';
import { type CatalogEntry, slotName } from './device-record.js';
import { percentOf } from './device-view.js';
import { displayFor } from './display.js';
import type { SlotChange } from './views.js';

/** An inventory.v1 change as the event stream sends it: the slot's new state in the marketplace's units. */
export function slotChange(device: Pick<CatalogEntry, 'marketplace' | 'model'>, event: InventoryChanged): SlotChange {
  const d = event.data;
  const display = displayFor(device.marketplace, d.unitType);
  return {
    deviceId: event.deviceId,
    slotId: d.slotId,
    name: slotName(device, d.slotId),
    unitType: d.unitType,
    unit: display.unit,
    level: display.of(d.level),
    capacity: display.of(d.capacity),
    percent: percentOf(d.level, d.capacity),
    spareStock: display.of(d.spareStock),
    stockOnHand: display.of(d.stockOnHand),
    onTheWay: d.onTheWay.map((s) => ({
      instanceId: s.instanceId,
      quantity: display.of(s.quantity),
      estimatedDeliveryAt: s.estimatedDeliveryAt,
    })),
    autoReorder: { enabled: d.subscription?.subscribed ?? false, asin: d.subscription?.asin ?? null },
    openOrder: d.openOrder,
    drsRegistered: d.registered,
    lastUseAt: d.lastUseAt,
    revision: d.revision,
    changedAt: event.occurredAt,
    canonical: {
      unit: d.unit,
      level: d.level,
      capacity: d.capacity,
      spareStock: d.spareStock,
      stockOnHand: d.stockOnHand,
    },
  };
}
