import { describe, expect, it } from 'vitest';
import { applyUse, initialLevels, type ModelSlotInfo, percentOf } from './simulated-device.js';

const washer: ModelSlotInfo[] = [
  { slotId: 'detergent', unitType: 'volume', capacity: 1500 },
  { slotId: 'softener', unitType: 'volume', capacity: 1000 },
];
const printer: ModelSlotInfo[] = [{ slotId: 'black_ink', unitType: 'percentage', capacity: 100 }];
const coffee: ModelSlotInfo[] = [{ slotId: 'pods', unitType: 'count', capacity: 50 }];

describe('a simulated device', () => {
  it('reports what a load used in fl oz in the US and in ml elsewhere', () => {
    const us = applyUse({ detergent: 1000, softener: 500 }, washer, [{ slotId: 'detergent', quantity: 75 }], 'US');
    expect(us.reports).toEqual([{ slotId: 'detergent', type: 'consumed', quantity: 2.536, unit: 'fl oz' }]);
    expect(us.levels).toEqual({ detergent: 925, softener: 500 });
    const uk = applyUse({ detergent: 1000, softener: 500 }, washer, [{ slotId: 'softener', quantity: 35 }], 'UK');
    expect(uk.reports).toEqual([{ slotId: 'softener', type: 'consumed', quantity: 35, unit: 'ml' }]);
  });

  it('reports ink as the level the cartridge reads, and pods in pods', () => {
    expect(applyUse({ black_ink: 40 }, printer, [{ slotId: 'black_ink', quantity: 0.64 }], 'US').reports).toEqual([
      { slotId: 'black_ink', type: 'level', percent: 39.4 },
    ]);
    expect(applyUse({ pods: 10 }, coffee, [{ slotId: 'pods', quantity: 1 }], 'DE').reports).toEqual([
      { slotId: 'pods', type: 'consumed', quantity: 1, unit: 'pods' },
    ]);
  });

  it('has the owner refill a slot that cannot serve the use, reports it full, then the use', () => {
    const outcome = applyUse({ pods: 0 }, coffee, [{ slotId: 'pods', quantity: 1 }], 'US');
    expect(outcome.refilled).toEqual(['pods']);
    expect(outcome.levels).toEqual({ pods: 49 });
    expect(outcome.reports).toEqual([
      { slotId: 'pods', type: 'level', percent: 100 },
      { slotId: 'pods', type: 'consumed', quantity: 1, unit: 'pods' },
    ]);
  });

  it("ignores slots its model does not have, and leaves the caller's levels untouched", () => {
    const levels = Object.freeze({ detergent: 100, softener: 100 });
    const outcome = applyUse(levels, washer, [{ slotId: 'bleach', quantity: 20 }], 'US');
    expect(outcome).toEqual({ levels, reports: [], refilled: [] });
    applyUse(levels, washer, [{ slotId: 'detergent', quantity: 20 }], 'US');
    expect(levels).toEqual({ detergent: 100, softener: 100 });
  });

  it('starts each slot between the minimum and full', () => {
    const draws = [0, 0.5, 0.999999];
    for (const d of draws) {
      const levels = initialLevels(washer, () => d);
      expect(levels['detergent']).toBeGreaterThanOrEqual(1500 * 0.15);
      expect(levels['detergent']).toBeLessThanOrEqual(1500);
    }
    expect(percentOf(1501, 1500)).toBe(100);
  });
});
