import { createCodec, Topics } from '@restock/events';
import { describe, expect, it } from 'vitest';
import { modelDefined } from './catalog-events.js';
import { defineNewModel } from './model-rules.js';
import { type ModelKind, PLACEHOLDER_TEST_ASIN, templateSlots } from './model-templates.js';

const codec = createCodec(Topics.catalog);
let counter = 0;
const ctx = {
  now: new Date('2025-03-01T10:00:00.000Z'),
  newReplenishmentId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
};

function slotsOf(kind: ModelKind) {
  return defineNewModel({ modelId: 'm-1', name: 'Model one', kind }, 0, ctx).slots;
}

describe('model templates', () => {
  it('gives a printer four percentage ink slots of capacity 100', () => {
    const slots = slotsOf('printer');
    expect(slots.map((s) => s.slotId)).toEqual(['black_ink', 'cyan_ink', 'magenta_ink', 'yellow_ink']);
    for (const slot of slots) {
      expect(slot).toMatchObject({ unitType: 'percentage', capacity: 100, optional: false });
      expect(slot.defaultDailyUse).toBeGreaterThan(0);
    }
  });

  it('gives a washing machine detergent and softener by volume, and an optional bleach slot', () => {
    expect(slotsOf('washing_machine').map((s) => [s.slotId, s.unitType, s.optional])).toEqual([
      ['detergent', 'volume', false],
      ['softener', 'volume', false],
      ['bleach', 'volume', true],
    ]);
  });

  it('gives a dishwasher tablets by count, and optional rinse aid and salt', () => {
    expect(slotsOf('dishwasher').map((s) => [s.slotId, s.unitType, s.optional])).toEqual([
      ['tablets', 'count', false],
      ['rinse_aid', 'volume', true],
      ['salt', 'weight', true],
    ]);
  });

  it('gives a coffee machine pods by count and optional ground coffee by weight', () => {
    expect(slotsOf('coffee_machine').map((s) => [s.slotId, s.unitType, s.optional])).toEqual([
      ['pods', 'count', false],
      ['ground_coffee', 'weight', true],
    ]);
  });

  it('starts any other model with the one slot the portal starts with', () => {
    expect(slotsOf('other').map((s) => s.slotId)).toEqual(['slot_01']);
  });

  it('uses the caller-given slots instead of the template when there are some', () => {
    const model = defineNewModel(
      {
        modelId: 'm-2',
        name: 'Custom',
        kind: 'printer',
        slots: [{ slotId: 'toner', unitType: 'percentage', capacity: 100, defaultDailyUse: 0.5, optional: false }],
      },
      0,
      ctx,
    );
    expect(model.slots.map((s) => s.slotId)).toEqual(['toner']);
    expect(model.marketplaces['US']?.slotNames).toEqual({ toner: 'Toner' });
  });

  it.each(['printer', 'washing_machine', 'dishwasher', 'coffee_machine', 'other'] as const)(
    'lists a new %s in the US with the device name, every slot name and the placeholder test ASIN',
    (kind) => {
      const model = defineNewModel({ modelId: 'm-3', name: 'Shown name', kind }, 0, ctx);
      const us = model.marketplaces['US'];
      expect(Object.keys(model.marketplaces)).toEqual(['US']);
      expect(us?.deviceName).toBe('Shown name');
      for (const template of templateSlots(kind)) {
        expect(us?.slotNames[template.slotId]).toBe(template.displayName);
        expect(us?.asins[template.slotId]).toEqual([PLACEHOLDER_TEST_ASIN]);
      }
      expect(model).toMatchObject({ revision: 1, certifiedAt: null, image: null });
      // Whatever a template makes must be publishable as it is.
      expect(() =>
        codec.assertValid(
          modelDefined(model, { id: '8c1f4e0a-3b2d-4c5e-9f6a-7b8c9d0e1f2a', now: ctx.now, source: 't' }),
        ),
      ).not.toThrow();
    },
  );

  it('gives every slot its own replenishment id until Amazon assigns the real ones', () => {
    const ids = slotsOf('printer').map((s) => s.replenishmentId);
    expect(new Set(ids).size).toBe(4);
  });

  it('continues the revision of a deleted model created again under the same id', () => {
    expect(defineNewModel({ modelId: 'm-4', name: 'Again', kind: 'other' }, 7, ctx).revision).toBe(8);
  });
});
