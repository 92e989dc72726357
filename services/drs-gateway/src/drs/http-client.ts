import { RestockError } from '@restock/errors';
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  wrap,
} from 'cockatiel';

export const GatewayErrorCode = {
  /** DRS or LWA answered with an error that repeating will not change (400, 404, 401). */
  GW_REJECTED: 'GW_REJECTED',
  /** 5xx, 429, a timeout or a network failure, still failing after the retries. */
  GW_UNAVAILABLE: 'GW_UNAVAILABLE',
  /** The host's circuit breaker is open: no request was sent. */
  GW_CIRCUIT_OPEN: 'GW_CIRCUIT_OPEN',
  /** The device has no DRS tokens (not linked yet, or deregistered). */
  GW_NOT_LINKED: 'GW_NOT_LINKED',
  /** Something the call needs is not known yet (the device's model or serial). */
  GW_NOT_READY: 'GW_NOT_READY',
} as const;

/** One HTTP answer, body read. */
export interface HttpAnswer {
  status: number;
  /** Parsed JSON, or null when the body is empty or not JSON. */
  json: unknown;
  text: string;
}

/** An answer that may change on a retry: 5xx, 429, a timeout, a network failure. */
export class TransientHttpError extends Error {
  readonly answer: HttpAnswer | null;
  readonly host: string;
  constructor(message: string, host: string, answer: HttpAnswer | null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TransientHttpError';
    this.host = host;
    this.answer = answer;
  }
}

export interface HttpClientOptions {
  /** ms one request may take before it counts as a timeout. */
  requestTimeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** ms before the first retry; each later one waits about twice as long, with decorrelated jitter. */
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Consecutive failed attempts to a host that open its breaker... */
  breakerThreshold: number;
  /** ...and ms before a half-open probe. */
  breakerHalfOpenAfterMs: number;
  /** Told of each retry and breaker change (logs and metrics); never given a request's headers or body. */
  events?: {
    retried(info: { host: string; reason: string; delayMs: number }): void;
    breaker(info: { host: string; state: 'open' | 'half-open' | 'closed' }): void;
  };
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * HTTP for DRS and LWA: every attempt bounded by a timeout; 5xx, 429, timeouts and network failures
 * retried with exponential backoff and decorrelated jitter (cockatiel's default generator, after the
 * AWS architecture blog's "Exponential Backoff and Jitter"); and a circuit breaker per host, so a DRS
 * outage turns calls into quick deferrals instead of minutes of retries each. Any other answer is
 * returned to the caller, who knows what it means for its operation.
 */
export function createHttpClient(options: HttpClientOptions) {
  const breakers = new Map<string, CircuitBreakerPolicy>();
  const retryPolicy = retry(
    handleWhen((error) => error instanceof TransientHttpError),
    {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({
        initialDelay: options.retryInitialDelayMs,
        maxDelay: options.retryMaxDelayMs,
      }),
    },
  );

  retryPolicy.onRetry((event) => {
    const reason = 'error' in event ? event.error.message : 'unexpected result';
    const host = 'error' in event && event.error instanceof TransientHttpError ? event.error.host : 'unknown';
    options.events?.retried({ host, reason, delayMs: Math.round(event.delay) });
  });

  function breakerOf(host: string): CircuitBreakerPolicy {
    let breaker = breakers.get(host);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((error) => error instanceof TransientHttpError),
        {
          halfOpenAfter: options.breakerHalfOpenAfterMs,
          breaker: new ConsecutiveBreaker(options.breakerThreshold),
        },
      );
      breaker.onBreak(() => options.events?.breaker({ host, state: 'open' }));
      breaker.onHalfOpen(() => options.events?.breaker({ host, state: 'half-open' }));
      breaker.onReset(() => options.events?.breaker({ host, state: 'closed' }));
      breakers.set(host, breaker);
    }
    return breaker;
  }

  async function attempt(request: HttpRequest): Promise<HttpAnswer> {
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(options.requestTimeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      const name = (error as Error).name;
      const what = name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : 'failed';
      throw new TransientHttpError(
        `${request.method} ${new URL(request.url).pathname} ${what}`,
        new URL(request.url).host,
        null,
        error,
      );
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text.trim() === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    const answer = { status: response.status, json, text };
    if (response.status >= 500 || response.status === 429) {
      throw new TransientHttpError(
        `${request.method} ${new URL(request.url).pathname} answered ${response.status}`,
        new URL(request.url).host,
        answer,
      );
    }
    return answer;
  }

  return {
    /**
     * Sends a request with retries under the host's breaker. Resolves with any non-transient answer;
     * rejects with GW_CIRCUIT_OPEN (nothing sent) or GW_UNAVAILABLE (retries exhausted, with the last
     * answer in `details.answer`).
     */
    async send(request: HttpRequest): Promise<HttpAnswer> {
      const policy: IPolicy = wrap(retryPolicy, breakerOf(new URL(request.url).host));
      try {
        return await policy.execute(() => attempt(request));
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new RestockError(GatewayErrorCode.GW_CIRCUIT_OPEN, `circuit open for ${new URL(request.url).host}`, {
            cause: error,
            retriable: true,
          });
        }
        if (error instanceof TransientHttpError) {
          throw new RestockError(GatewayErrorCode.GW_UNAVAILABLE, error.message, {
            cause: error,
            retriable: true,
            details: { answer: error.answer },
          });
        }
        throw error;
      }
    },
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
