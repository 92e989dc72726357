import type { DeviceModel, MarketplaceListing, ModelSlot } from '@restock/events';
import { CatalogError, CatalogErrorCode, invalidField } from './catalog-error.js';
import { assertListingFitsSlots, followSlots, listingGaps, type SlotChange } from './marketplace-rules.js';
import {
  FIRST_MARKETPLACE,
  humanizeSlotId,
  type ModelKind,
  PLACEHOLDER_TEST_ASIN,
  templateSlots,
  toModelSlot,
} from './model-templates.js';
import {
  assertSaneSlot,
  assertSaneSlots,
  assertUniqueReplenishmentIds,
  completeSlot,
  MAX_SLOTS,
  type SlotInput,
} from './slot-rules.js';

/**
 * The rules of a device model, after the DRS self-service portal: before certification everything is
 * editable and slots come and go; after it only new marketplaces can be added. Every function is pure:
 * it takes the current model and returns the next one (its revision one higher), or throws a
 * CatalogError naming the rule. Ids and time arrive as arguments.
 */

/** What a change may need besides the model: the time, and a source of replenishment ids. */
export interface ModelChangeContext {
  now: Date;
  newReplenishmentId: () => string;
}

export interface NewModel {
  modelId: string;
  name: string;
  kind: ModelKind;
  /** The slots to start with; the kind's template when absent. */
  slots?: SlotInput[] | undefined;
}

export type DeviceImage = NonNullable<DeviceModel['image']>;

/**
 * A new model: the given slots or its kind's template, and the first marketplace (US) with the
 * model's name as device name, each slot's name and the placeholder test ASIN, as the portal does.
 * `previousRevision` is the last revision of a deleted model of the same id (0 if none), so the
 * revision of a key on the compacted topic only ever grows.
 */
export function defineNewModel(input: NewModel, previousRevision: number, ctx: ModelChangeContext): DeviceModel {
  let slots: ModelSlot[];
  if (input.slots === undefined) {
    slots = templateSlots(input.kind).map((t) => toModelSlot(t, ctx.newReplenishmentId()));
  } else {
    assertSaneSlots(input.slots, '/body/slots');
    slots = input.slots.map((s) => completeSlot(s, undefined, ctx.newReplenishmentId));
    assertUniqueReplenishmentIds(slots, '/body/slots');
  }
  const listing: MarketplaceListing = {
    deviceName: input.name,
    slotNames: Object.fromEntries(slots.map((s) => [s.slotId, slotDisplayName(input.kind, s.slotId)])),
    asins: Object.fromEntries(slots.map((s) => [s.slotId, [PLACEHOLDER_TEST_ASIN]])),
  };
  return {
    modelId: input.modelId,
    name: input.name,
    kind: input.kind,
    slots,
    marketplaces: { [FIRST_MARKETPLACE]: listing },
    image: null,
    certifiedAt: null,
    revision: previousRevision + 1,
  };
}

/**
 * Optimistic concurrency: a write that names the revision it read (If-Match) is refused when the
 * model moved on since, so two operators editing at once cannot silently undo each other.
 */
export function assertRevision(model: DeviceModel, expected: number | undefined): void {
  if (expected === undefined || expected === model.revision) return;
  throw new CatalogError(
    CatalogErrorCode.CAT_REVISION_MISMATCH,
    412,
    `model ${model.modelId} is at revision ${model.revision}, not ${expected}: read it again and retry`,
    { currentRevision: model.revision, expectedRevision: expected },
  );
}

/** The certification lock: refuses any change but a new marketplace once the model is certified. */
export function assertNotCertified(model: DeviceModel, attempted: string): void {
  if (model.certifiedAt === null) return;
  throw new CatalogError(
    CatalogErrorCode.CAT_CERTIFIED_LOCKED,
    409,
    `model ${model.modelId} is certified: only new marketplaces can be added (refused: ${attempted})`,
    { rule: 'certified-model-only-gains-marketplaces', attempted, certifiedAt: model.certifiedAt },
  );
}

export function renameModel(model: DeviceModel, name: string): DeviceModel {
  assertNotCertified(model, 'renaming the model');
  return revise(model, { name });
}

/** Replaces every slot at once (the portal's slot editor); marketplaces follow the new slot list. */
export function replaceSlots(model: DeviceModel, slots: SlotInput[], ctx: ModelChangeContext): DeviceModel {
  assertNotCertified(model, 'changing the slots');
  assertSaneSlots(slots, '/body/slots');
  const kept = new Map(model.slots.map((s) => [s.slotId, s]));
  const next = slots.map((s) => completeSlot(s, kept.get(s.slotId), ctx.newReplenishmentId));
  assertUniqueReplenishmentIds(next, '/body/slots');
  return withSlots(model, next, new Map());
}

