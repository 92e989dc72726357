import { describe, expect, it } from 'vitest';
import { httpsCertificateSource } from './https-certificate-source.js';

const url = new URL('https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem');
const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

/** A fetch that answers from a script of responses and records what it was asked. */
function scriptedFetch(...answers: Array<() => Response | Promise<Response>>) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fake = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    const next = answers[calls.length - 1];
    if (next === undefined) throw new Error('unexpected extra fetch');
    return await next();
  }) as typeof fetch;
  return { fetch: fake, calls };
}

describe('httpsCertificateSource', () => {
  it('downloads the certificate without following redirects', async () => {
    const { fetch, calls } = scriptedFetch(() => new Response(pem));
    expect(await httpsCertificateSource({ fetch }).get(url)).toBe(pem);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(url.href);
    expect(calls[0]?.init?.redirect).toBe('manual');
  });

  it('retries once on a 5xx answer', async () => {
    const { fetch, calls } = scriptedFetch(
      () => new Response('busy', { status: 503 }),
      () => new Response(pem),
    );
    expect(await httpsCertificateSource({ fetch }).get(url)).toBe(pem);
    expect(calls).toHaveLength(2);
  });

  it('gives up after the second 5xx with a retriable error', async () => {
    const { fetch, calls } = scriptedFetch(
      () => new Response('busy', { status: 500 }),
      () => new Response('still busy', { status: 502 }),
    );
    await expect(httpsCertificateSource({ fetch }).get(url)).rejects.toMatchObject({
      code: 'SNS_CERT_UNAVAILABLE',
      retriable: true,
      message: expect.stringContaining('502'),
    });
    expect(calls).toHaveLength(2);
  });

  it('retries once on a network failure', async () => {
    const { fetch, calls } = scriptedFetch(
      () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
      },
      () => new Response(pem),
    );
    expect(await httpsCertificateSource({ fetch }).get(url)).toBe(pem);
    expect(calls).toHaveLength(2);
  });

  it.each([404, 403, 301])('does not retry a %i answer', async (status) => {
    const { fetch, calls } = scriptedFetch(() => new Response(null, { status }));
    await expect(httpsCertificateSource({ fetch }).get(url)).rejects.toMatchObject({
      code: 'SNS_CERT_UNAVAILABLE',
      retriable: false,
    });
    expect(calls).toHaveLength(1);
  });

  it('times out a download that never answers, aborts it, and does not retry', async () => {
    let signal: AbortSignal | undefined;
    const { fetch, calls } = scriptedFetch(
      () =>
        new Promise<Response>(() => {
          signal = calls[0]?.init?.signal ?? undefined;
        }),
    );
    await expect(httpsCertificateSource({ fetch, timeoutMs: 20 }).get(url)).rejects.toMatchObject({
      code: 'SNS_CERT_UNAVAILABLE',
      retriable: true,
      message: expect.stringContaining('timed out after 20 ms'),
    });
    expect(signal?.aborted).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('times out a body that stalls after the headers', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('-----BEGIN'));
      },
    });
    const { fetch } = scriptedFetch(() => new Response(stalled));
    await expect(httpsCertificateSource({ fetch, timeoutMs: 20 }).get(url)).rejects.toMatchObject({
      message: expect.stringContaining('timed out'),
    });
  });

  it('refuses a body larger than maxBytes while streaming', async () => {
    const big = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const { fetch } = scriptedFetch(() => new Response(big));
    await expect(httpsCertificateSource({ fetch, maxBytes: 4096 }).get(url)).rejects.toMatchObject({
      code: 'SNS_CERT_UNAVAILABLE',
      retriable: false,
      message: expect.stringContaining('4096 bytes'),
    });
  });

  it('refuses a declared Content-Length larger than maxBytes without reading the body', async () => {
    const { fetch } = scriptedFetch(() => new Response(pem, { headers: { 'content-length': '999999' } }));
    await expect(httpsCertificateSource({ fetch, maxBytes: 4096 }).get(url)).rejects.toMatchObject({
      message: expect.stringContaining('999999 bytes'),
    });
  });

  it('refuses to download over http', async () => {
    const { fetch, calls } = scriptedFetch();
    await expect(
      httpsCertificateSource({ fetch }).get(new URL('http://sns.us-east-1.amazonaws.com/a.pem')),
    ).rejects.toMatchObject({ code: 'SNS_CERT_UNAVAILABLE', retriable: false });
    expect(calls).toHaveLength(0);
  });
});

describe('httpsCertificateSource with insecure origins', () => {
  const devUrl = new URL('http://127.0.0.1:8090/sns/SimpleNotificationService-0123abcd.pem');

  it('downloads over http from an origin listed exactly', async () => {
    const { fetch, calls } = scriptedFetch(() => new Response(pem));
    expect(await httpsCertificateSource({ fetch, insecureOrigins: ['http://127.0.0.1:8090'] }).get(devUrl)).toBe(pem);
    expect(calls[0]?.url).toBe(devUrl.href);
  });

  it('refuses http from any other origin without asking the network', async () => {
    const { fetch, calls } = scriptedFetch();
    await expect(
      httpsCertificateSource({ fetch, insecureOrigins: ['http://127.0.0.1:9999'] }).get(devUrl),
    ).rejects.toMatchObject({ code: 'SNS_CERT_UNAVAILABLE', retriable: false });
    expect(calls).toHaveLength(0);
  });
});
