import type { ModelSlot, OrderProduct } from '@restock/events';
import { toCanonical } from '@restock/units';

/**
 * The canonical quantity a DRS order brings to a slot. DRS states products as (quantity, unit) in
 * the marketplace's spelling; a percentage slot (ink, filters) is replenished by whole refills, so a
 * `count` there means that many full refills (capacity each).
 */
export function orderedQuantity(
  products: readonly OrderProduct[],
  slot: Pick<ModelSlot, 'unitType' | 'capacity'>,
): number {
  let total = 0;
  for (const p of products) {
    if (slot.unitType === 'percentage' && /^(count|units?|pcs?|pieces?|cartridges?|refills?)$/i.test(p.unit.trim())) {
      total += p.quantity * slot.capacity;
    } else {
      total += toCanonical(p.quantity, p.unit, slot.unitType).quantity;
    }
  }
  return Math.round(total * 1e6) / 1e6;
}