export function addSlot(model: DeviceModel, slot: SlotInput, ctx: ModelChangeContext): DeviceModel {
  assertNotCertified(model, `adding slot ${slot.slotId}`);
  if (model.slots.some((s) => s.slotId === slot.slotId)) {
    throw new CatalogError(
      CatalogErrorCode.CAT_SLOT_EXISTS,
      409,
      `model ${model.modelId} already has a slot ${slot.slotId}`,
      { field: '/body/slotId' },
    );
  }
  if (model.slots.length >= MAX_SLOTS) {
    throw new CatalogError(CatalogErrorCode.CAT_SLOT_COUNT, 409, `a model has at most ${MAX_SLOTS} slots`, {
      limit: MAX_SLOTS,
    });
  }
  assertSaneSlot(slot, '/body');
  const added = completeSlot(slot, undefined, ctx.newReplenishmentId);
  assertReplenishmentIdFree(model.slots, added, '/body/replenishmentId');
  return withSlots(model, [...model.slots, added], new Map());
}

/** Changes one slot in place; a new `slotId` renames it and its names and ASINs move with it. */
export function changeSlot(model: DeviceModel, slotId: string, slot: SlotInput, ctx: ModelChangeContext): DeviceModel {
  assertNotCertified(model, `changing slot ${slotId}`);
  const index = slotIndex(model, slotId);
  const others = model.slots.filter((_, i) => i !== index);
  if (slot.slotId !== slotId && others.some((s) => s.slotId === slot.slotId)) {
    throw new CatalogError(
      CatalogErrorCode.CAT_SLOT_EXISTS,
      409,
      `model ${model.modelId} already has a slot ${slot.slotId}`,
      { field: '/body/slotId' },
    );
  }
  assertSaneSlot(slot, '/body');
  const changed = completeSlot(slot, model.slots[index], ctx.newReplenishmentId);
  assertReplenishmentIdFree(others, changed, '/body/replenishmentId');
  const slots = model.slots.map((s, i) => (i === index ? changed : s));
  return withSlots(model, slots, slot.slotId === slotId ? new Map() : new Map([[slotId, slot.slotId]]));
}

export function removeSlot(model: DeviceModel, slotId: string): DeviceModel {
  assertNotCertified(model, `removing slot ${slotId}`);
  const index = slotIndex(model, slotId);
  if (model.slots.length === 1) {
    throw new CatalogError(
      CatalogErrorCode.CAT_SLOT_COUNT,
      409,
      `slot ${slotId} is the only slot of model ${model.modelId}: a model has at least one slot`,
      { limit: 1 },
    );
  }
  return withSlots(
    model,
    model.slots.filter((_, i) => i !== index),
    new Map(),
  );
}

/**
 * Adds a marketplace or replaces an existing one's names and ASINs. After certification only a new
 * marketplace is accepted, and only complete: every slot named and listed with real ASINs, as it
 * goes on sale at once.
 */
export function putMarketplace(
  model: DeviceModel,
  marketplace: string,
  listing: MarketplaceListing,
): { model: DeviceModel; created: boolean } {
  const created = model.marketplaces[marketplace] === undefined;
  if (!created) assertNotCertified(model, `changing marketplace ${marketplace}`);
  assertListingFitsSlots(listing, model.slots, '/body');
  if (model.certifiedAt !== null) {
    const [gap] = listingGaps(listing, model.slots, '/body');
    if (gap !== undefined) {
      throw invalidField(
        gap.field,
        `${gap.message}; model ${model.modelId} is certified, so a new marketplace must be complete`,
      );
    }
  }
  const copy: MarketplaceListing = {
    deviceName: listing.deviceName,
    slotNames: { ...listing.slotNames },
    asins: Object.fromEntries(Object.entries(listing.asins).map(([slotId, asins]) => [slotId, [...asins]])),
  };
  return { model: revise(model, { marketplaces: { ...model.marketplaces, [marketplace]: copy } }), created };
}

/** Removes a marketplace; never from a certified model, nor while devices were provisioned for it. */
export function removeMarketplace(model: DeviceModel, marketplace: string, devicesInMarketplace: number): DeviceModel {
  assertNotCertified(model, `deleting marketplace ${marketplace}`);
  if (model.marketplaces[marketplace] === undefined) throw marketplaceNotFound(model, marketplace);
  if (devicesInMarketplace > 0) {
    throw new CatalogError(
      CatalogErrorCode.CAT_MARKETPLACE_IN_USE,
      409,
      `marketplace ${marketplace} of model ${model.modelId} has ${devicesInMarketplace} provisioned device(s)`,
      { devices: devicesInMarketplace },
    );
  }
  const { [marketplace]: _removed, ...rest } = model.marketplaces;
  return revise(model, { marketplaces: rest });
}

