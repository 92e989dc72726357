export {
  CANONICAL_DECIMALS,
  type CanonicalQuantity,
  fromCanonical,
  roundCanonical,
  toCanonical,
} from './conversion.js';
export { type DisplayUnit, displayUnitFor } from './display-units.js';
export { levelFromPercent, levelToCanonical, type SlotUnits } from './levels.js';
export { normalizeSpelling, parseUnit, unitTypeOf } from './parse-unit.js';
export { UnitError, UnitErrorCode } from './unit-error.js';
export { UNIT_DEFINITIONS, type Unit, type UnitDefinition } from './unit-table.js';
export { type CanonicalUnit, canonicalUnitOf, isUnitType, UNIT_TYPES, type UnitType } from './unit-types.js';
