import type { CertificateSource } from './certificate-source.js';
import { SnsError, SnsErrorCode } from './errors.js';

/** Options of `httpsCertificateSource`. */
export interface HttpsCertificateSourceOptions {
  /** The fetch to use; defaults to the global one. Tests inject a fake. */
  fetch?: typeof fetch;
  /** Budget for one download, headers and body together. ms; default 5000. */
  timeoutMs?: number;
  /** Largest body accepted. bytes; default 65536 (a real SNS certificate is about 2 KiB). */
  maxBytes?: number;
  /**
   * Exact origins (`http://127.0.0.1:8090`) it may download from over plain http: the DRS simulator in
   * development. Default none; never set it in production.
   */
  insecureOrigins?: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 5_000; // ms
const DEFAULT_MAX_BYTES = 65_536; // bytes

/**
 * Downloads certificates over https with a time limit and a size limit. Retries once on a 5xx answer or a
 * network failure (as the AWS Java SDK does), never on a 4xx, a redirect or a timeout. Redirects are not
 * followed: the URL was checked against the SNS host rule, and a redirect could lead anywhere. Wrap it in
 * `cachedCertificateSource` so that each certificate is fetched once, not per message.
 */
export function httpsCertificateSource(options: HttpsCertificateSourceOptions = {}): CertificateSource {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const insecureOrigins = options.insecureOrigins ?? [];

  return {
    async get(url: URL): Promise<string> {
      if (url.protocol !== 'https:' && !insecureOrigins.includes(url.origin)) {
        throw unavailable(url, `refusing to download a certificate over ${url.protocol.replace(/:$/, '')}`, false);
      }
      try {
        return await download(fetchImpl, url, timeoutMs, maxBytes);
      } catch (error) {
        if (!(error instanceof SnsError) || !error.retriable || error.details?.['timedOut'] === true) throw error;
        return await download(fetchImpl, url, timeoutMs, maxBytes);
      }
    },
  };
}

async function download(fetchImpl: typeof fetch, url: URL, timeoutMs: number, maxBytes: number): Promise<string> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Racing the whole attempt against the timer bounds it even when a fetch ignores the abort signal.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(unavailable(url, `download timed out after ${timeoutMs} ms`, true, undefined, { timedOut: true }));
    }, timeoutMs);
  });
  try {
    return await Promise.race([attempt(fetchImpl, url, controller.signal, maxBytes), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function attempt(fetchImpl: typeof fetch, url: URL, signal: AbortSignal, maxBytes: number): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl(url.href, { signal, redirect: 'manual' });
  } catch (error) {
    if (signal.aborted) throw error;
    throw unavailable(url, 'download failed', true, error);
  }
  if (response.status >= 500) {
    await response.body?.cancel().catch(() => undefined);
    throw unavailable(url, `server answered ${response.status}`, true);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw unavailable(url, `server answered ${response.status}`, false);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw unavailable(url, `certificate is ${declared} bytes, more than the ${maxBytes} allowed`, false);
  }
  return await readLimited(response, url, maxBytes);
}

async function readLimited(response: Response, url: URL, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw unavailable(url, `certificate is more than the ${maxBytes} bytes allowed`, false);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function unavailable(
  url: URL,
  problem: string,
  retriable: boolean,
  cause?: unknown,
  extra: Record<string, unknown> = {},
): SnsError {
  return new SnsError(SnsErrorCode.SNS_CERT_UNAVAILABLE, `certificate ${url.href}: ${problem}`, {
    retriable,
    cause,
    details: { url: url.href, ...extra },
  });
}
