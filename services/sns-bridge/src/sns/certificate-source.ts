import {
  type CertificateSource,
  cachedCertificateSource,
  directoryCertificateSource,
  httpsCertificateSource,
} from '@restock/sns';

export interface BridgeCertificateSourceOptions {
  /** `https`: download from the SigningCertURL; `directory`: PEM files named by the URL's last path segment. */
  kind: 'https' | 'directory';
  directory?: string | undefined;
  /** How long a certificate is reused. */
  cacheTtlMs: number; // ms
  /** Budget of one download. */
  timeoutMs: number; // ms
  /** Origins the https source may also download from over plain http (the DRS simulator). */
  insecureOrigins: readonly string[];
  clock: () => Date;
  fetch?: typeof fetch;
}

/**
 * Where the bridge gets the certificate a message names, cached by URL either way: SNS reuses one
 * certificate for months, so a download per message would only add latency and a way to fail. The
 * verifier checks the URL against the host rule before it asks.
 */
export function createBridgeCertificateSource(options: BridgeCertificateSourceOptions): CertificateSource {
  const inner =
    options.kind === 'directory'
      ? directoryCertificateSource(requiredDirectory(options.directory))
      : httpsCertificateSource({
          timeoutMs: options.timeoutMs,
          insecureOrigins: options.insecureOrigins,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        });
  return cachedCertificateSource(inner, { clock: options.clock, ttlMs: options.cacheTtlMs });
}

function requiredDirectory(directory: string | undefined): string {
  // The config refuses this combination at start-up; this keeps a programmatic caller honest too.
  if (directory === undefined) throw new Error('a directory certificate source needs a directory');
  return directory;
}
