import { describeError, RestockError } from '@restock/errors';
import { BridgeErrorCode } from '../domain/bridge-error.js';

/** Confirms an SNS subscription by GET of the (verified) SubscribeURL. */
export interface SubscriptionConfirmer {
  /** Resolves with the subscription ARN SNS answered (null if its answer named none). */
  confirm(subscribeUrl: URL): Promise<{ subscriptionArn: string | null }>;
}

export interface SubscriptionConfirmerOptions {
  /** Budget of the whole GET, body included. */
  timeoutMs: number; // ms
  fetch?: typeof fetch;
}

const MAX_ANSWER_BYTES = 65_536; // bytes; SNS answers a few hundred
const SUBSCRIPTION_ARN = /<SubscriptionArn>\s*([^<\s]+)\s*<\/SubscriptionArn>/;

/**
 * GETs a SubscribeURL the verifier has already checked (signed, allowed topic, allowed host), without
 * following redirects: the URL passed the host rule, a redirect target would not have. A network failure,
 * timeout or 5xx is retriable (503: SNS sends the confirmation again); any other answer but 2xx is not
 * (502).
 */
export function createSubscriptionConfirmer(options: SubscriptionConfirmerOptions): SubscriptionConfirmer {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    async confirm(subscribeUrl) {
      let response: Response;
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        response = await fetchImpl(subscribeUrl.href, { method: 'GET', redirect: 'manual', signal });
      } catch (error) {
        throw failed(`GET of the SubscribeURL failed: ${describeError(error)}`, true, error);
      }
      let answer: string;
      try {
        answer = await readLimited(response);
      } catch (error) {
        throw failed(`reading the answer to the SubscribeURL failed: ${describeError(error)}`, true, error);
      }
      if (response.status >= 500) throw failed(`SNS answered the SubscribeURL with ${response.status}`, true);
      if (response.status < 200 || response.status >= 300) {
        throw failed(`SNS answered the SubscribeURL with ${response.status}`, false);
      }
      return { subscriptionArn: SUBSCRIPTION_ARN.exec(answer)?.[1] ?? null };
    },
  };
}

async function readLimited(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // Only the ARN is wanted from the answer; a huge one is cut rather than buffered.
    if (total > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function failed(reason: string, retriable: boolean, cause?: unknown): RestockError {
  return new RestockError(BridgeErrorCode.BRG_CONFIRMATION_FAILED, reason, {
    cause,
    retriable,
    status: retriable ? 503 : 502,
  });
}
