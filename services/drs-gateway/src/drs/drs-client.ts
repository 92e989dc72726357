import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describeError, RestockError } from '@restock/errors';
import type { Pool } from '@restock/postgres';
import { injectTraceHeaders } from '@restock/telemetry';
import { DRS_VERSION_HEADERS, type DrsOperation, isInvalidToken } from '../domain/drs-api.js';
import { gatewayInstruments } from '../metrics.js';
import type { GatewayStore } from '../store/gateway-store.js';
import { GatewayErrorCode, type HttpAnswer, type HttpClient } from './http-client.js';
import type { TokenCipher } from './token-cipher.js';

export interface DrsClientOptions {
  http: HttpClient;
  pool: Pool;
  store: GatewayStore;
  cipher: TokenCipher;
  drsBaseUrl: string;
  lwaTokenUrl: string;
  lwaClientId: string;
  lwaClientSecret: string;
  /** ms before an access token's expiry at which it is refreshed instead of used. */
  refreshAheadMs: number;
  clock: () => Date;
}

interface LwaTokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
}

const FORM = 'application/x-www-form-urlencoded';

function lwaTokens(json: unknown): LwaTokens | null {
  const t = json as Partial<LwaTokens> | null;
  if (typeof t?.access_token !== 'string' || typeof t.expires_in !== 'number') return null;
  return t as LwaTokens;
}

/** LWA's error code, never its token fields: safe to log and to publish. */
function lwaError(answer: HttpAnswer): string {
  const e = answer.json as { error?: unknown; error_description?: unknown } | null;
  return `LWA answered ${answer.status}: ${String(e?.error ?? 'error')} ${String(e?.error_description ?? '')}`.trim();
}

/**
 * DRS and LWA on behalf of one device at a time. Tokens are decrypted only for the request that needs
 * them and never leave this module: not in a log line, an error message or an outcome.
 */
export function createDrsClient(options: DrsClientOptions) {
  const { store, cipher, pool } = options;
  const refreshing = new Map<string, Promise<string>>();
  const drsHost = new URL(options.drsBaseUrl).host;

  async function saveTokens(deviceId: string, tokens: LwaTokens, previousRefresh: string | null): Promise<void> {
    const now = options.clock();
    const refresh = tokens.refresh_token ?? previousRefresh;
    if (refresh === null) throw new RestockError(GatewayErrorCode.GW_REJECTED, 'LWA returned no refresh token');
    await store.saveTokens(pool, deviceId, {
      accessToken: cipher.encrypt(tokens.access_token, `${deviceId}:access`),
      refreshToken: cipher.encrypt(refresh, `${deviceId}:refresh`),
      accessExpiresAt: new Date(now.getTime() + tokens.expires_in * 1000),
      at: now,
    });
  }

  async function postToken(form: Record<string, string>): Promise<HttpAnswer> {
    return options.http.send({
      method: 'POST',
      url: options.lwaTokenUrl,
      headers: { 'content-type': FORM, accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Refreshes the device's access token (once at a time per device in this process). */
  function refresh(deviceId: string): Promise<string> {
    const running = refreshing.get(deviceId);
    if (running) return running;
    const job = (async () => {
      const stored = await store.tokens(pool, deviceId);
      if (!stored) throw new RestockError(GatewayErrorCode.GW_NOT_LINKED, `device ${deviceId} has no DRS tokens`);
      const refreshToken = cipher.decrypt(stored.refreshToken, `${deviceId}:refresh`);
      const answer = await postToken({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: options.lwaClientId,
        client_secret: options.lwaClientSecret,
      });
      const tokens = answer.status === 200 ? lwaTokens(answer.json) : null;
      if (!tokens) {
        if ((answer.json as { error?: unknown } | null)?.error === 'invalid_grant') {
          // The refresh token was revoked (deregistration): the device is no longer linked.
          await store.deleteTokens(pool, deviceId);
          throw new RestockError(GatewayErrorCode.GW_NOT_LINKED, `device ${deviceId}: ${lwaError(answer)}`);
        }
        throw new RestockError(GatewayErrorCode.GW_REJECTED, `refreshing the token failed: ${lwaError(answer)}`, {
          details: { httpStatus: answer.status },
        });
      }
      await saveTokens(deviceId, tokens, refreshToken);
      return tokens.access_token;
    })();
    refreshing.set(deviceId, job);
    return job.finally(() => refreshing.delete(deviceId));
  }

  /** A usable access token: the stored one, or a fresh one when it expires within `refreshAheadMs`. */
  async function accessToken(deviceId: string): Promise<string> {
    const stored = await store.tokens(pool, deviceId);
    if (!stored) throw new RestockError(GatewayErrorCode.GW_NOT_LINKED, `device ${deviceId} has no DRS tokens`);
    if (stored.accessExpiresAt.getTime() - options.clock().getTime() <= options.refreshAheadMs)
      return refresh(deviceId);
    return cipher.decrypt(stored.accessToken, `${deviceId}:access`);
  }

  return {
    /** Exchanges a Login with Amazon authorization code and stores the tokens. */
    async exchangeCode(deviceId: string, code: string, redirectUri: string): Promise<HttpAnswer> {
      const answer = await postToken({
        grant_type: 'authorization_code',
        code,
        client_id: options.lwaClientId,
        client_secret: options.lwaClientSecret,
        redirect_uri: redirectUri,
      });
      const tokens = answer.status === 200 ? lwaTokens(answer.json) : null;
      if (!tokens) {
        throw new RestockError(GatewayErrorCode.GW_REJECTED, `exchanging the code failed: ${lwaError(answer)}`, {
          details: { httpStatus: answer.status },
        });
      }
      await saveTokens(deviceId, tokens, null);
      // Only the status goes back: the body holds the tokens.
      return { status: answer.status, json: null, text: '' };
    },

    /**
     * One DRS call with the device's token, refreshed before expiry and, on DRS's "Invalid token",
     * refreshed and tried once more (as DRS's public clients do).
     */
    async call(
      deviceId: string,
      operation: DrsOperation,
      method: 'GET' | 'POST' | 'DELETE',
      path: string,
      body?: unknown,
    ): Promise<HttpAnswer> {
      const send = (token: string) =>
        options.http.send({
          method,
          url: `${options.drsBaseUrl}${path}`,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...DRS_VERSION_HEADERS[operation],
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            // The client span's traceparent: DRS (the simulator here) can continue the trace.
            ...injectTraceHeaders({}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      // One span and one count per request DRS answered (or did not): the retries inside `send` are one call.
      const counted = async (token: string): Promise<HttpAnswer> => {
        const span = trace.getTracer('@restock/drs-gateway').startSpan(`DRS ${operation}`, {
          kind: SpanKind.CLIENT,
          attributes: { 'http.request.method': method, 'drs.operation': operation, 'server.address': drsHost },
        });
        let status = 'error';
        try {
          const answer = await context.with(trace.setSpan(context.active(), span), () => send(token));
          status = String(answer.status);
          span.setAttribute('http.response.status_code', answer.status);
          if (answer.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          return answer;
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
          throw error;
        } finally {
          span.end();
          gatewayInstruments().calls.add(1, { operation, status });
        }
      };
      const answer = await counted(await accessToken(deviceId));
      if (!isInvalidToken(answer.status, answer.json)) return answer;
      return counted(await refresh(deviceId));
    },
  };
}

export type DrsClient = ReturnType<typeof createDrsClient>;
