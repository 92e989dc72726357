import { type Context, context as otelContext } from '@opentelemetry/api';
import {
  type ConsumptionReported,
  createCodec,
  type DeviceModelDefined,
  type DeviceState,
  type InventoryAdjusted,
  type InventoryChanged,
  type ItemShipped,
  type LevelReported,
  type ModelSlot,
  newEventId,
  type OrderCancelled,
  type OrderPlaced,
  type OrderState,
  type ShipmentArrived,
  type SubscriptionChanged,
  Topics,
  type UnitType,
} from '@restock/events';
import { enqueueMessages, eventHeaders, eventKey, type MessageMeta, type OutboxMessage } from '@restock/kafka';
import type { Tx } from '@restock/postgres';
import { canonicalUnitOf } from '@restock/units';
import { laterState } from '../domain/order-state.js';
import { orderedQuantity } from '../domain/quantities.js';
import { applyFact, compareFacts, initialLevels, type SlotFact } from '../domain/slot-fold.js';
import type { InventoryStore, OrderRow, SlotRow } from '../store/inventory-store.js';

const inventoryCodec = createCodec(Topics.inventory);

export interface BatchContext {
  /** Slots whose state changed in this batch: `deviceId\u0000slotId`. */
  changed: Set<string>;
  /**
   * The trace context each slot last changed in (a message's span, or the batch's span linked to its
   * producers). `endBatch` runs outside those spans, so each InventoryChanged takes its trace from here.
   */
  origins: Map<string, Context>;
}

function markChanged(ctx: BatchContext, slotKey: string): void {
  ctx.changed.add(slotKey);
  ctx.origins.set(slotKey, otelContext.active());
}

export interface InventoryHandlerOptions {
  store: InventoryStore;
  /** Publish InventoryChanged after each batch (live), or not (a rebuild into a shadow schema). */
  emitChanges: boolean;
  inventoryTopic: string;
  clock: () => Date;
}

type Handled =
  | ConsumptionReported
  | LevelReported
  | InventoryAdjusted
  | OrderPlaced
  | ItemShipped
  | OrderCancelled
  | ShipmentArrived
  | SubscriptionChanged
  | {
      type: 'DeviceRegistered' | 'DeviceDeregistered';
      id: string;
      deviceId: string;
      occurredAt: string;
      data: { directedCustomerId: string | null };
    }
  | DeviceModelDefined
  | { type: 'DeviceModelDeleted'; id: string; data: { modelId: string } }
  | {
      type: 'DeviceProvisioned' | 'DeviceClaimed' | 'DeviceCredentialRotated' | 'DeviceCredentialRevoked';
      id: string;
      data: DeviceState;
    };

const UNIT_TYPE_OF_CANONICAL: Record<string, UnitType> = {
  ml: 'volume',
  g: 'weight',
  count: 'count',
  percent: 'percentage',
};
type FactEvent = ConsumptionReported | LevelReported | InventoryAdjusted;

function isFactEvent(event: Handled): event is FactEvent {
  return event.type === 'ConsumptionReported' || event.type === 'LevelReported' || event.type === 'InventoryAdjusted';
}

function factOf(event: FactEvent): SlotFact {
  if (event.type === 'InventoryAdjusted') {
    return {
      eventId: event.id,
      kind: event.data.mode === 'setLevel' ? 'setLevel' : 'addSpare',
      occurredAt: Date.parse(event.occurredAt),
      sequence: 0,
      quantity: event.data.quantity,
    };
  }
  return {
    eventId: event.id,
    kind: event.type === 'ConsumptionReported' ? 'consumed' : 'level',
    occurredAt: Date.parse(event.occurredAt),
    sequence: event.data.sequence,
    quantity: event.data.quantity,
  };
}

