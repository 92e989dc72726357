import type { HttpApp } from '@restock/http';
import type { SnsReceiver } from './sns-receiver.js';

/** SNS posts JSON as text/plain; the signature covers values, so the body must reach the verifier untouched. */
const RAW_BODY_TYPES = ['text/plain', 'application/json'];
// SNS caps a message at 256 KiB; JSON escaping of `Message` inside the envelope can nearly double it.
const BODY_LIMIT = 600 * 1024; // bytes

/**
 * Mounts `POST /sns`, the endpoint an SNS HTTP/HTTPS subscription delivers to. In its own encapsulated
 * scope, text/plain and application/json bodies are kept as the raw string (fastify's JSON parser is
 * replaced there only), and the `x-amz-sns-message-type` header is handed over to be checked against the
 * body's Type. Everything else, refusals included, is the receiver's and the one error handler's.
 */
export async function registerSnsRoute(app: HttpApp, receiver: SnsReceiver): Promise<void> {
  await app.register(async (scope) => {
    scope.removeContentTypeParser(RAW_BODY_TYPES);
    scope.addContentTypeParser(RAW_BODY_TYPES, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
      done(null, body);
    });
    scope.post('/sns', { bodyLimit: BODY_LIMIT }, async (request) => {
      const header = request.headers['x-amz-sns-message-type'];
      const body = typeof request.body === 'string' ? request.body : '';
      return receiver.receive(body, typeof header === 'string' ? header : undefined);
    });
  });
}