export function replaceImage(model: DeviceModel, image: DeviceImage): DeviceModel {
  assertNotCertified(model, 'replacing the device image');
  return revise(model, { image: { ...image } });
}

/**
 * Certifies the model: from now on only new marketplaces can be added. It must be complete: an
 * image, at least one marketplace, and in every marketplace every slot named and listed with real
 * ASINs (the placeholder test ASIN is for testing only). Completeness is checked here rather than on
 * every edit because the portal lets a model be incomplete while it is being defined.
 */
export function certify(model: DeviceModel, now: Date): DeviceModel {
  if (model.certifiedAt !== null) {
    throw new CatalogError(
      CatalogErrorCode.CAT_ALREADY_CERTIFIED,
      409,
      `model ${model.modelId} was certified at ${model.certifiedAt}`,
      { certifiedAt: model.certifiedAt },
    );
  }
  const gaps = certificationGaps(model);
  if (gaps.length > 0) {
    throw new CatalogError(
      CatalogErrorCode.CAT_CERTIFICATION_INCOMPLETE,
      409,
      `model ${model.modelId} cannot be certified: ${gaps.map((g) => g.message).join('; ')}`,
      { errors: gaps },
    );
  }
  return revise(model, { certifiedAt: now.toISOString() });
}

/** Everything that keeps a model from certification, each named by its pointer into the model. */
export function certificationGaps(model: DeviceModel): { field: string; message: string }[] {
  const gaps: { field: string; message: string }[] = [];
  if (model.image === null) gaps.push({ field: '/image', message: 'it has no device image' });
  const marketplaces = Object.entries(model.marketplaces);
  if (marketplaces.length === 0) gaps.push({ field: '/marketplaces', message: 'it is sold in no marketplace' });
  for (const [marketplace, listing] of marketplaces) {
    for (const gap of listingGaps(listing, model.slots, `/marketplaces/${marketplace}`)) {
      gaps.push({ field: gap.field, message: `in marketplace ${marketplace}, ${gap.message}` });
    }
  }
  return gaps;
}

/** A model may be deleted only before certification and while no device was provisioned for it. */
export function assertDeletable(model: DeviceModel, provisionedDevices: number): void {
  assertNotCertified(model, 'deleting the model');
  if (provisionedDevices > 0) {
    throw new CatalogError(
      CatalogErrorCode.CAT_MODEL_IN_USE,
      409,
      `model ${model.modelId} has ${provisionedDevices} provisioned device(s)`,
      { devices: provisionedDevices },
    );
  }
}

export function modelNotFound(modelId: string): CatalogError {
  return new CatalogError(CatalogErrorCode.CAT_MODEL_NOT_FOUND, 404, `there is no device model ${modelId}`);
}

function marketplaceNotFound(model: DeviceModel, marketplace: string): CatalogError {
  return new CatalogError(
    CatalogErrorCode.CAT_MARKETPLACE_NOT_FOUND,
    404,
    `model ${model.modelId} is not sold in marketplace ${marketplace}`,
  );
}

function slotIndex(model: DeviceModel, slotId: string): number {
  const index = model.slots.findIndex((s) => s.slotId === slotId);
  if (index === -1) {
    throw new CatalogError(CatalogErrorCode.CAT_SLOT_NOT_FOUND, 404, `model ${model.modelId} has no slot ${slotId}`);
  }
  return index;
}

function assertReplenishmentIdFree(others: readonly ModelSlot[], slot: ModelSlot, field: string): void {
  const clash = others.find((s) => s.replenishmentId === slot.replenishmentId);
  if (clash !== undefined) {
    throw invalidField(field, `replenishment id ${slot.replenishmentId} is already used by slot ${clash.slotId}`);
  }
}

function withSlots(model: DeviceModel, slots: ModelSlot[], renamed: ReadonlyMap<string, string>): DeviceModel {
  const change: SlotChange = { previousSlotIds: new Set(model.slots.map((s) => s.slotId)), renamed };
  const marketplaces = Object.fromEntries(
    Object.entries(model.marketplaces).map(([marketplace, listing]) => [
      marketplace,
      followSlots(listing, slots, change, (slotId) => slotDisplayName(model.kind, slotId)),
    ]),
  );
  return revise(model, { slots, marketplaces });
}

/** The customer-facing name a slot starts with: its template's name for the kind, or its id in words. */
function slotDisplayName(kind: ModelKind, slotId: string): string {
  return templateSlots(kind).find((t) => t.slotId === slotId)?.displayName ?? humanizeSlotId(slotId);
}

function revise(model: DeviceModel, patch: Partial<Omit<DeviceModel, 'modelId' | 'revision'>>): DeviceModel {
  return { ...model, ...patch, revision: model.revision + 1 };
}
