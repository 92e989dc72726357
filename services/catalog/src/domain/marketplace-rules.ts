import type { MarketplaceListing, ModelSlot } from '@restock/events';
import { invalidField } from './catalog-error.js';
import { PLACEHOLDER_TEST_ASIN } from './model-templates.js';

/** One thing a model lacks before it can be certified, named by its JSON pointer into the model. */
export interface ListingGap {
  field: string;
  message: string;
}

/**
 * A listing may only name and list the model's own slots, and a slot's ASIN list has no repeats.
 * Checked on every write, certified or not. `at` points at the listing in the request (`/body`).
 */
export function assertListingFitsSlots(listing: MarketplaceListing, slots: readonly ModelSlot[], at: string): void {
  const slotIds = new Set(slots.map((s) => s.slotId));
  for (const slotId of Object.keys(listing.slotNames)) {
    if (!slotIds.has(slotId)) throw invalidField(`${at}/slotNames/${slotId}`, `the model has no slot ${slotId}`);
  }
  for (const [slotId, asins] of Object.entries(listing.asins)) {
    if (!slotIds.has(slotId)) throw invalidField(`${at}/asins/${slotId}`, `the model has no slot ${slotId}`);
    const seen = new Set<string>();
    asins.forEach((asin, index) => {
      if (seen.has(asin)) throw invalidField(`${at}/asins/${slotId}/${index}`, `ASIN ${asin} is listed twice`);
      seen.add(asin);
    });
  }
}

/**
 * What a listing lacks to be sold: every slot needs a customer-facing name and at least one ASIN,
 * and the placeholder test ASIN must have been replaced by real ones. `at` is the pointer that
 * prefixes each gap (`/marketplaces/US` in the model, `/body` in a request).
 */
export function listingGaps(listing: MarketplaceListing, slots: readonly ModelSlot[], at: string): ListingGap[] {
  const gaps: ListingGap[] = [];
  for (const { slotId } of slots) {
    if (listing.slotNames[slotId] === undefined) {
      gaps.push({ field: `${at}/slotNames/${slotId}`, message: `slot ${slotId} has no name` });
    }
    const asins = listing.asins[slotId];
    if (asins === undefined || asins.length === 0) {
      gaps.push({ field: `${at}/asins/${slotId}`, message: `slot ${slotId} lists no ASIN` });
    } else if (asins.includes(PLACEHOLDER_TEST_ASIN)) {
      gaps.push({
        field: `${at}/asins/${slotId}`,
        message: `slot ${slotId} still lists the placeholder test ASIN ${PLACEHOLDER_TEST_ASIN}`,
      });
    }
  }
  return gaps;
}

/** How a model's slots changed: which ids it had, and which were renamed (old id -> new id). */
export interface SlotChange {
  previousSlotIds: ReadonlySet<string>;
  renamed: ReadonlyMap<string, string>;
}

/**
 * A copy of a listing whose entries follow the model's slots after they changed: names and ASINs of
 * removed slots go, those of renamed slots move to the new id, and a slot the model did not have
 * before gets what the portal gives a new model (a name and the placeholder test ASIN), so test
 * devices can order before the real ASINs arrive.
 */
export function followSlots(
  listing: MarketplaceListing,
  slots: readonly ModelSlot[],
  change: SlotChange,
  nameOfNewSlot: (slotId: string) => string,
): MarketplaceListing {
  const slotNames: Record<string, string> = {};
  const asins: Record<string, string[]> = {};
  const previousIdOf = new Map([...change.renamed].map(([from, to]) => [to, from]));
  for (const { slotId } of slots) {
    const previousId = previousIdOf.get(slotId) ?? slotId;
    if (!change.previousSlotIds.has(previousId)) {
      slotNames[slotId] = nameOfNewSlot(slotId);
      asins[slotId] = [PLACEHOLDER_TEST_ASIN];
      continue;
    }
    const knownName = listing.slotNames[previousId];
    const knownAsins = listing.asins[previousId];
    if (knownName !== undefined) slotNames[slotId] = knownName;
    if (knownAsins !== undefined) asins[slotId] = [...knownAsins];
  }
  return { deviceName: listing.deviceName, slotNames, asins };
}
