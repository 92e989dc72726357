import { createHash } from 'node:crypto';
import { DeviceModel } from '@restock/events';
import type { HttpApp } from '@restock/http';
import { CatalogError, CatalogErrorCode } from '../domain/catalog-error.js';
import { acceptDeviceImage, MAX_IMAGE_BYTES } from '../domain/image-sniffing.js';
import { modelNotFound, replaceImage } from '../domain/model-rules.js';
import type { CatalogContext } from './catalog-context.js';
import { ModelParams, RevisionHeaders } from './http-schemas.js';
import { expectedRevision, revisionTag } from './if-match.js';
import { changeModel } from './model-writes.js';

/**
 * The device image: raw bytes in, raw bytes out. Register in its own encapsulated scope: it replaces
 * the JSON parser with one that takes any body as bytes, because an image is judged by its magic
 * bytes, never by the Content-Type or file name the client claims.
 */
export function registerModelImageRoutes(app: HttpApp, ctx: CatalogContext): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES }, (_request, body, done) => {
    done(null, body);
  });

  app.put(
    '/admin/v1/models/:modelId/image',
    {
      bodyLimit: MAX_IMAGE_BYTES,
      schema: { params: ModelParams, headers: RevisionHeaders, response: { 200: DeviceModel } },
    },
    async (request, reply) => {
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const accepted = acceptDeviceImage(bytes);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const model = await changeModel(
        ctx,
        request.params.modelId,
        expectedRevision(request.headers['if-match']),
        async (m, { tx }) => {
          const next = replaceImage(m, { contentType: accepted.contentType, sha256, bytes: accepted.bytes });
          await ctx.models.saveImage(tx, m.modelId, { contentType: accepted.contentType, sha256, data: bytes });
          return next;
        },
      );
      reply.header('etag', revisionTag(model.revision));
      return model;
    },
  );

  app.get('/admin/v1/models/:modelId/image', { schema: { params: ModelParams } }, async (request, reply) => {
    const { modelId } = request.params;
    const image = await ctx.models.findImage(ctx.pool, modelId);
    if (image === undefined) {
      if ((await ctx.models.findModel(ctx.pool, modelId)) === undefined) throw modelNotFound(modelId);
      throw new CatalogError(CatalogErrorCode.CAT_IMAGE_NOT_FOUND, 404, `model ${modelId} has no device image`);
    }
    return reply
      .type(image.contentType)
      .header('etag', `"${image.sha256}"`)
      .header('x-content-type-options', 'nosniff')
      .send(image.data);
  });
}
