import type { MarketplaceListing, ModelSlot, OrderState, UnitType } from '@restock/events';

/**
 * Everything the query service knows of one device, as read in one go from PostgreSQL: its catalogue
 * entry (query's own copy of catalog.v1), the inventory projection's rows and the customer's
 * preferences. Plain JSON (instants as ISO strings), because this is also what the cache holds.
 */
export interface DeviceRecord {
  deviceId: string;
  modelId: string;
  serialNumber: string;
  marketplace: string;
  /** The customer who claimed the device; null until claimed. */
  customerId: string | null;
  model: ModelRecord | null;
  registration: { registeredAt: string | null; deregisteredAt: string | null } | null;
  slots: SlotRecord[];
  /** Orders still on the way (placed or shipped). */
  openOrders: OrderRecord[];
  subscriptions: { slotId: string; subscribed: boolean; asin: string | null }[];
  /** Daily use from `dailySince` on. */
  daily: { slotId: string; day: string; quantity: number }[];
  dailySince: string;
  /** Each slot's first day of recorded use. */
  firstDays: { slotId: string; day: string }[];
  preferences: { slotId: string; daysOfCover: number }[];
}

export interface ModelRecord {
  name: string;
  kind: string;
  slots: ModelSlot[];
  /** The listing of the device's marketplace: localized names and ASINs; null when the model has none there. */
  listing: MarketplaceListing | null;
}

/** A row of the projector's `slots`, canonical units. */
export interface SlotRecord {
  slotId: string;
  unitType: UnitType;
  capacity: number;
  level: number;
  spareStock: number;
  lastUseAt: string | null;
  revision: number;
}

/** A row of the projector's `orders`; `quantity` canonical, null until the slot's unit type is known. */
export interface OrderRecord {
  instanceId: string;
  slotId: string;
  state: OrderState;
  quantity: number | null;
  asin: string | null;
  estimatedDeliveryAt: string | null;
  placedAt: string | null;
  shippedAt: string | null;
  arrivedAt: string | null;
  cancelledAt: string | null;
}

/** A device as the catalogue describes it: enough for the customer's device list. */
export type CatalogEntry = Pick<
  DeviceRecord,
  'deviceId' | 'modelId' | 'serialNumber' | 'marketplace' | 'customerId' | 'model'
>;

/** Whether the device is linked to DRS: its newest registration is newer than its newest deregistration. */
export function isRegistered(registration: DeviceRecord['registration']): boolean {
  if (registration === null || registration.registeredAt === null) return false;
  return (
    registration.deregisteredAt === null ||
    Date.parse(registration.registeredAt) > Date.parse(registration.deregisteredAt)
  );
}

/** The device's name in its marketplace, or the model's. */
export function deviceName(record: Pick<DeviceRecord, 'model' | 'modelId'>): string {
  return record.model?.listing?.deviceName ?? record.model?.name ?? record.modelId;
}

/** A slot's localized name in the device's marketplace, or its id when the listing has none. */
export function slotName(record: Pick<DeviceRecord, 'model'>, slotId: string): string {
  return record.model?.listing?.slotNames[slotId] ?? slotId;
}
