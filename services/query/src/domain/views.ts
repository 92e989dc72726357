import { CanonicalUnit, DeviceId, OrderState, SlotId, Timestamp, UnitType } from '@restock/events';
import { type Static, Type } from '@sinclair/typebox';

/*
 * What the companion app reads: one TypeBox value per shape gives the response schema (validation of
 * the serializer's input, the OpenAPI document) and the type the domain builds. Quantities are in the
 * slot's display unit for the device's marketplace (`unit`); `canonical` repeats them in ml, g, count
 * or percent for clients that compute.
 */

export const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A UTC day, YYYY-MM-DD' });
export const DisplayUnit = Type.Union(
  [
    Type.Literal('fl oz'),
    Type.Literal('oz'),
    Type.Literal('l'),
    Type.Literal('kg'),
    Type.Literal('count'),
    Type.Literal('%'),
  ],
  { description: 'fl oz and oz in the US, l and kg elsewhere, count and % everywhere' },
);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const DeviceSummary = Type.Object({
  deviceId: DeviceId,
  name: Type.String({ description: "The device's name in its marketplace" }),
  modelId: Type.String(),
  modelName: Type.String(),
  kind: Type.String(),
  marketplace: Type.String(),
  serialNumber: Type.String(),
  slots: Type.Array(Type.Object({ slotId: SlotId, name: Type.String() })),
});
export type DeviceSummary = Static<typeof DeviceSummary>;

export const DeviceList = Type.Object({ devices: Type.Array(DeviceSummary) });
export type DeviceList = Static<typeof DeviceList>;

export const Shipment = Type.Object({
  instanceId: Type.String(),
  state: OrderState,
  quantity: Nullable(Type.Number({ description: 'In the display unit; null until known' })),
  estimatedDeliveryAt: Nullable(Timestamp),
});

export const OpenOrder = Type.Object({
  instanceId: Type.String(),
  state: OrderState,
  quantity: Nullable(Type.Number()),
  asin: Nullable(Type.String()),
  placedAt: Nullable(Timestamp),
  estimatedDeliveryAt: Nullable(Timestamp),
});

export const SlotView = Type.Object({
  slotId: SlotId,
  name: Type.String({ description: "The slot's name in the device's marketplace" }),
  unitType: UnitType,
  unit: DisplayUnit,
  level: Type.Number(),
  capacity: Type.Number(),
  percent: Nullable(Type.Number({ description: 'level / capacity, one decimal' })),
  spareStock: Type.Number({ description: 'Supplies on the shelf, not yet in the device' }),
  stockOnHand: Type.Number({ description: 'level + spare stock + shipments on the way' }),
  onTheWay: Type.Array(Shipment),
  burnRatePerDay: Type.Number({ description: 'In the display unit per day' }),
  burnRate: Type.Object({
    basis: Type.Union([Type.Literal('history'), Type.Literal('default')]),
    windowDays: Type.Number({ description: "Days of the slot's own use behind the rate; 0 for the model's default" }),
  }),
  daysLeft: Nullable(Type.Number({ description: 'Stock on hand / burn rate; null while nothing is used' })),
  runOutDate: Nullable(Day),
  autoReorder: Type.Object({
    enabled: Type.Boolean({
      description: "DRS's subscription of the slot: on when the customer chose to auto-reorder",
    }),
    asin: Nullable(Type.String()),
  }),
  openOrder: Nullable(OpenOrder),
  daysOfCover: Type.Integer({ description: 'How many days of supplies the reorder policy keeps on hand' }),
  daysOfCoverChosen: Type.Boolean({ description: 'Whether the customer chose daysOfCover (or it is the default)' }),
  lastUseAt: Nullable(Timestamp),
  revision: Type.Integer({ minimum: 0 }),
  canonical: Type.Object({
    unit: CanonicalUnit,
    level: Type.Number(),
    capacity: Type.Number(),
    spareStock: Type.Number(),
    stockOnHand: Type.Number(),
    burnRatePerDay: Type.Number(),
  }),
});
export type SlotView = Static<typeof SlotView>;

export const DrsRegistration = Type.Object({
  registered: Type.Boolean({ description: 'Linked to Amazon Dash Replenishment' }),
  registeredAt: Nullable(Timestamp),
  deregisteredAt: Nullable(Timestamp),
});

