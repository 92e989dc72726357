import { UnitError, UnitErrorCode } from './unit-error.js';
import { UNIT_DEFINITIONS, type Unit, type UnitDefinition } from './unit-table.js';
import { isUnitType, UNIT_TYPES, type UnitType } from './unit-types.js';

/**
 * The form a spelling is matched in: lower case, dots and runs of whitespace made one space, trimmed.
 * `" FL. Oz "` -> `"fl oz"`, `"Alexa.Unit.Percent"` -> `"alexa unit percent"`.
 */
export function normalizeSpelling(spelling: string): string {
  return spelling
    .toLowerCase()
    .replace(/[\s.]+/g, ' ')
    .trim();
}

// normalized spelling -> unit type -> unit; built once at module load.
const BY_SPELLING = new Map<string, Map<UnitType, UnitDefinition>>();
for (const definition of UNIT_DEFINITIONS) {
  for (const spelling of definition.spellings) {
    const key = normalizeSpelling(spelling);
    const byType = BY_SPELLING.get(key) ?? new Map<UnitType, UnitDefinition>();
    const clash = byType.get(definition.unitType);
    // A spelling meaning two units of one type would make conversion a guess: refuse to load.
    if (clash !== undefined && clash.unit !== definition.unit) {
      throw new Error(`unit table: "${spelling}" is both ${clash.unit} and ${definition.unit}`);
    }
    byType.set(definition.unitType, definition);
    BY_SPELLING.set(key, byType);
  }
}

/** Throws UNIT_TYPE_UNKNOWN unless `unitType` is one of the four unit types. */
export function assertUnitType(unitType: unknown): asserts unitType is UnitType {
  if (!isUnitType(unitType)) {
    throw new UnitError(UnitErrorCode.UNIT_TYPE_UNKNOWN, `unknown unit type ${JSON.stringify(unitType)}`, {
      unitType,
    });
  }
}

/** The table entry of `spelling` in a slot of `unitType`; throws like {@link parseUnit}. */
export function unitDefinitionOf(spelling: string, unitType: UnitType): UnitDefinition {
  assertUnitType(unitType);
  const byType = typeof spelling === 'string' ? BY_SPELLING.get(normalizeSpelling(spelling)) : undefined;
  if (byType === undefined) {
    throw new UnitError(UnitErrorCode.UNIT_UNKNOWN, `unknown unit ${JSON.stringify(spelling)}`, {
      unit: spelling,
      unitType,
    });
  }
  const definition = byType.get(unitType);
  if (definition === undefined) {
    throw new UnitError(
      UnitErrorCode.UNIT_WRONG_TYPE,
      `unit ${JSON.stringify(spelling)} is ${[...byType.keys()].join(' or ')}, not ${unitType}`,
      { unit: spelling, unitType },
    );
  }
  return definition;
}

/**
 * The normalized unit a spelling means in a slot of `unitType`: `parseUnit('FL OZ', 'volume')` is
 * `'fl oz'`, `parseUnit('ounces', 'weight')` is `'oz'`, `parseUnit('pods', 'count')` is `'count'`.
 *
 * @throws UnitError `UNIT_UNKNOWN` for a spelling not in the table, `UNIT_WRONG_TYPE` for a known unit
 *   of another type (`kg` in a volume slot), `UNIT_TYPE_UNKNOWN` for a bad unit type; details
 *   `{ unit, unitType }`, status 400, not retriable.
 */
export function parseUnit(spelling: string, unitType: UnitType): Unit {
  return unitDefinitionOf(spelling, unitType).unit;
}

/**
 * The unit types a spelling can belong to, in the order of `UNIT_TYPES`: `['volume', 'weight']` for
 * `oz`, `['count']` for `pods`, `[]` for a spelling Restock does not know. Never throws.
 */
export function unitTypeOf(spelling: string): UnitType[] {
  const byType = typeof spelling === 'string' ? BY_SPELLING.get(normalizeSpelling(spelling)) : undefined;
  if (byType === undefined) return [];
  return UNIT_TYPES.filter((unitType) => byType.has(unitType));
}
