import { describe, expect, it } from 'vitest';
import { fromCanonical, toCanonical } from './conversion.js';
import { UNIT_DEFINITIONS } from './unit-table.js';

/** mulberry32: a tiny seeded PRNG, so a failing case reproduces on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A "sane" quantity: at most 6 decimals, as a sensor or DRS writes it, from 0 up to 10^6 of the unit
 * (a million fluid ounces is about 30 m3): decimals and magnitude are drawn separately so both tiny
 * and large values and both short and long fractions occur.
 */
function saneQuantity(random: () => number): number {
  const decimals = Math.floor(random() * 7);
  const magnitude = 10 ** Math.floor(random() * 7);
  const units = Math.floor(random() * magnitude * 10 ** decimals);
  return Number((units / 10 ** decimals).toFixed(decimals));
}

const SEED = 0x5eed_0007;
const CASES_PER_UNIT = 2000;

describe('round trips', () => {
  for (const definition of UNIT_DEFINITIONS) {
    it(`returns the original quantity for ${CASES_PER_UNIT} random quantities in ${definition.unit} (${definition.unitType}) converted to canonical and back`, () => {
      const random = seededRandom(SEED);
      for (let i = 0; i < CASES_PER_UNIT; i += 1) {
        const quantity = saneQuantity(random);
        const canonical = toCanonical(quantity, definition.unit, definition.unitType);
        expect(fromCanonical(canonical.quantity, definition.unitType, definition.unit), `${quantity}`).toBe(quantity);
        // The canonical value prints with at most 6 decimals: no float noise such as 88.70999999999999.
        expect(String(canonical.quantity), `${quantity}`).toMatch(/^\d+(\.\d{1,6})?$/);
      }
    });
  }

  it('round-trips every spelling of a unit, not only its normalized name', () => {
    for (const definition of UNIT_DEFINITIONS) {
      for (const spelling of definition.spellings) {
        const canonical = toCanonical(103.25, spelling, definition.unitType);
        expect(fromCanonical(canonical.quantity, definition.unitType, spelling)).toBe(103.25);
      }
    }
  });

  it('returns integers unchanged through every volume and weight unit up to a billion canonical units', () => {
    for (const definition of UNIT_DEFINITIONS) {
      const limit = 1e9 / Number(definition.canonicalPerUnit);
      for (const quantity of [1, 7, 103, 999_999, Math.floor(limit)]) {
        const canonical = toCanonical(quantity, definition.unit, definition.unitType);
        expect(fromCanonical(canonical.quantity, definition.unitType, definition.unit), `${quantity}`).toBe(quantity);
      }
    }
  });

  it('converts the same input to the same output every time', () => {
    const first = toCanonical(12.345678, 'fl oz', 'volume');
    for (let i = 0; i < 100; i += 1) expect(toCanonical(12.345678, 'fl oz', 'volume')).toEqual(first);
  });
});
