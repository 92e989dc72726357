import type { UnitType } from '@restock/events';
import { type DisplayUnit, displayUnitFor, fromCanonical } from '@restock/units';

/** Converts canonical quantities to the unit a marketplace shows for a slot's unit type. */
export interface Display {
  unit: DisplayUnit;
  /** A canonical quantity in the display unit, exact to 6 decimals (negative values keep their sign). */
  of(canonical: number): number;
  /** As `of`, passing null through (an order whose quantity is not known yet). */
  ofNullable(canonical: number | null): number | null;
}

/**
 * The display of a slot: `fl oz` and `oz` in the US, `l` and `kg` elsewhere, `count` and `%` everywhere
 * (packages/units' table after the DRS guide).
 */
export function displayFor(marketplace: string, unitType: UnitType): Display {
  const unit = displayUnitFor(marketplace, unitType);
  const of = (canonical: number) =>
    canonical < 0 ? -fromCanonical(-canonical, unitType, unit) : fromCanonical(canonical, unitType, unit);
  return { unit, of, ofNullable: (canonical) => (canonical === null ? null : of(canonical)) };
}
