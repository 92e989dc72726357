import type { DeviceModel, MarketplaceListing } from '@restock/events';
import { describe, expect, it } from 'vitest';
import { CatalogErrorCode } from './catalog-error.js';
import {
  addSlot,
  assertDeletable,
  assertRevision,
  certificationGaps,
  certify,
  changeSlot,
  defineNewModel,
  putMarketplace,
  removeMarketplace,
  removeSlot,
  renameModel,
  replaceImage,
  replaceSlots,
} from './model-rules.js';
import { PLACEHOLDER_TEST_ASIN } from './model-templates.js';
import type { SlotInput } from './slot-rules.js';

let counter = 0;
const ctx = {
  now: new Date('2025-03-01T10:00:00.000Z'),
  newReplenishmentId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
};
const image = { contentType: 'image/png', sha256: 'a'.repeat(64), bytes: 70 };

function washer(): DeviceModel {
  return defineNewModel({ modelId: 'washer-x200', name: 'Washer X200', kind: 'washing_machine' }, 0, ctx);
}

/** A listing that sells every slot of the washer with real-looking ASINs. */
function completeListing(deviceName: string): MarketplaceListing {
  return {
    deviceName,
    slotNames: { detergent: 'Waschmittel', softener: 'Weichspüler', bleach: 'Bleiche' },
    asins: { detergent: ['B00JGZBTCI'], softener: ['B077YLQ2R1'], bleach: ['B000000001'] },
  };
}

/** The washer made ready: image and real ASINs in the US, then certified. */
function certifiedWasher(): DeviceModel {
  let model = replaceImage(washer(), image);
  model = putMarketplace(model, 'US', completeListing('Washer X200')).model;
  return certify(model, ctx.now);
}

const newSlot: SlotInput = { slotId: 'starch', unitType: 'volume', capacity: 500, defaultDailyUse: 5, optional: true };

function refusal(fn: () => unknown): { code: string; status: number | undefined; message: string; details: unknown } {
  try {
    fn();
  } catch (error) {
    const e = error as { code: string; status: number | undefined; message: string; details: unknown };
    return { code: e.code, status: e.status, message: e.message, details: e.details };
  }
  throw new Error('expected a refusal');
}

