import { isRestockError } from '@restock/errors';
import { describe, expect, it } from 'vitest';
import {
  adjustInventory,
  type CommandContext,
  commandEventId,
  deregisterRequested,
  linkDrsAccount,
  requestDigest,
  slotPreferencesChanged,
} from './customer-commands.js';
import type { AdjustmentRequest } from './requests.js';

const ctx: CommandContext = {
  customerId: 'alice',
  deviceId: 'washer-1',
  now: new Date('2025-06-15T12:00:00.000Z'),
  idempotencyKey: undefined,
};
const detergent = { slotId: 'detergent', unitType: 'volume' as const, capacity: 3000 };
const ID = '6f1c1f0e-6b1e-4c55-9d7e-1f2a3b4c5d6e';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isRestockError(error)) return error.details?.['field'] as string | undefined;
    throw error;
  }
  return undefined;
}

describe('adjustInventory', () => {
  it('converts the quantity exactly to the canonical unit and keeps what the customer wrote', () => {
    const event = adjustInventory({ mode: 'addSpare', quantity: 3, unit: 'fl oz' }, detergent, ctx, ID);
    expect(event).toEqual({
      id: ID,
      type: 'InventoryAdjusted',
      version: 1,
      deviceId: 'washer-1',
      occurredAt: '2025-06-15T12:00:00.000Z',
      recordedAt: '2025-06-15T12:00:00.000Z',
      source: 'query',
      data: {
        slotId: 'detergent',
        mode: 'addSpare',
        quantity: 88.720589,
        unit: 'ml',
        reported: { quantity: 3, unit: 'fl oz' },
        customerId: 'alice',
      },
    });
  });

  it('reads a level in percent of a volume slot as a share of a full refill', () => {
    expect(adjustInventory({ mode: 'setLevel', quantity: 10, unit: 'percent' }, detergent, ctx, ID).data.quantity).toBe(
      300,
    );
  });

  it('reads oz as ounces of weight in a weight slot', () => {
    const beans = { slotId: 'beans', unitType: 'weight' as const, capacity: 1000 };
    expect(adjustInventory({ mode: 'addSpare', quantity: 16, unit: 'oz' }, beans, ctx, ID).data).toMatchObject({
      quantity: 453.59237,
      unit: 'g',
    });
  });

  it('names the field at fault', () => {
    const cases: [AdjustmentRequest, string][] = [
      [{ mode: 'addSpare', quantity: 1, unit: 'kg' }, '/body/unit'],
      [{ mode: 'addSpare', quantity: 1, unit: 'cup' }, '/body/unit'],
      [{ mode: 'addSpare', quantity: -1, unit: 'ml' }, '/body/quantity'],
      [{ mode: 'setLevel', quantity: 101, unit: '%' }, '/body/quantity'],
      [{ mode: 'setLevel', quantity: 3001, unit: 'ml' }, '/body/quantity'],
      [{ mode: 'addSpare', quantity: 0, unit: 'ml' }, '/body/quantity'],
    ];
    for (const [request, field] of cases) {
      expect(
        fieldOf(() => adjustInventory(request, detergent, ctx, ID)),
        JSON.stringify(request),
      ).toBe(field);
    }
  });

  it('accepts setting a slot empty', () => {
    expect(adjustInventory({ mode: 'setLevel', quantity: 0, unit: 'l' }, detergent, ctx, ID).data.quantity).toBe(0);
  });
});

describe('event ids and digests', () => {
  it('derive the same id from the same Idempotency-Key, and a random one without', () => {
    const keyed = { ...ctx, idempotencyKey: 'k1' };
    expect(commandEventId('adjustment', keyed, 'detergent')).toBe(commandEventId('adjustment', keyed, 'detergent'));
    expect(commandEventId('adjustment', keyed, 'detergent')).not.toBe(commandEventId('adjustment', keyed, 'softener'));
    expect(commandEventId('adjustment', { ...keyed, customerId: 'bob' }, 'detergent')).not.toBe(
      commandEventId('adjustment', keyed, 'detergent'),
    );
    expect(commandEventId('adjustment', ctx, 'detergent')).not.toBe(commandEventId('adjustment', ctx, 'detergent'));
  });

  it('tell a retry from a different request with the same key', () => {
    const a = requestDigest('adjustment', ctx, { quantity: 1 });
    expect(requestDigest('adjustment', ctx, { quantity: 1 })).toBe(a);
    expect(requestDigest('adjustment', ctx, { quantity: 2 })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the other commands', () => {
  it('carry the customer, the days of cover, the authorization code', () => {
    expect(slotPreferencesChanged('detergent', 14, ctx, ID).data).toEqual({
      slotId: 'detergent',
      daysOfCover: 14,
      customerId: 'alice',
    });
    expect(linkDrsAccount({ authorizationCode: 'code', redirectUri: 'app://lwa' }, ctx, ID).data).toEqual({
      customerId: 'alice',
      authorizationCode: 'code',
      redirectUri: 'app://lwa',
    });
    expect(deregisterRequested(ctx, ID)).toMatchObject({ type: 'DeregisterRequested', data: { customerId: 'alice' } });
  });
});
