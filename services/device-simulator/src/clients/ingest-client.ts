import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { retryAfterMs } from '../domain/retry-delay.js';
import { fetchFailure } from './fetch-failure.js';

/**
 * The device side of ingest's API (services/ingest/README.md): `POST /v1/devices/{id}/reports` with
 * the device's credential. The wire shapes are written out here because a service never imports
 * another service; they are what the README documents.
 */

/** One report as the device sends it. */
export interface DeviceReport {
  /** The device's own id of the report: a retry sends the same one. */
  eventId: string;
  slotId: string;
  type: 'consumed' | 'level';
  quantity?: number;
  unit?: string;
  percent?: number;
  occurredAt: string;
  /** The device's monotonically increasing counter. */
  sequence: number;
}

const ReportsAccepted = Type.Object({ accepted: Type.Array(Type.String()), duplicates: Type.Array(Type.String()) });
type ReportsAccepted = Static<typeof ReportsAccepted>;
const acceptedCheck = TypeCompiler.Compile(ReportsAccepted);

/** What became of one request. */
export type SendOutcome =
  | { kind: 'accepted'; accepted: string[]; duplicates: string[] }
  /** Nothing was recorded: send the same reports again after `afterMs` (null: the device's own backoff). */
  | { kind: 'retry'; status: number | null; afterMs: number | null; reason: string }
  /** The credential is not (yet) known to ingest: a new device's catalog record may still be on its way. */
  | { kind: 'unauthorized'; reason: string }
  /** The request itself is wrong; sending it again cannot help. */
  | { kind: 'rejected'; status: number; reason: string };

export interface IngestClientOptions {
  baseUrl: string;
  /** Longest wait for an answer, ms; ingest itself answers 503 after its publish deadline (8 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface IngestClient {
  send(deviceId: string, credential: string, reports: readonly DeviceReport[]): Promise<SendOutcome>;
}

/** Statuses after which the same request may succeed later: unavailable, rate-limited, gateway trouble. */
const RETRY_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

async function problemText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { code?: unknown; detail?: unknown };
    return `${response.status} ${String(body.code ?? '')}: ${String(body.detail ?? text)}`.trim();
  } catch {
    return `${response.status}: ${text.slice(0, 200)}`;
  }
}

export function createIngestClient(options: IngestClientOptions): IngestClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const base = options.baseUrl.replace(/\/$/, '');
  return {
    async send(deviceId, credential, reports) {
      let response: Response;
      try {
        response = await doFetch(`${base}/v1/devices/${encodeURIComponent(deviceId)}/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
          body: JSON.stringify({ reports }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        // Refused connection, reset, timeout: whether ingest recorded anything is unknown, and the
        // same event ids make a resend harmless either way.
        return { kind: 'retry', status: null, afterMs: null, reason: fetchFailure(error) };
      }
      if (response.status === 202) {
        const body: unknown = await response.json().catch(() => null);
        if (!acceptedCheck.Check(body)) {
          return { kind: 'retry', status: 202, afterMs: null, reason: 'a 202 without the documented body' };
        }
        const accepted: ReportsAccepted = body;
        return { kind: 'accepted', accepted: accepted.accepted, duplicates: accepted.duplicates };
      }
      const reason = await problemText(response);
      if (RETRY_STATUSES.has(response.status)) {
        return {
          kind: 'retry',
          status: response.status,
          afterMs: retryAfterMs(response.headers.get('retry-after'), now()),
          reason,
        };
      }
      if (response.status === 401) return { kind: 'unauthorized', reason };
      return { kind: 'rejected', status: response.status, reason };
    },
  };
}