describe('before certification', () => {
  it('renames the model and raises its revision', () => {
    const model = renameModel(washer(), 'Washer X200 Pro');
    expect(model).toMatchObject({ name: 'Washer X200 Pro', revision: 2 });
  });

  it('adds a slot and lists it in every marketplace with a name and the placeholder ASIN', () => {
    const model = addSlot(washer(), newSlot, ctx);
    expect(model.slots.map((s) => s.slotId)).toEqual(['detergent', 'softener', 'bleach', 'starch']);
    expect(model.marketplaces['US']?.slotNames['starch']).toBe('Starch');
    expect(model.marketplaces['US']?.asins['starch']).toEqual([PLACEHOLDER_TEST_ASIN]);
  });

  it('removes a slot with its names and ASINs in every marketplace', () => {
    const model = removeSlot(washer(), 'bleach');
    expect(model.slots.map((s) => s.slotId)).toEqual(['detergent', 'softener']);
    expect(model.marketplaces['US']?.slotNames['bleach']).toBeUndefined();
    expect(model.marketplaces['US']?.asins['bleach']).toBeUndefined();
  });

  it('renames a slot in place, and its names and ASINs move with it', () => {
    let model = putMarketplace(washer(), 'DE', completeListing('Waschmaschine X200')).model;
    const before = model.slots[0];
    model = changeSlot(model, 'detergent', { ...newSlot, slotId: 'liquid_detergent', optional: false }, ctx);
    expect(model.slots[0]).toMatchObject({ slotId: 'liquid_detergent', replenishmentId: before?.replenishmentId });
    expect(model.marketplaces['DE']?.slotNames).toMatchObject({ liquid_detergent: 'Waschmittel' });
    expect(model.marketplaces['DE']?.asins['liquid_detergent']).toEqual(['B00JGZBTCI']);
    expect(model.marketplaces['DE']?.slotNames['detergent']).toBeUndefined();
  });

  it('keeps the replenishment id of a slot replaced without one, and takes a given one', () => {
    const model = washer();
    const kept = replaceSlots(model, [{ ...newSlot, slotId: 'detergent' }], ctx);
    expect(kept.slots[0]?.replenishmentId).toBe(model.slots[0]?.replenishmentId);
    const given = replaceSlots(model, [{ ...newSlot, slotId: 'detergent', replenishmentId: 'amzn-slot-1' }], ctx);
    expect(given.slots[0]?.replenishmentId).toBe('amzn-slot-1');
  });

  it('replaces an existing marketplace and deletes one without devices', () => {
    const de = putMarketplace(washer(), 'DE', completeListing('Waschmaschine'));
    expect(de.created).toBe(true);
    const again = putMarketplace(de.model, 'DE', completeListing('Waschmaschine X200'));
    expect(again.created).toBe(false);
    expect(again.model.marketplaces['DE']?.deviceName).toBe('Waschmaschine X200');
    expect(Object.keys(removeMarketplace(again.model, 'DE', 0).marketplaces)).toEqual(['US']);
  });

  it('accepts an incomplete marketplace while the model is being defined', () => {
    const partial = { deviceName: 'Lave-linge', slotNames: { detergent: 'Lessive' }, asins: {} };
    expect(putMarketplace(washer(), 'FR', partial).model.marketplaces['FR']).toEqual(partial);
  });

  it('refuses to delete a marketplace devices were provisioned for', () => {
    expect(refusal(() => removeMarketplace(washer(), 'US', 2))).toMatchObject({
      code: CatalogErrorCode.CAT_MARKETPLACE_IN_USE,
      status: 409,
    });
  });

  it('refuses to remove the last slot', () => {
    const single = defineNewModel({ modelId: 'one', name: 'One', kind: 'other' }, 0, ctx);
    expect(refusal(() => removeSlot(single, 'slot_01'))).toMatchObject({
      code: CatalogErrorCode.CAT_SLOT_COUNT,
      status: 409,
    });
  });

  it('refuses a slot id the model already has', () => {
    expect(refusal(() => addSlot(washer(), { ...newSlot, slotId: 'softener' }, ctx))).toMatchObject({
      code: CatalogErrorCode.CAT_SLOT_EXISTS,
      status: 409,
    });
    expect(refusal(() => changeSlot(washer(), 'bleach', { ...newSlot, slotId: 'softener' }, ctx))).toMatchObject({
      code: CatalogErrorCode.CAT_SLOT_EXISTS,
    });
  });

  it('refuses a slot list with the same id twice, naming the second', () => {
    const twice = [newSlot, { ...newSlot }];
    expect(refusal(() => replaceSlots(washer(), twice, ctx))).toMatchObject({
      code: CatalogErrorCode.CAT_INVALID,
      status: 400,
      details: { field: '/body/slots/1/slotId' },
    });
  });

  it('refuses two slots with one replenishment id', () => {
    const slots = [
      { ...newSlot, slotId: 'a', replenishmentId: 'same' },
      { ...newSlot, slotId: 'b', replenishmentId: 'same' },
    ];
    expect(refusal(() => replaceSlots(washer(), slots, ctx))).toMatchObject({
      details: { field: '/body/slots/1/replenishmentId' },
    });
  });

  it.each([
    [{ unitType: 'percentage', capacity: 50 }, '/body/slots/0/capacity'],
    [{ unitType: 'volume', capacity: 1_000_000 }, '/body/slots/0/capacity'],
    [{ unitType: 'count', capacity: 2.5 }, '/body/slots/0/capacity'],
    [{ unitType: 'weight', capacity: 500, defaultDailyUse: 600 }, '/body/slots/0/defaultDailyUse'],
  ] as const)('refuses a slot whose numbers do not fit its unit type (%o)', (change, field) => {
    const slot = { ...newSlot, ...change };
    expect(refusal(() => replaceSlots(washer(), [slot], ctx))).toMatchObject({ status: 400, details: { field } });
  });

  it('refuses a listing that names or lists a slot the model does not have', () => {
    const names = { deviceName: 'X', slotNames: { starch: 'Stärke' }, asins: {} };
    expect(refusal(() => putMarketplace(washer(), 'DE', names))).toMatchObject({
      details: { field: '/body/slotNames/starch' },
    });
    const asins = { deviceName: 'X', slotNames: {}, asins: { starch: ['B00JGZBTCI'] } };
    expect(refusal(() => putMarketplace(washer(), 'DE', asins))).toMatchObject({
      details: { field: '/body/asins/starch' },
    });
  });

  it('refuses an ASIN listed twice for one slot', () => {
    const listing = { deviceName: 'X', slotNames: {}, asins: { detergent: ['B00JGZBTCI', 'B00JGZBTCI'] } };
    expect(refusal(() => putMarketplace(washer(), 'DE', listing))).toMatchObject({
      details: { field: '/body/asins/detergent/1' },
    });
  });

  it('refuses a write based on a revision the model has moved past', () => {
    const model = renameModel(washer(), 'Renamed');
    expect(() => assertRevision(model, 2)).not.toThrow();
    expect(() => assertRevision(model, undefined)).not.toThrow();
    expect(refusal(() => assertRevision(model, 1))).toMatchObject({
      code: CatalogErrorCode.CAT_REVISION_MISMATCH,
      status: 412,
      details: { currentRevision: 2, expectedRevision: 1 },
    });
  });

  it('refuses to delete a model devices were provisioned for, and allows it otherwise', () => {
    expect(() => assertDeletable(washer(), 0)).not.toThrow();
    expect(refusal(() => assertDeletable(washer(), 1))).toMatchObject({ code: CatalogErrorCode.CAT_MODEL_IN_USE });
  });
});

