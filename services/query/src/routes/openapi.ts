import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { HttpApp } from '@restock/http';

/**
 * The OpenAPI document, generated from the route schemas (the same TypeBox values that validate
 * requests and serialize answers), at `/openapi.json`, and a browsable UI at `/docs`. Registered
 * before the routes: the generator collects them as they are added.
 */
export async function registerOpenApi(app: HttpApp, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Restock companion app API',
        version,
        description:
          "Devices, slots, days left, orders and reorder decisions of the customer's connected devices; " +
          'supplies bought elsewhere, days of cover, linking to Amazon Dash Replenishment, and live changes as ' +
          'server-sent events. Every /v1 route needs a bearer JWT whose subject is the customer id. Errors are ' +
          'application/problem+json.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
      tags: [
        { name: 'devices', description: "The customer's devices" },
        { name: 'slots', description: 'One consumable slot of a device' },
        { name: 'drs', description: 'Amazon Dash Replenishment' },
        { name: 'health', description: 'Probes' },
      ],
    },
    // Only the documented API: docs, metrics and the document itself carry no tag.
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
