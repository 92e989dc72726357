import { type Context, context } from '@opentelemetry/api';
import {
  type ConsumptionReported,
  createCodec,
  type DeviceModelDefined,
  type DeviceState,
  type DrsCallCompleted,
  type InventoryChanged,
  type ItemShipped,
  type LevelReported,
  type OrderCancelled,
  type OrderPlaced,
  type OrderState,
  type ReplenishRequested,
  type ShipmentArrived,
  type SlotPreferencesChanged,
  type SlotStatusDue,
  type SubscriptionChanged,
  Topics,
} from '@restock/events';
import { enqueueMessages, eventHeaders, eventKey, type MessageMeta, type OutboxMessage } from '@restock/kafka';
import { addDays, decide, type PolicySettings, utcDay } from '@restock/policy';
import type { Tx } from '@restock/postgres';
import {
  consumptionChanged,
  effectiveSubscription,
  isOpenOrderState,
  isRegistered,
  laterOrderState,
  openOrderOf,
  replenishCommandId,
  slotStatusDueId,
  useFromReading,
} from '../domain/slot-inputs.js';
import { policyInstruments } from '../metrics.js';
import type { CycleEnd, PolicyStore } from '../store/policy-store.js';

const commandsCodec = createCodec(Topics.commands);

type Handled =
  | ConsumptionReported
  | LevelReported
  | InventoryChanged
  | OrderPlaced
  | ItemShipped
  | OrderCancelled
  | ShipmentArrived
  | SubscriptionChanged
  | DrsCallCompleted
  | SlotPreferencesChanged
  | { type: 'InventoryAdjusted'; id: string }
  | {
      type: 'DeviceRegistered' | 'DeviceDeregistered';
      id: string;
      deviceId: string;
      occurredAt: string;
    }
  | DeviceModelDefined
  | { type: 'DeviceModelDeleted'; id: string; data: { modelId: string } }
  | {
      type: 'DeviceProvisioned' | 'DeviceClaimed' | 'DeviceCredentialRotated' | 'DeviceCredentialRevoked';
      id: string;
      data: DeviceState;
    };

export interface BatchContext {
  /** Slots to decide for at the end of the batch, with the newest event time that touched each. */
  touched: Map<string, number>;
  /** Slots whose consumption moved, with the inventory revision that shows it. */
  statusDue: Map<string, number>;
  /**
   * The trace context of the message that last touched each slot. The decisions run in `endBatch`,
   * outside every message's span, so a slot's commands take their trace from here.
   */
  origins: Map<string, Context>;
}

export interface PolicyHandlerOptions {
  store: PolicyStore;
  settings: PolicySettings;
  /** Marketplace of a device the catalogue has not described yet. */
  defaultMarketplace: string;
  commandsTopic: string;
  /** Processing time, written as `recordedAt`; decisions use event time (ARCHITECTURE principle 8). */
  clock: () => Date;
}

/** One command as the outbox stores it: validated, with the active trace context in its headers. */
function toOutbox(event: ReplenishRequested | SlotStatusDue, topic: string): OutboxMessage {
  return {
    topic,
    key: eventKey(event),
    value: commandsCodec.encode(event),
    headers: eventHeaders(event),
    eventId: event.id,
  };
}

const key = (deviceId: string, slotId: string) => `${deviceId}\u0000${slotId}`;
const GET_ORDER_INFO_CANCELLED = /^cancel+ed$/i;

/**
 * Applies the policy's topics and decides, at the end of each batch, for every slot the batch touched.
 * A decision uses the time of the newest event that touched the slot as `now`, so a replay of the log
 * decides as live processing did, whenever it runs.
 */
