import type { HttpApp } from '@restock/http';
import type { FastifyReply } from 'fastify';
import {
  checkClient,
  exchangeAuthorizationCode,
  type GrantOutcome,
  refreshAccessToken,
} from '../actions/lwa-grants.js';
import type { SimulatorContext } from '../simulator-context.js';
import { applyApiFaults } from './api-faults.js';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Login with Amazon's token endpoint (DRS-SNS-SPEC 1.1): `POST /auth/o2/token`, form-encoded, the
 * authorization-code and refresh-token grants, answers and errors in LWA's (OAuth 2.0) JSON shapes.
 * Errors here are never problem+json, so the plugin has its own error handler.
 */
export async function lwaRoutes(app: HttpApp, context: SimulatorContext): Promise<void> {
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => {
    done(null, new URLSearchParams(String(body)));
  });

  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      request.log.info({ err: error }, 'token request rejected');
      return sendError(reply, 400, 'invalid_request', (error as Error).message);
    }
    request.log.error({ err: error }, 'token request failed');
    return sendError(reply, 500, 'server_error', 'The server encountered an unexpected error');
  });

  app.addHook('onRequest', async (_request, reply) => {
    const failure = { error: 'server_error', error_description: 'The server encountered an unexpected error' };
    return (await applyApiFaults(context.faults, reply, failure)) ? reply : undefined;
  });

  app.post('/auth/o2/token', async (request, reply) => {
    if (!(request.body instanceof URLSearchParams)) {
      return sendError(reply, 400, 'invalid_request', `The request body must be ${FORM}`);
    }
    const form = request.body;
    for (const key of new Set(form.keys())) {
      if (form.getAll(key).length > 1) {
        return sendError(reply, 400, 'invalid_request', `The parameter ${key} is repeated`);
      }
    }
    const grantType = form.get('grant_type');
    if (grantType === null || grantType === '') {
      return sendError(reply, 400, 'invalid_request', 'The request is missing the parameter grant_type');
    }
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return sendError(reply, 400, 'unsupported_grant_type', `The grant type ${grantType} is not supported`);
    }
    const required =
      grantType === 'authorization_code'
        ? ['code', 'client_id', 'client_secret', 'redirect_uri']
        : ['refresh_token', 'client_id', 'client_secret'];
    const missing = required.filter((key) => (form.get(key) ?? '') === '');
    if (missing.length > 0) {
      return sendError(reply, 400, 'invalid_request', `The request is missing the parameter ${missing.join(', ')}`);
    }
    const client = checkClient(context, form.get('client_id') ?? '', form.get('client_secret') ?? '');
    if (client !== undefined) return sendOutcome(reply, client);
    const outcome =
      grantType === 'authorization_code'
        ? await exchangeAuthorizationCode(context, form.get('code') ?? '', form.get('redirect_uri') ?? '')
        : await refreshAccessToken(context, form.get('refresh_token') ?? '');
    return sendOutcome(reply, outcome);
  });
}

function sendOutcome(reply: FastifyReply, outcome: GrantOutcome): FastifyReply {
  if (!outcome.ok) return sendError(reply, outcome.status, outcome.error, outcome.description);
  return noStore(reply).code(200).type('application/json;charset=UTF-8').send(outcome.tokens);
}

function sendError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return noStore(reply)
    .code(status)
    .type('application/json;charset=UTF-8')
    .send({ error, error_description: description });
}

// RFC 6749 5.1: token responses must not be cached.
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}
