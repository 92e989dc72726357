import { assertUnitType } from './parse-unit.js';
import type { UnitType } from './unit-types.js';

/** A unit as Restock shows it to a customer and as DRS writes it in that marketplace's notifications. */
export type DisplayUnit = 'fl oz' | 'oz' | 'l' | 'kg' | 'count' | '%';

const US: Readonly<Record<UnitType, DisplayUnit>> = Object.freeze({
  volume: 'fl oz',
  weight: 'oz',
  count: 'count',
  percentage: '%',
});

const METRIC: Readonly<Record<UnitType, DisplayUnit>> = Object.freeze({
  volume: 'l',
  weight: 'kg',
  count: 'count',
  percentage: '%',
});

/**
 * The unit a marketplace uses for a unit type, after the DRS guide's table: US `fl oz` for volume and
 * `oz` for weight; UK, DE, FR, IT, ES, JP (and any other marketplace) `l` and `kg`; `count` and `%`
 * everywhere. The marketplace code is matched case-insensitively. Every result is a spelling that
 * `fromCanonical` accepts for the same unit type.
 *
 * @throws UnitError `UNIT_TYPE_UNKNOWN` for a bad unit type.
 */
export function displayUnitFor(marketplace: string, unitType: UnitType): DisplayUnit {
  assertUnitType(unitType);
  const table = marketplace.trim().toUpperCase() === 'US' ? US : METRIC;
  return table[unitType];
}