export const DeviceDetail = Type.Object({
  deviceId: DeviceId,
  name: Type.String(),
  modelId: Type.String(),
  modelName: Type.String(),
  kind: Type.String(),
  marketplace: Type.String(),
  serialNumber: Type.String(),
  drs: DrsRegistration,
  slots: Type.Array(SlotView),
  asOf: Timestamp,
});
export type DeviceDetail = Static<typeof DeviceDetail>;

export const OrderView = Type.Object({
  instanceId: Type.String(),
  slotId: SlotId,
  slotName: Type.String(),
  state: OrderState,
  unit: Nullable(DisplayUnit),
  quantity: Nullable(Type.Number({ description: 'In the display unit; null until known' })),
  canonicalQuantity: Nullable(Type.Number()),
  asin: Nullable(Type.String()),
  placedAt: Nullable(Timestamp),
  shippedAt: Nullable(Timestamp),
  estimatedDeliveryAt: Nullable(Timestamp),
  arrivedAt: Nullable(Timestamp),
  cancelledAt: Nullable(Timestamp),
});
export type OrderView = Static<typeof OrderView>;

export const OrderList = Type.Object({ orders: Type.Array(OrderView) });
export type OrderList = Static<typeof OrderList>;

export const SlotHistory = Type.Object({
  slotId: SlotId,
  name: Type.String(),
  unit: DisplayUnit,
  canonicalUnit: CanonicalUnit,
  from: Day,
  to: Day,
  days: Type.Array(
    Type.Object({
      day: Day,
      quantity: Type.Number({ description: 'Used that day, in the display unit' }),
      canonicalQuantity: Type.Number(),
    }),
  ),
});
export type SlotHistory = Static<typeof SlotHistory>;

export const DecisionView = Type.Object({
  decidedAt: Timestamp,
  outcome: Type.String({ description: 'What the reorder policy decided: ordered, or held (and why, in reason)' }),
  reason: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Why: burn rate, window, stock on hand, threshold, days left...',
  }),
});
export type DecisionView = Static<typeof DecisionView>;

export const DecisionList = Type.Object({ slotId: SlotId, decisions: Type.Array(DecisionView) });
export type DecisionList = Static<typeof DecisionList>;

/** One change of a slot on the event stream: the slot's state after it, as inventory.v1 said it. */
export const SlotChange = Type.Object({
  deviceId: DeviceId,
  slotId: SlotId,
  name: Type.String(),
  unitType: UnitType,
  unit: DisplayUnit,
  level: Type.Number(),
  capacity: Type.Number(),
  percent: Nullable(Type.Number()),
  spareStock: Type.Number(),
  stockOnHand: Type.Number(),
  onTheWay: Type.Array(
    Type.Object({
      instanceId: Type.String(),
      quantity: Type.Number({ description: 'In the display unit' }),
      estimatedDeliveryAt: Nullable(Timestamp),
    }),
  ),
  autoReorder: Type.Object({ enabled: Type.Boolean(), asin: Nullable(Type.String()) }),
  openOrder: Nullable(
    Type.Object({ instanceId: Type.String(), state: OrderState, estimatedDeliveryAt: Nullable(Timestamp) }),
  ),
  drsRegistered: Type.Boolean(),
  lastUseAt: Nullable(Timestamp),
  revision: Type.Integer({ minimum: 1 }),
  changedAt: Timestamp,
  canonical: Type.Object({
    unit: CanonicalUnit,
    level: Type.Number(),
    capacity: Type.Number(),
    spareStock: Type.Number(),
    stockOnHand: Type.Number(),
  }),
});
export type SlotChange = Static<typeof SlotChange>;

export const Accepted = Type.Object({
  eventId: Type.String({
    format: 'uuid',
    description: 'The id of the published event; a retry with the same Idempotency-Key gets the same',
  }),
});

export const AdjustmentAccepted = Type.Object({
  eventId: Type.String({ format: 'uuid' }),
  slotId: SlotId,
  mode: Type.Union([Type.Literal('setLevel'), Type.Literal('addSpare')]),
  canonical: Type.Object({ quantity: Type.Number(), unit: CanonicalUnit }),
});
export type AdjustmentAccepted = Static<typeof AdjustmentAccepted>;

export const PreferencesView = Type.Object({
  slotId: SlotId,
  daysOfCover: Type.Integer(),
  /** The SlotPreferencesChanged that carried this value. */
  eventId: Type.String({ format: 'uuid' }),
});
export type PreferencesView = Static<typeof PreferencesView>;
