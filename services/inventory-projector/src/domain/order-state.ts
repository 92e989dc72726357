import type { OrderState } from '@restock/events';

/**
 * Order states only move forward, whatever order the notifications arrive in. `arrived` and
 * `cancelled` are both final; between them the goods win (stock that physically arrived cannot be
 * cancelled), which keeps the rule commutative: either arrival order ends in the same state.
 */
const RANK: Record<OrderState, number> = { placed: 1, shipped: 2, cancelled: 3, arrived: 4 };

export function laterState(current: OrderState | null, incoming: OrderState): OrderState {
  if (current === null) return incoming;
  return RANK[incoming] > RANK[current] ? incoming : current;
}
