import { DeviceModel } from '@restock/events';
import type { HttpApp } from '@restock/http';
import type { FastifyReply } from 'fastify';
import {
  addSlot,
  certify,
  changeSlot,
  modelNotFound,
  putMarketplace,
  removeMarketplace,
  removeSlot,
  renameModel,
  replaceSlots,
} from '../domain/model-rules.js';
import type { CatalogContext } from './catalog-context.js';
import {
  CreateModelBody,
  ListingBody,
  MarketplaceParams,
  ModelList,
  ModelListQuery,
  ModelParams,
  RenameModelBody,
  ReplaceSlotsBody,
  RevisionHeaders,
  SlotBody,
  SlotParams,
} from './http-schemas.js';
import { expectedRevision, revisionTag } from './if-match.js';
import { changeModel, createModel, deleteModel } from './model-writes.js';

const BASE = '/admin/v1/models';
const ModelAnswer = { 200: DeviceModel };

/**
 * Device models, as the DRS self-service portal defines them. Every write answers the whole model
 * with its revision as ETag; send it back as If-Match to be sure nobody changed the model meanwhile.
 */
export function registerModelRoutes(app: HttpApp, ctx: CatalogContext): void {
  app.post(BASE, { schema: { body: CreateModelBody, response: { 201: DeviceModel } } }, async (request, reply) => {
    const model = await createModel(ctx, request.body);
    reply.header('location', `${BASE}/${model.modelId}`);
    return withRevision(reply, model).code(201).send(model);
  });

  app.get(BASE, { schema: { querystring: ModelListQuery, response: { 200: ModelList } } }, async (request) =>
    ctx.models.listModels(ctx.pool, { limit: request.query.limit, after: request.query.after }),
  );

  app.get(`${BASE}/:modelId`, { schema: { params: ModelParams, response: ModelAnswer } }, async (request, reply) => {
    const model = await ctx.models.findModel(ctx.pool, request.params.modelId);
    if (model === undefined) throw modelNotFound(request.params.modelId);
    return withRevision(reply, model).send(model);
  });

  app.patch(
    `${BASE}/:modelId`,
    { schema: { params: ModelParams, headers: RevisionHeaders, body: RenameModelBody, response: ModelAnswer } },
    async (request, reply) => {
      const model = await changeModel(ctx, request.params.modelId, expectedRevision(request.headers['if-match']), (m) =>
        renameModel(m, request.body.name),
      );
      return withRevision(reply, model).send(model);
    },
  );

  app.put(
    `${BASE}/:modelId/slots`,
    { schema: { params: ModelParams, headers: RevisionHeaders, body: ReplaceSlotsBody, response: ModelAnswer } },
    async (request, reply) => {
      const model = await changeModel(
        ctx,
        request.params.modelId,
        expectedRevision(request.headers['if-match']),
        (m, change) => replaceSlots(m, request.body.slots, change),
      );
      return withRevision(reply, model).send(model);
    },
  );

  app.post(
    `${BASE}/:modelId/slots`,
    { schema: { params: ModelParams, headers: RevisionHeaders, body: SlotBody, response: { 201: DeviceModel } } },
    async (request, reply) => {
      const model = await changeModel(
        ctx,
        request.params.modelId,
        expectedRevision(request.headers['if-match']),
        (m, change) => addSlot(m, request.body, change),
      );
      reply.header('location', `${BASE}/${model.modelId}/slots/${request.body.slotId}`);
      return withRevision(reply, model).code(201).send(model);
    },
  );

  app.put(
    `${BASE}/:modelId/slots/:slotId`,
    { schema: { params: SlotParams, headers: RevisionHeaders, body: SlotBody, response: ModelAnswer } },
    async (request, reply) => {
      const model = await changeModel(
        ctx,
        request.params.modelId,
        expectedRevision(request.headers['if-match']),
        (m, change) => changeSlot(m, request.params.slotId, request.body, change),
      );
      return withRevision(reply, model).send(model);
    },
  );

  app.delete(
    `${BASE}/:modelId/slots/:slotId`,
    { schema: { params: SlotParams, headers: RevisionHeaders, response: ModelAnswer } },
    async (request, reply) => {
      const model = await changeModel(ctx, request.params.modelId, expectedRevision(request.headers['if-match']), (m) =>
        removeSlot(m, request.params.slotId),
      );
      return withRevision(reply, model).send(model);
    },
  );

  app.put(
    `${BASE}/:modelId/marketplaces/:marketplace`,
    {
      schema: {
        params: MarketplaceParams,
        headers: RevisionHeaders,
        body: ListingBody,
        response: { 200: DeviceModel, 201: DeviceModel },
      },
    },
    async (request, reply) => {
      let created = false;
      const model = await changeModel(
        ctx,
        request.params.modelId,
        expectedRevision(request.headers['if-match']),
        (m) => {
          const result = putMarketplace(m, request.params.marketplace, request.body);
          created = result.created;
          return result.model;
        },
      );
      return withRevision(reply, model)
        .code(created ? 201 : 200)
        .send(model);
    },
  );

  app.delete(
    `${BASE}/:modelId/marketplaces/:marketplace`,
    { schema: { params: MarketplaceParams, headers: RevisionHeaders, response: ModelAnswer } },
    async (request, reply) => {
      const { modelId, marketplace } = request.params;
      const model = await changeModel(ctx, modelId, expectedRevision(request.headers['if-match']), async (m, { tx }) =>
        removeMarketplace(m, marketplace, await ctx.models.countDevices(tx, modelId, marketplace)),
      );
      return withRevision(reply, model).send(model);
    },
  );

  app.post(
    `${BASE}/:modelId/certification`,
    { schema: { params: ModelParams, headers: RevisionHeaders, response: ModelAnswer } },
    async (request, reply) => {
      const model = await changeModel(
        ctx,
        request.params.modelId,
        expectedRevision(request.headers['if-match']),
        (m, { now }) => certify(m, now),
      );
      return withRevision(reply, model).send(model);
    },
  );

  app.delete(
    `${BASE}/:modelId`,
    { schema: { params: ModelParams, headers: RevisionHeaders } },
    async (request, reply) => {
      await deleteModel(ctx, request.params.modelId, expectedRevision(request.headers['if-match']));
      return reply.code(204).send();
    },
  );
}

function withRevision(reply: FastifyReply, model: DeviceModel): FastifyReply {
  return reply.header('etag', revisionTag(model.revision));
}