export function createPolicyHandler(options: PolicyHandlerOptions) {
  const { store, settings } = options;

  function touch(ctx: BatchContext, deviceId: string, slotId: string, atIso: string): void {
    const k = key(deviceId, slotId);
    const at = Date.parse(atIso);
    ctx.touched.set(k, Math.max(ctx.touched.get(k) ?? at, at));
    ctx.origins.set(k, context.active());
  }

  async function touchDevice(tx: Tx, ctx: BatchContext, deviceId: string, atIso: string): Promise<void> {
    for (const slotId of await store.slotIdsOfDevice(tx, deviceId)) touch(ctx, deviceId, slotId, atIso);
  }

  async function stockOf(tx: Tx, deviceId: string, slotId: string): Promise<number> {
    return (await store.slot(tx, deviceId, slotId))?.state.stockOnHand ?? 0;
  }

  async function endCycle(
    tx: Tx,
    ctx: BatchContext,
    deviceId: string,
    slotId: string,
    cause: string,
    kind: CycleEnd,
    atIso: string,
  ): Promise<void> {
    await store.closeCycle(tx, deviceId, slotId, cause, kind, new Date(atIso), await stockOf(tx, deviceId, slotId));
    touch(ctx, deviceId, slotId, atIso);
  }

  async function applyOrder(
    tx: Tx,
    ctx: BatchContext,
    deviceId: string,
    instanceId: string,
    slotId: string,
    state: OrderState,
    atIso: string,
  ): Promise<void> {
    const current = await store.order(tx, deviceId, instanceId);
    const next = laterOrderState(current?.state ?? null, state);
    await store.saveOrder(tx, deviceId, instanceId, current?.slotId ?? slotId, next);
    if (next === 'arrived' || next === 'cancelled') {
      await endCycle(tx, ctx, deviceId, current?.slotId ?? slotId, `order:${instanceId}`, next, atIso);
    }
    touch(ctx, deviceId, current?.slotId ?? slotId, atIso);
  }

  async function applyOutcome(tx: Tx, ctx: BatchContext, event: DrsCallCompleted): Promise<void> {
    const d = event.data;
    if (d.operation === 'replenish') {
      const request = await store.requestOf(tx, d.commandId);
      if (!request || request.outcome !== null) return; // another policy's command, or settled already
      await store.settleRequest(tx, d.commandId, d.outcome, d.detailCode, d.eventInstanceId);
      if (d.outcome === 'failed') {
        await endCycle(tx, ctx, request.deviceId, request.slotId, `command:${d.commandId}`, 'failed', event.occurredAt);
        return;
      }
      if (d.eventInstanceId !== null) {
        if (await store.isCycleCause(tx, request.deviceId, `order:${d.eventInstanceId}`)) {
          // DRS says an order is in progress that this service already saw end (its estimated delivery
          // passed, DRS has not marked it delivered): nothing was ordered for this cycle, so end it, and
          // the retry delay keeps the next attempt from hammering DRS.
          await endCycle(
            tx,
            ctx,
            request.deviceId,
            request.slotId,
            `command:${d.commandId}`,
            'no-order',
            event.occurredAt,
          );
          return;
        }
        const known = await store.order(tx, request.deviceId, d.eventInstanceId);
        if (!known) await store.saveOrder(tx, request.deviceId, d.eventInstanceId, request.slotId, 'placed');
      }
      touch(ctx, request.deviceId, request.slotId, event.occurredAt);
      return;
    }
    if (d.operation === 'getOrderInfo' && d.eventInstanceId !== null && d.orderInfo) {
      const order = await store.order(tx, event.deviceId, d.eventInstanceId);
      const slotId = order?.slotId ?? d.slotId;
      if (slotId === null) return;
      const { status, expectedDeliveryAt } = d.orderInfo;
      if (GET_ORDER_INFO_CANCELLED.test(status)) {
        await applyOrder(tx, ctx, event.deviceId, d.eventInstanceId, slotId, 'cancelled', event.occurredAt);
      } else if (
        /^shipped$/i.test(status) &&
        expectedDeliveryAt !== null &&
        Date.parse(expectedDeliveryAt) <= Date.parse(event.occurredAt)
      ) {
        // Notifications were lost and the delivery date has passed: the order is over for the policy.
        await applyOrder(tx, ctx, event.deviceId, d.eventInstanceId, slotId, 'arrived', event.occurredAt);
      }
      return;
    }
    if (d.operation === 'subscriptionInfo' && d.outcome === 'succeeded' && d.subscriptions) {
      for (const [slotId, sub] of Object.entries(d.subscriptions)) {
        await store.setReconciledSubscription(tx, event.deviceId, slotId, sub.subscribed, new Date(event.occurredAt));
        touch(ctx, event.deviceId, slotId, event.occurredAt);
      }
    }
  }

  async function handle(tx: Tx, raw: unknown, _meta: MessageMeta, ctx: BatchContext): Promise<void> {
    const event = raw as Handled;
    if (!(await store.markApplied(tx, event.id))) return;
    switch (event.type) {
      case 'ConsumptionReported':
        return store.addUse(
          tx,
          event.deviceId,
          event.data.slotId,
          utcDay(new Date(event.occurredAt)),
          event.data.quantity,
        );
      case 'LevelReported': {
        const { slotId, sequence, quantity } = event.data;
        const day = utcDay(new Date(event.occurredAt));
        const last = await store.lastReading(tx, event.deviceId, slotId);
        // A late reading (lower sequence) says nothing new about use: the newer one was compared already.
        if (sequence <= last.sequence) return store.addUse(tx, event.deviceId, slotId, day, 0);
        await store.addUse(tx, event.deviceId, slotId, day, useFromReading(last.quantity, quantity));
        return store.saveReading(tx, event.deviceId, slotId, sequence, quantity);
      }
      case 'InventoryChanged': {
        const previous = await store.slot(tx, event.deviceId, event.data.slotId);
        if (previous && previous.revision >= event.data.revision) return; // an older state arrived late
        await store.saveSlot(tx, event.deviceId, event.data, new Date(event.occurredAt));
        touch(ctx, event.deviceId, event.data.slotId, event.occurredAt);
        if (event.data.registered && consumptionChanged(previous?.state ?? null, event.data)) {
          ctx.statusDue.set(key(event.deviceId, event.data.slotId), event.data.revision);
        }
        return;
      }
      case 'OrderPlaced':
      case 'ItemShipped':
      case 'OrderCancelled': {
        const state: OrderState =
          event.type === 'OrderPlaced' ? 'placed' : event.type === 'ItemShipped' ? 'shipped' : 'cancelled';
        return applyOrder(tx, ctx, event.deviceId, event.data.instanceId, event.data.slotId, state, event.occurredAt);
      }
      case 'ShipmentArrived':
        return applyOrder(
          tx,
          ctx,
          event.deviceId,
          event.data.instanceId,
          event.data.slotId,
          'arrived',
          event.data.scheduledFor,
        );
      case 'DeviceRegistered':
      case 'DeviceDeregistered':
        await store.registrationEvent(
          tx,
          event.deviceId,
          event.type === 'DeviceRegistered' ? 'registered' : 'deregistered',
          new Date(event.occurredAt),
        );
        return touchDevice(tx, ctx, event.deviceId, event.occurredAt);
      case 'SubscriptionChanged':
        for (const [slotId, sub] of Object.entries(event.data.slots)) {
          await store.setSubscription(tx, event.deviceId, slotId, sub.subscribed, new Date(event.occurredAt));
          touch(ctx, event.deviceId, slotId, event.occurredAt);
        }
        return;
      case 'DrsCallCompleted':
        return applyOutcome(tx, ctx, event);
      case 'SlotPreferencesChanged':
        await store.setPreference(
          tx,
          event.deviceId,
          event.data.slotId,
          event.data.daysOfCover,
          new Date(event.occurredAt),
        );
        return touch(ctx, event.deviceId, event.data.slotId, event.occurredAt);
      case 'InventoryAdjusted':
        return; // the projector folds it into the slot's state, which arrives as InventoryChanged
      case 'DeviceModelDefined':
        return store.upsertModel(tx, event.data);
      case 'DeviceModelDeleted':
        return store.deleteModel(tx, event.data.modelId);
      case 'DeviceProvisioned':
      case 'DeviceClaimed':
      case 'DeviceCredentialRotated':
      case 'DeviceCredentialRevoked':
        return store.upsertDevice(tx, event.data);
    }
  }

  /** Decides for one slot, stores the decision, and writes the command when it orders. */
  async function decideSlot(
    tx: Tx,
    deviceId: string,
    slotId: string,
    now: Date,
  ): Promise<{ runOutAt: string | null; command: ReplenishRequested | null } | null> {
    const slot = await store.slot(tx, deviceId, slotId);
    if (!slot) return null; // no inventory state yet: nothing to decide on
    const inventory = slot.state;
    const catalog = await store.catalogFacts(tx, deviceId, slotId);
    const cycle = await store.cycle(tx, deviceId, slotId);
    const subs = await store.subscriptionFacts(tx, deviceId, slotId);
    const history = await store.history(tx, deviceId, slotId, addDays(utcDay(now), -settings.windowDays - 1));
    const decision = decide(
      history,
      {
        stockOnHand: inventory.stockOnHand,
        registered: isRegistered(inventory, await store.registration(tx, deviceId)),
        subscription: effectiveSubscription(inventory, subs.notified, subs.reconciled),
        openOrder: openOrderOf(
          await store.hasRequest(tx, deviceId, slotId, cycle),
          (await store.orderStatesOfSlot(tx, deviceId, slotId)).filter(isOpenOrderState),
          inventory,
        ),
        defaultDailyUse: catalog.defaultDailyUse ?? 0,
        marketplace: catalog.marketplace ?? options.defaultMarketplace,
        daysOfCover: await store.daysOfCover(tx, deviceId, slotId),
      },
      settings,
      now,
    );
    let command: ReplenishRequested | null = null;
    const commandId = replenishCommandId(deviceId, slotId, cycle);
    if (decision.order && (await store.insertRequest(tx, { commandId, deviceId, slotId, cycle, requestedAt: now }))) {
      const r = decision.reason;
      command = {
        id: commandId,
        type: 'ReplenishRequested',
        version: 1,
        deviceId,
        occurredAt: now.toISOString(),
        recordedAt: options.clock().toISOString(),
        source: 'reorder-policy',
        data: {
          slotId,
          cycle,
          reason: {
            burnRatePerDay: r.burnRatePerDay,
            windowDays: r.windowDays,
            stockOnHand: r.stockOnHand,
            threshold: r.threshold,
            daysLeft: r.daysLeft,
            runOutAt: r.runOutAt,
            policy: r.policy,
            daysOfCover: r.daysOfCover,
            safetyStock: r.safetyStock,
          },
        },
      };
    }
    await store.insertDecision(tx, {
      deviceId,
      slotId,
      decidedAt: now,
      outcome: command ? 'ordered' : 'held',
      reason: decision.reason,
      commandId: command ? commandId : null,
      cycle,
    });
    // Counted when stored, so a batch that rolls back and is retried counts its decisions again: the
    // rate is of decisions made, which is what an operator watching the policy wants to see move.
    policyInstruments().decisions.add(1, { outcome: command ? 'ordered' : 'held', rule: decision.reason.rule });
    return { runOutAt: decision.reason.runOutAt, command };
  }

  return {
    async beginBatch(tx: Tx, keys: string[]): Promise<BatchContext> {
      // Catalogue records keyed by model carry no device; device records are keyed by device id.
      await store.lockDevices(
        tx,
        keys.filter((k) => !k.startsWith('model:')),
      );
      return { touched: new Map(), statusDue: new Map(), origins: new Map() };
    },
    handle,
    async endBatch(tx: Tx, ctx: BatchContext): Promise<void> {
      const messages: OutboxMessage[] = [];
      for (const [k, at] of [...ctx.touched].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const [deviceId = '', slotId = ''] = k.split('\u0000');
        const now = new Date(at);
        const result = await decideSlot(tx, deviceId, slotId, now);
        const events: (ReplenishRequested | SlotStatusDue)[] = [];
        if (result?.command) events.push(result.command);
        const revision = ctx.statusDue.get(k);
        if (result && revision !== undefined) {
          events.push({
            id: slotStatusDueId(deviceId, slotId, revision),
            type: 'SlotStatusDue',
            version: 1,
            deviceId,
            occurredAt: now.toISOString(),
            recordedAt: options.clock().toISOString(),
            source: 'reorder-policy',
            data: { slotId, expectedReplenishmentAt: result.runOutAt, revision },
          });
        }
        // Headers written under the triggering message's context: the command continues its trace.
        context.with(ctx.origins.get(k) ?? context.active(), () => {
          for (const event of events) messages.push(toOutbox(event, options.commandsTopic));
        });
      }
      await enqueueMessages(tx, store.schema, messages);
    },
  };
}