describe('certification', () => {
  it('refuses a new model: no image, and the placeholder ASIN in every slot', () => {
    const gaps = certificationGaps(washer());
    expect(gaps.map((g) => g.field)).toEqual([
      '/image',
      '/marketplaces/US/asins/detergent',
      '/marketplaces/US/asins/softener',
      '/marketplaces/US/asins/bleach',
    ]);
    expect(refusal(() => certify(washer(), ctx.now))).toMatchObject({
      code: CatalogErrorCode.CAT_CERTIFICATION_INCOMPLETE,
      status: 409,
    });
  });

  it('refuses a model with a slot unnamed or without ASIN in some marketplace', () => {
    let model = replaceImage(washer(), image);
    model = putMarketplace(model, 'US', completeListing('Washer')).model;
    model = putMarketplace(model, 'FR', {
      deviceName: 'Lave-linge',
      slotNames: { detergent: 'Lessive' },
      asins: {},
    }).model;
    const refused = refusal(() => certify(model, ctx.now));
    expect(refused.code).toBe(CatalogErrorCode.CAT_CERTIFICATION_INCOMPLETE);
    expect(refused.message).toContain('in marketplace FR, slot softener has no name');
    expect(refused.details).toMatchObject({
      errors: expect.arrayContaining([
        { field: '/marketplaces/FR/slotNames/softener', message: 'in marketplace FR, slot softener has no name' },
        { field: '/marketplaces/FR/asins/detergent', message: 'in marketplace FR, slot detergent lists no ASIN' },
      ]),
    });
  });

  it('refuses a model sold nowhere', () => {
    const model = removeMarketplace(replaceImage(washer(), image), 'US', 0);
    expect(certificationGaps(model).map((g) => g.field)).toEqual(['/marketplaces']);
  });

  it('certifies a complete model and records when', () => {
    const model = certifiedWasher();
    expect(model.certifiedAt).toBe('2025-03-01T10:00:00.000Z');
  });

  it('refuses to certify a model twice', () => {
    expect(refusal(() => certify(certifiedWasher(), ctx.now))).toMatchObject({
      code: CatalogErrorCode.CAT_ALREADY_CERTIFIED,
      status: 409,
    });
  });
});

describe('the certification lock', () => {
  const lockedChanges: [string, (m: DeviceModel) => unknown][] = [
    ['renaming the model', (m) => renameModel(m, 'New name')],
    ['adding a slot', (m) => addSlot(m, newSlot, ctx)],
    ['removing a slot', (m) => removeSlot(m, 'bleach')],
    ['changing a slot', (m) => changeSlot(m, 'detergent', { ...newSlot, slotId: 'detergent' }, ctx)],
    ['replacing the slots', (m) => replaceSlots(m, [newSlot], ctx)],
    ['replacing the image', (m) => replaceImage(m, image)],
    ['changing an existing marketplace', (m) => putMarketplace(m, 'US', completeListing('Washer X200 (2025)'))],
    ['deleting a marketplace', (m) => removeMarketplace(m, 'US', 0)],
    ['deleting the model', (m) => assertDeletable(m, 0)],
  ];

  it.each(lockedChanges)('answers 409 naming the rule when a certified model is changed by %s', (_what, change) => {
    const refused = refusal(() => change(certifiedWasher()));
    expect(refused).toMatchObject({
      code: CatalogErrorCode.CAT_CERTIFIED_LOCKED,
      status: 409,
      details: { rule: 'certified-model-only-gains-marketplaces' },
    });
    expect(refused.message).toMatch(/^model washer-x200 is certified: only new marketplaces can be added/);
  });

  it('still adds a new, complete marketplace to a certified model', () => {
    const { model, created } = putMarketplace(certifiedWasher(), 'DE', completeListing('Waschmaschine X200'));
    expect(created).toBe(true);
    expect(Object.keys(model.marketplaces).sort()).toEqual(['DE', 'US']);
    expect(model.certifiedAt).not.toBeNull();
  });

  it('refuses a new marketplace of a certified model that lacks a slot name or real ASINs, naming the field', () => {
    const unnamed = { ...completeListing('Lave-linge'), slotNames: { detergent: 'Lessive', bleach: 'Javel' } };
    expect(refusal(() => putMarketplace(certifiedWasher(), 'FR', unnamed))).toMatchObject({
      status: 400,
      details: { field: '/body/slotNames/softener' },
    });
    const placeholder = {
      ...completeListing('Lave-linge'),
      asins: { ...completeListing('x').asins, bleach: [PLACEHOLDER_TEST_ASIN] },
    };
    const refused = refusal(() => putMarketplace(certifiedWasher(), 'FR', placeholder));
    expect(refused).toMatchObject({ status: 400, details: { field: '/body/asins/bleach' } });
    expect(refused.message).toContain('is certified, so a new marketplace must be complete');
  });
});