/** A slot seen for the first time: from its model, or (catalogue not known yet) from a unit hint. */
function newSlotRow(deviceId: string, slotId: string, def: ModelSlot | undefined, unitHint?: string): SlotRow {
  const unitType = def?.unitType ?? UNIT_TYPE_OF_CANONICAL[unitHint ?? ''] ?? 'count';
  const capacity = def?.capacity ?? 0;
  return {
    deviceId,
    slotId,
    unitType,
    unit: canonicalUnitOf(unitType),
    capacity,
    levels: initialLevels(capacity),
    lastFact: null,
    revision: 0,
  };
}

const key = (deviceId: string, slotId: string) => `${deviceId}\u0000${slotId}`;
const ms = (iso: string) => Date.parse(iso);

/**
 * Applies every event kind of the projector's topics. Each applied (non-duplicate) event that names
 * a slot bumps that slot's revision exactly once, whether or not it changes anything, and each
 * device-wide event bumps the device's; so the revision is the same in live processing and in a
 * rebuild whatever order the topics interleave in.
 */
export function createInventoryHandler(options: InventoryHandlerOptions) {
  const { store } = options;

  async function slotDefinition(tx: Tx, deviceId: string, slotId: string): Promise<ModelSlot | undefined> {
    return (await store.modelSlots(tx, deviceId))?.find((s) => s.slotId === slotId);
  }

  /** The slot's row, created from the model (or, before the catalogue is known, from a unit hint). */
  async function loadSlot(tx: Tx, deviceId: string, slotId: string, unitHint?: string): Promise<SlotRow> {
    const existing = await store.slot(tx, deviceId, slotId);
    if (existing) return existing;
    return newSlotRow(deviceId, slotId, await slotDefinition(tx, deviceId, slotId), unitHint);
  }

  async function touch(tx: Tx, ctx: BatchContext, row: SlotRow): Promise<void> {
    row.revision += 1;
    await store.saveSlot(tx, row);
    markChanged(ctx, key(row.deviceId, row.slotId));
  }

  /** Purges an order and re-folds the slots whose delivered stock it takes back. */
  async function purgeOrder(tx: Tx, ctx: BatchContext, deviceId: string, instanceId: string): Promise<void> {
    for (const slotId of await store.purgeOrder(tx, deviceId, instanceId)) {
      const row = await loadSlot(tx, deviceId, slotId);
      await store.saveSlot(tx, await store.refold(tx, row));
      markChanged(ctx, key(deviceId, slotId));
    }
  }

  async function isPurged(tx: Tx, deviceId: string, occurredAt: number): Promise<boolean> {
    const horizon = await store.purgeHorizon(tx, deviceId);
    return horizon !== null && occurredAt <= horizon;
  }

  /** Records a level fact and folds it in: incrementally when it is the newest, by a re-fold otherwise. */
  async function applySlotFact(
    tx: Tx,
    ctx: BatchContext,
    deviceId: string,
    slotId: string,
    fact: SlotFact,
    unitHint?: string,
    instanceId: string | null = null,
  ) {
    let row = await loadSlot(tx, deviceId, slotId, unitHint);
    if (
      !(await isPurged(tx, deviceId, fact.occurredAt)) &&
      (await store.insertFact(tx, deviceId, slotId, fact, instanceId))
    ) {
      if (row.lastFact === null || compareFacts(fact, row.lastFact) > 0) {
        row.levels.daily = new Map();
        applyFact(row.levels, fact);
        await store.addDaily(tx, deviceId, slotId, row.levels.daily);
        row.lastFact = fact;
      } else {
        await store.saveSlot(tx, row); // the re-fold reads the facts, so the row must exist first
        row = await store.refold(tx, row);
      }
    }
    await touch(tx, ctx, row);
  }

  /** Makes the device's slots match its model: creates missing ones, re-folds on a capacity change. */
  async function syncDeviceSlots(tx: Tx, ctx: BatchContext, deviceId: string): Promise<void> {
    const defs = await store.modelSlots(tx, deviceId);
    if (!defs) return;
    for (const def of defs) {
      let row = await store.slot(tx, deviceId, def.slotId);
      if (!row) {
        row = await loadSlot(tx, deviceId, def.slotId);
      } else if (row.capacity !== def.capacity || row.unitType !== def.unitType) {
        row = { ...row, capacity: def.capacity, unitType: def.unitType, unit: canonicalUnitOf(def.unitType) };
        await store.saveSlot(tx, row);
        row = await store.refold(tx, row);
      } else {
        continue;
      }
      await store.saveSlot(tx, row);
      markChanged(ctx, key(deviceId, def.slotId));
    }
    for (const order of await store.ordersOfDevice(tx, deviceId)) {
      const def = defs.find((d) => d.slotId === order.slot_id);
      const quantity = def ? orderedQuantity(order.products, def) : null;
      if (quantity !== order.quantity) {
        await store.saveOrder(tx, { ...order, quantity });
        markChanged(ctx, key(deviceId, order.slot_id));
      }
    }
  }

  async function allSlotIds(tx: Tx, deviceId: string): Promise<string[]> {
    const ids = new Set(await store.slotIds(tx, deviceId));
    for (const def of (await store.modelSlots(tx, deviceId)) ?? []) ids.add(def.slotId);
    return [...ids].sort();
  }

  async function applyOrderEvent(
    tx: Tx,
    ctx: BatchContext,
    event: OrderPlaced | ItemShipped | OrderCancelled,
    state: OrderState,
  ): Promise<void> {
    const { deviceId } = event;
    const { instanceId, slotId } = event.data;
    const at = new Date(event.occurredAt);
    const slot = await loadSlot(tx, deviceId, slotId);
    if (await store.isPurgedOrder(tx, deviceId, instanceId)) return touch(tx, ctx, slot);
    if (await isPurged(tx, deviceId, at.getTime())) {
      // An order of a purged registration: it and its later notifications stay gone.
      await purgeOrder(tx, ctx, deviceId, instanceId);
      return touch(tx, ctx, await loadSlot(tx, deviceId, slotId));
    }
    const current = await store.order(tx, deviceId, instanceId);
    const order: OrderRow = current ?? {
      device_id: deviceId,
      instance_id: instanceId,
      slot_id: slotId,
      state,
      quantity: null,
      asin: null,
      estimated_delivery_at: null,
      details_at: null,
      placed_at: null,
      shipped_at: null,
      arrived_at: null,
      cancelled_at: null,
      arrival_emitted: false,
      products: [],
    };
    order.state = laterState(current?.state ?? null, state);
    const earliest = (prev: Date | null) => (prev === null || at < prev ? at : prev);
    if (state === 'placed') order.placed_at = earliest(order.placed_at);
    if (state === 'shipped') order.shipped_at = earliest(order.shipped_at);
    if (state === 'cancelled') order.cancelled_at = earliest(order.cancelled_at);
    if (event.type !== 'OrderCancelled' && (order.details_at === null || at >= order.details_at)) {
      // The newest notification's products and date win (ItemShipped may move the delivery date).
      order.details_at = at;
      order.products = event.data.products;
      order.asin = event.data.products[0]?.asin ?? null;
      const dates = event.data.products.map((p) => p.estimatedDeliveryAt).filter((d): d is string => d !== null);
      order.estimated_delivery_at = dates.length > 0 ? new Date(dates.sort().at(-1) ?? '') : null;
      const def = await slotDefinition(tx, deviceId, slotId);
      order.quantity = def ? orderedQuantity(order.products, def) : null;
    }
    await store.saveOrder(tx, order);
    await touch(tx, ctx, slot);
  }

  async function applyArrival(tx: Tx, ctx: BatchContext, event: ShipmentArrived): Promise<void> {
    const { deviceId } = event;
    const { instanceId, slotId, quantity, scheduledFor } = event.data;
    const at = ms(scheduledFor);
    if ((await store.isPurgedOrder(tx, deviceId, instanceId)) || (await isPurged(tx, deviceId, at))) {
      await purgeOrder(tx, ctx, deviceId, instanceId);
      return touch(tx, ctx, await loadSlot(tx, deviceId, slotId));
    }
    const order = await store.order(tx, deviceId, instanceId);
    if (order) {
      order.state = laterState(order.state, 'arrived');
      order.arrived_at = order.arrived_at ?? new Date(at);
      order.arrival_emitted = true;
      await store.saveOrder(tx, order);
    }
    await applySlotFact(
      tx,
      ctx,
      deviceId,
      slotId,
      { eventId: event.id, kind: 'arrived', occurredAt: at, sequence: 0, quantity },
      undefined,
      instanceId,
    );
  }

  async function handle(tx: Tx, raw: unknown, _meta: MessageMeta, ctx: BatchContext): Promise<void> {
    const event = raw as Handled;
    if (!(await store.markApplied(tx, event.id))) return; // a duplicate: applied once already
    await apply(tx, event, ctx);
  }

  /**
   * A batch at once: one statement de-duplicates every id, runs of level facts (the hot path: all of
   * consumption.v1) are folded in memory and written with a handful of set-based statements, and any
   * other event is applied one by one in its place. Same result as `handle` per event.
   */
  async function handleBatch(tx: Tx, items: { event: unknown; meta: MessageMeta }[], ctx: BatchContext) {
    const events = items.map((i) => i.event as Handled);
    const fresh = await store.markAppliedMany(
      tx,
      events.map((e) => e.id),
    );
    let run: FactEvent[] = [];
    for (const event of events) {
      if (!fresh.delete(event.id)) continue; // seen before, or earlier in this batch
      if (isFactEvent(event)) {
        run.push(event);
      } else {
        await applyFacts(tx, ctx, run);
        run = [];
        await apply(tx, event, ctx);
      }
    }
    await applyFacts(tx, ctx, run);
  }

  /** Folds a run of level facts into their slots with set-based reads and writes. */
  async function applyFacts(tx: Tx, ctx: BatchContext, events: FactEvent[]): Promise<void> {
    if (events.length === 0) return;
    const facts = events.map((e) => ({
      deviceId: e.deviceId,
      slotId: e.data.slotId,
      fact: factOf(e),
      unit: e.data.unit,
    }));
    const keys = [...new Map(facts.map((f) => [key(f.deviceId, f.slotId), f])).values()];
    const deviceIds = [...new Set(keys.map((k) => k.deviceId))];
    const horizons = await store.purgeHorizons(tx, deviceIds);
    const rows = await store.slotsMany(tx, keys);
    const defs = keys.some((k) => !rows.has(key(k.deviceId, k.slotId)))
      ? await store.modelSlotsMany(tx, deviceIds)
      : new Map<string, ModelSlot[]>();
    for (const k of keys) {
      if (rows.has(key(k.deviceId, k.slotId))) continue;
      const def = defs.get(k.deviceId)?.find((d) => d.slotId === k.slotId);
      rows.set(key(k.deviceId, k.slotId), newSlotRow(k.deviceId, k.slotId, def, k.unit));
    }
    const inserted: typeof facts = [];
    const refold = new Set<string>();
    const daily = new Map<string, { deviceId: string; slotId: string; day: string; quantity: number }>();
    for (const f of facts) {
      const k = key(f.deviceId, f.slotId);
      const row = rows.get(k)!;
      row.revision += 1;
      markChanged(ctx, k);
      const horizon = horizons.get(f.deviceId);
      if (horizon !== undefined && f.fact.occurredAt <= horizon) continue; // purged registration
      inserted.push(f);
      if (refold.has(k)) continue;
      if (row.lastFact === null || compareFacts(f.fact, row.lastFact) > 0) {
        row.levels.daily = new Map();
        applyFact(row.levels, f.fact);
        for (const [day, quantity] of row.levels.daily) {
          const d = daily.get(`${k}\u0000${day}`) ?? { deviceId: f.deviceId, slotId: f.slotId, day, quantity: 0 };
          d.quantity = Math.round((d.quantity + quantity) * 1e6) / 1e6;
          daily.set(`${k}\u0000${day}`, d);
        }
        row.lastFact = f.fact;
      } else {
        refold.add(k); // a late fact: the slot is folded again from all its facts below
      }
    }
    await store.insertFactsMany(tx, inserted);
    for (const k of refold) rows.set(k, await store.refold(tx, rows.get(k)!));
    await store.addDailyMany(
      tx,
      [...daily.values()].filter((d) => !refold.has(key(d.deviceId, d.slotId))),
    );
    await store.saveSlotsMany(tx, [...rows.values()]);
  }

  async function apply(tx: Tx, event: Handled, ctx: BatchContext): Promise<void> {
    switch (event.type) {
      case 'ConsumptionReported':
      case 'LevelReported':
      case 'InventoryAdjusted':
        return applySlotFact(tx, ctx, event.deviceId, event.data.slotId, factOf(event), event.data.unit);
      case 'OrderPlaced':
        return applyOrderEvent(tx, ctx, event, 'placed');
      case 'ItemShipped':
        return applyOrderEvent(tx, ctx, event, 'shipped');
      case 'OrderCancelled':
        return applyOrderEvent(tx, ctx, event, 'cancelled');
      case 'ShipmentArrived':
        return applyArrival(tx, ctx, event);
      case 'DeviceRegistered': {
        const at = new Date(event.occurredAt);
        if (!(await isPurged(tx, event.deviceId, at.getTime()))) {
          await store.registered(tx, event.deviceId, at, event.data.directedCustomerId);
        }
        await store.bumpDeviceRevision(tx, event.deviceId);
        for (const slotId of await allSlotIds(tx, event.deviceId)) markChanged(ctx, key(event.deviceId, slotId));
        return;
      }
      case 'DeviceDeregistered': {
        await store.deregistered(tx, event.deviceId, new Date(event.occurredAt));
        await store.bumpDeviceRevision(tx, event.deviceId);
        for (const slotId of await allSlotIds(tx, event.deviceId)) {
          const row = await loadSlot(tx, event.deviceId, slotId);
          await store.saveSlot(tx, row);
          await store.saveSlot(tx, await store.refold(tx, row));
          markChanged(ctx, key(event.deviceId, slotId));
        }
        return;
      }
      case 'SubscriptionChanged': {
        const at = new Date(event.occurredAt);
        const purged = await isPurged(tx, event.deviceId, at.getTime());
        for (const [slotId, sub] of Object.entries(event.data.slots).sort(([a], [b]) => (a < b ? -1 : 1))) {
          if (!purged) {
            await store.setSubscription(tx, event.deviceId, slotId, {
              subscribed: sub.subscribed,
              asin: sub.asin,
              drsSlotId: sub.drsSlotId,
              changedAt: at,
            });
          }
          await touch(tx, ctx, await loadSlot(tx, event.deviceId, slotId));
        }
        return;
      }
      case 'DeviceModelDefined': {
        await store.upsertModel(tx, event.data);
        const devices = await store.devicesOfModel(tx, event.data.modelId);
        // A model record is keyed by the model, so the batch did not lock its devices: without these
        // locks, a batch of a device's facts could create the same slot row concurrently and one of
        // the two inserts would overwrite the other's revision (a lost update).
        await store.lockDevices(tx, devices);
        for (const deviceId of devices) await syncDeviceSlots(tx, ctx, deviceId);
        return;
      }
      case 'DeviceModelDeleted':
        return store.deleteModel(tx, event.data.modelId);
      case 'DeviceProvisioned':
      case 'DeviceClaimed':
      case 'DeviceCredentialRotated':
      case 'DeviceCredentialRevoked':
        await store.upsertDevice(tx, event.data);
        return syncDeviceSlots(tx, ctx, event.data.deviceId);
    }
  }

  /** The whole state of each slot as InventoryChanged, read back from the projection in a few queries. */
  async function inventoryChanges(tx: Tx, keys: { deviceId: string; slotId: string }[]): Promise<InventoryChanged[]> {
    const rows = await store.slotsMany(tx, keys);
    const context = await store.slotContext(tx, keys);
    const round = (v: number) => Math.round(v * 1e6) / 1e6;
    const now = options.clock().toISOString();
    const events: InventoryChanged[] = [];
    for (const { deviceId, slotId } of keys) {
      const row = rows.get(key(deviceId, slotId));
      if (!row) continue;
      const orders = context.openOrders(deviceId, slotId);
      const onTheWay = orders.map((o) => ({
        instanceId: o.instance_id,
        quantity: o.quantity ?? 0,
        estimatedDeliveryAt: o.estimated_delivery_at?.toISOString() ?? null,
      }));
      const sub = context.subscription(deviceId, slotId);
      const reg = context.registration(deviceId);
      const registered =
        reg?.registered_at != null && (reg.deregistered_at == null || reg.registered_at > reg.deregistered_at);
      const open = orders.at(-1);
      events.push({
        id: newEventId(),
        type: 'InventoryChanged',
        version: 1,
        deviceId,
        occurredAt: now,
        recordedAt: now,
        source: 'inventory-projector',
        data: {
          slotId,
          unitType: row.unitType,
          unit: row.unit as InventoryChanged['data']['unit'],
          level: row.levels.level,
          capacity: row.capacity,
          spareStock: row.levels.spareStock,
          onTheWay,
          stockOnHand: round(row.levels.level + row.levels.spareStock + onTheWay.reduce((a, o) => a + o.quantity, 0)),
          overdraw: row.levels.overdraw,
          lastUseAt: row.levels.lastUseAt === null ? null : new Date(row.levels.lastUseAt).toISOString(),
          registered,
          subscription: sub ? { subscribed: sub.subscribed, asin: sub.asin } : null,
          openOrder: open
            ? {
                instanceId: open.instance_id,
                state: open.state,
                estimatedDeliveryAt: open.estimated_delivery_at?.toISOString() ?? null,
              }
            : null,
          // Slot events plus device-wide events: both counts are the same in live processing and a rebuild.
          revision: Math.max(1, row.revision + (reg?.revision ?? 0)),
        },
      });
    }
    return events;
  }

  return {
    async beginBatch(tx: Tx, keys: string[], catalog = false): Promise<BatchContext> {
      // Catalogue records are applied one batch at a time: a device and its model arrive on different
      // partitions, and two concurrent batches could each miss the other (the model's batch not yet
      // seeing the device, the device's not yet seeing the model), leaving the device's slots unsynced.
      // The catalogue lock comes first, then the devices, in one global order, so no batch deadlocks.
      if (catalog) await store.lockCatalog(tx);
      await store.lockDevices(
        tx,
        keys.filter((k) => !k.startsWith('model:')),
      );
      return { changed: new Set(), origins: new Map() };
    },
    handle,
    handleBatch,
    async endBatch(tx: Tx, ctx: BatchContext): Promise<void> {
      if (!options.emitChanges || ctx.changed.size === 0) return;
      const keys = [...ctx.changed].sort().map((k) => {
        const [deviceId = '', slotId = ''] = k.split('\u0000');
        return { deviceId, slotId };
      });
      const messages: OutboxMessage[] = [];
      for (const event of await inventoryChanges(tx, keys)) {
        const origin = ctx.origins.get(key(event.deviceId, event.data.slotId)) ?? otelContext.active();
        // Headers written under the context the slot changed in: the event continues that trace.
        otelContext.with(origin, () => {
          messages.push({
            topic: options.inventoryTopic,
            key: eventKey(event),
            value: inventoryCodec.encode(event),
            headers: eventHeaders(event),
            eventId: event.id,
          });
        });
      }
      await enqueueMessages(tx, store.schema, messages);
    },
    inventoryChanges,
  };
}
