import { createTestDatabase } from '@restock/postgres/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { interleave, prng, randomHistory } from '../test-support/history.js';
import { applyInBatches, dumpProjection, migrateProjection } from '../test-support/projection.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let schemas = 0;
beforeAll(async () => {
  db = await createTestDatabase();
});

async function freshSchema(): Promise<string> {
  const schema = `p${++schemas}`;
  await migrateProjection(db.url, schema);
  return schema;
}

describe('the inventory projection', () => {
  it('ends in the same rows for any arrival order, duplicates, batch sizes and crashes of the same history', async () => {
    for (const seed of Array.from({ length: Number(process.env.PROPERTY_RUNS ?? 6) }, (_, i) => i + 1)) {
      const rng = prng(seed);
      const history = randomHistory(rng, 4, 50);
      const reference = await freshSchema();
      await applyInBatches(db.pool, reference, interleave(prng(seed * 100), history, 0), prng(seed));
      const expected = await dumpProjection(db.pool, reference);
      expect(expected.slots?.length).toBeGreaterThan(0);
      expect(expected.orders?.length).toBeGreaterThan(0);
      for (const variant of [1, 2, 3]) {
        const other = await freshSchema();
        const order = interleave(prng(seed * 100 + variant), history, 0.15, variant !== 3);
        await applyInBatches(
          db.pool,
          other,
          order,
          prng(seed + variant),
          variant === 2 ? 5 : 0,
          variant === 1 ? 'per-event' : 'batch',
        );
        expect(await dumpProjection(db.pool, other), `seed ${seed} variant ${variant}`).toEqual(expected);
      }
    }
  }, 300_000);
});
