/**
 * The unit type of a slot and its canonical unit. The string literals are the same as `UnitType` and
 * `CanonicalUnit` in `@restock/events` (`common.ts`); they are repeated here, not imported, because
 * units is a leaf package that events does not feed.
 */
export type UnitType = 'volume' | 'weight' | 'count' | 'percentage';

/** The canonical unit of each unit type: millilitre, gram, count, percent. */
export type CanonicalUnit = 'ml' | 'g' | 'count' | 'percent';

/** Every unit type, in a stable order (for listings and exhaustive tests). */
export const UNIT_TYPES: readonly UnitType[] = Object.freeze(['volume', 'weight', 'count', 'percentage'] as const);

const CANONICAL_UNITS: Readonly<Record<UnitType, CanonicalUnit>> = Object.freeze({
  volume: 'ml',
  weight: 'g',
  count: 'count',
  percentage: 'percent',
});

/** True when `value` is one of the four unit types (for values read from storage or the wire). */
export function isUnitType(value: unknown): value is UnitType {
  return typeof value === 'string' && Object.hasOwn(CANONICAL_UNITS, value);
}

/** The canonical unit every quantity of `unitType` is stored in: ml, g, count or percent. */
export function canonicalUnitOf(unitType: UnitType): CanonicalUnit {
  return CANONICAL_UNITS[unitType];
}
