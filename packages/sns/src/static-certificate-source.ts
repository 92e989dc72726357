import type { CertificateSource } from './certificate-source.js';
import { SnsError, SnsErrorCode } from './errors.js';

/**
 * A source that serves fixed PEMs by exact URL (`href`). For tests, and for a bridge wired to the DRS
 * simulator, whose certificate lives in memory rather than on an SNS host.
 */
export function staticCertificateSource(pemByUrl: Readonly<Record<string, string>>): CertificateSource {
  const byUrl = new Map(Object.entries(pemByUrl));
  return {
    async get(url: URL): Promise<string> {
      const pem = byUrl.get(url.href);
      if (pem === undefined) {
        throw new SnsError(SnsErrorCode.SNS_CERT_UNAVAILABLE, `no certificate is known for ${url.href}`, {
          details: { url: url.href },
        });
      }
      return pem;
    },
  };
}
