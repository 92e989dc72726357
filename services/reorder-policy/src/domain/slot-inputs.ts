import { deterministicId, type InventoryChanged, type OrderState } from '@restock/events';
import type { SlotState } from '@restock/policy';

/**
 * Pure rules that turn what the service has stored into the policy's inputs. Where two sources can
 * disagree (the projector's InventoryChanged and the notifications the policy reads itself), the
 * conservative answer wins: an order the service should not have placed cannot be taken back, a
 * decision delayed until the sources agree is only a few seconds late.
 */

export type InventoryState = InventoryChanged['data'];

const RANK: Record<OrderState, number> = { placed: 1, shipped: 2, cancelled: 3, arrived: 4 };

/** Order states only move forward, whatever order notifications arrive in (as in the projector). */
export function laterOrderState(current: OrderState | null, incoming: OrderState): OrderState {
  if (current === null) return incoming;
  return RANK[incoming] > RANK[current] ? incoming : current;
}

export function isOpenOrderState(state: string): state is 'placed' | 'shipped' {
  return state === 'placed' || state === 'shipped';
}

/** The id of the one ReplenishRequested of a slot's reorder cycle: a repeated decision is the same command. */
export function replenishCommandId(deviceId: string, slotId: string, cycle: number): string {
  return deterministicId('ReplenishRequested', deviceId, slotId, cycle);
}

/** The id of the SlotStatusDue for one inventory revision of a slot. */
export function slotStatusDueId(deviceId: string, slotId: string, revision: number): string {
  return deterministicId('SlotStatusDue', deviceId, slotId, revision);
}

export interface RegistrationFacts {
  registeredAt: Date | null;
  deregisteredAt: Date | null;
}

/** Registered only when the projector says so and the newest notification the policy saw agrees. */
export function isRegistered(inventory: InventoryState, facts: RegistrationFacts | null): boolean {
  if (!inventory.registered) return false;
  if (facts === null || facts.deregisteredAt === null) return true;
  return facts.registeredAt !== null && facts.registeredAt > facts.deregisteredAt;
}

/**
 * The slot's subscription: the projector's and the notified one must both allow ordering when both
 * are known; a subscriptionInfo answer fills in only when no notification ever described the slot (a
 * lost SubscriptionChanged).
 */
export function effectiveSubscription(
  inventory: InventoryState,
  notified: { subscribed: boolean } | null,
  reconciled: { subscribed: boolean } | null,
): SlotState['subscription'] {
  const known = [inventory.subscription, notified].filter((s): s is { subscribed: boolean } => s !== null);
  if (known.length === 0) return reconciled === null ? null : { subscribed: reconciled.subscribed };
  return { subscribed: known.every((s) => s.subscribed) };
}

/**
 * An unfinished order of the slot: this cycle's request not yet settled by an order's end, an order
 * the policy saw placed or shipped, or the projector's open order.
 */
export function openOrderOf(
  requestedThisCycle: boolean,
  orderStates: readonly string[],
  inventory: InventoryState,
): SlotState['openOrder'] {
  const shipped = orderStates.includes('shipped') || inventory.openOrder?.state === 'shipped';
  if (shipped) return { state: 'shipped' };
  if (orderStates.includes('placed') || inventory.openOrder?.state === 'placed') return { state: 'placed' };
  if (requestedThisCycle) return { state: 'requested' };
  return null;
}

/** Use revealed by a level reading: the fall since the previous reading; a rise is a refill, not use. */
export function useFromReading(previous: number | null, reading: number): number {
  if (previous === null) return 0;
  return Math.max(0, Math.round((previous - reading) * 1e6) / 1e6);
}

/** Whether consumption moved the slot between two states, so DRS must hear its slot status again. */
export function consumptionChanged(previous: InventoryState | null, next: InventoryState): boolean {
  if (previous === null) return true;
  return (
    previous.level !== next.level || previous.spareStock !== next.spareStock || previous.lastUseAt !== next.lastUseAt
  );
}
