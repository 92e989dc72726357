import { displayUnitFor, fromCanonical, toCanonical, UnitError, UnitErrorCode, unitTypeOf } from '@restock/units';

/** The unit types a product can be sold by: a slot level in percent is never what Amazon ships. */
export type ProductUnitType = 'volume' | 'weight' | 'count';

/** A product's size as the device model defines it: any spelling `@restock/units` knows. */
export interface ProductSize {
  quantity: number;
  unit: string;
  unitType: ProductUnitType;
}

// Marketplaces write quantities the way a product page does; two decimals keep 3 l as 101.44 fl oz.
const DISPLAY_DECIMALS = 2;

/**
 * The quantity and unit a marketplace's notifications carry for a product (DRS-SNS-SPEC 5a): US `fl oz`
 * for volume and `oz` for weight, every other marketplace `l` and `kg`, `count` everywhere.
 */
export function marketplaceQuantity(size: ProductSize, marketplace: string): { quantity: number; unit: string } {
  const unit = displayUnitFor(marketplace, size.unitType);
  const canonical = toCanonical(size.quantity, size.unit, size.unitType);
  const quantity = fromCanonical(canonical.quantity, size.unitType, unit);
  const factor = 10 ** DISPLAY_DECIMALS;
  return { quantity: Math.round(quantity * factor) / factor, unit };
}

/**
 * The unit type of a product, from the one given or, when absent, from the unit's spelling if that is
 * unambiguous (`oz` is volume or weight, so it needs one given).
 *
 * @throws UnitError when the unit is unknown, of another type, ambiguous, or a percentage.
 */
export function productUnitType(unit: string, given: string | undefined): ProductUnitType {
  const types = unitTypeOf(unit);
  const chosen = given ?? (types.length === 1 ? types[0] : undefined);
  if (chosen === undefined) {
    throw new UnitError(
      types.length === 0 ? UnitErrorCode.UNIT_UNKNOWN : UnitErrorCode.UNIT_WRONG_TYPE,
      types.length === 0
        ? `unknown unit ${JSON.stringify(unit)}`
        : `unit ${JSON.stringify(unit)} is ${types.join(' or ')}: say which in unitType`,
      { unit },
    );
  }
  if (chosen !== 'volume' && chosen !== 'weight' && chosen !== 'count') {
    throw new UnitError(UnitErrorCode.UNIT_WRONG_TYPE, `a product is sold by volume, weight or count, not ${chosen}`, {
      unit,
      unitType: chosen,
    });
  }
  // Throws UNIT_WRONG_TYPE for `kg` declared as volume, and so on.
  toCanonical(1, unit, chosen);
  return chosen;
}
