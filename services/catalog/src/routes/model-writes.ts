import type { DeviceModel } from '@restock/events';
import { type Tx, withTransaction } from '@restock/postgres';
import { CatalogError, CatalogErrorCode } from '../domain/catalog-error.js';
import { modelDefined, modelDeleted } from '../domain/catalog-events.js';
import {
  assertDeletable,
  assertRevision,
  defineNewModel,
  type ModelChangeContext,
  modelNotFound,
  type NewModel,
} from '../domain/model-rules.js';
import { type CatalogContext, stampOf } from './catalog-context.js';

/**
 * The one way a model changes: lock its row, check the revision the caller read, let the domain
 * decide the next model, then write the row and its DeviceModelDefined (the whole model) to the
 * outbox in the same transaction. A refused change writes nothing.
 */
export async function changeModel(
  ctx: CatalogContext,
  modelId: string,
  expected: number | undefined,
  decide: (model: DeviceModel, change: ModelChangeContext & { tx: Tx }) => DeviceModel | Promise<DeviceModel>,
): Promise<DeviceModel> {
  return withTransaction(ctx.pool, async (tx) => {
    const stored = await ctx.models.lockModel(tx, modelId);
    if (stored === undefined || stored.deleted) throw modelNotFound(modelId);
    assertRevision(stored.model, expected);
    const now = ctx.clock();
    const next = await decide(stored.model, { tx, now, newReplenishmentId: ctx.newReplenishmentId });
    await ctx.models.saveModel(tx, next, now);
    await ctx.outbox.write(tx, [modelDefined(next, stampOf(ctx, now))]);
    return next;
  });
}

/** Creates a model; its id may be that of a deleted model, whose revisions it then continues. */
export async function createModel(ctx: CatalogContext, input: NewModel): Promise<DeviceModel> {
  return withTransaction(ctx.pool, async (tx) => {
    const now = ctx.clock();
    const stored = await ctx.models.lockModel(tx, input.modelId);
    if (stored !== undefined && !stored.deleted) throw modelExists(input.modelId);
    const model = defineNewModel(input, stored?.model.revision ?? 0, {
      now,
      newReplenishmentId: ctx.newReplenishmentId,
    });
    if (stored === undefined) {
      // Two operators creating the same id at once: the second insert finds the first's row.
      if (!(await ctx.models.insertModel(tx, model, now))) throw modelExists(input.modelId);
    } else {
      await ctx.models.saveModel(tx, model, now, { revive: true });
    }
    await ctx.outbox.write(tx, [modelDefined(model, stampOf(ctx, now))]);
    return model;
  });
}

/** Deletes a model that is neither certified nor in use, and publishes DeviceModelDeleted. */
export async function deleteModel(ctx: CatalogContext, modelId: string, expected: number | undefined): Promise<void> {
  await withTransaction(ctx.pool, async (tx) => {
    const stored = await ctx.models.lockModel(tx, modelId);
    if (stored === undefined || stored.deleted) throw modelNotFound(modelId);
    assertRevision(stored.model, expected);
    assertDeletable(stored.model, await ctx.models.countDevices(tx, modelId));
    const now = ctx.clock();
    await ctx.models.markDeleted(tx, modelId, stored.model.revision + 1, now);
    await ctx.outbox.write(tx, [modelDeleted(modelId, stampOf(ctx, now))]);
  });
}

function modelExists(modelId: string): CatalogError {
  return new CatalogError(CatalogErrorCode.CAT_MODEL_EXISTS, 409, `device model ${modelId} already exists`, {
    field: '/body/modelId',
  });
}
