import { describe, expect, it } from 'vitest';
import { historyStart, slotHistory } from './history-view.js';

const NOW = new Date('2025-03-02T08:00:00.000Z');

describe('slotHistory', () => {
  it('lists every day up to today, zero-filled, across a month end', () => {
    const history = slotHistory(
      { slotId: 'pods', name: 'Kapseln', unitType: 'count', marketplace: 'DE' },
      [
        { day: '2025-02-27', quantity: 4 },
        { day: '2025-03-02', quantity: 1 },
      ],
      NOW,
      4,
    );
    expect(history).toEqual({
      slotId: 'pods',
      name: 'Kapseln',
      unit: 'count',
      canonicalUnit: 'count',
      from: '2025-02-27',
      to: '2025-03-02',
      days: [
        { day: '2025-02-27', quantity: 4, canonicalQuantity: 4 },
        { day: '2025-02-28', quantity: 0, canonicalQuantity: 0 },
        { day: '2025-03-01', quantity: 0, canonicalQuantity: 0 },
        { day: '2025-03-02', quantity: 1, canonicalQuantity: 1 },
      ],
    });
  });

  it('starts a one-day history today', () => {
    expect(historyStart(NOW, 1)).toBe('2025-03-02');
  });
});
