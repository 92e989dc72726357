import { X509Certificate } from 'node:crypto';

// Exactly one PEM certificate block and nothing else (surrounding white space aside), as the Ruby SDK
// insists: a body with extra content is not what SNS serves, and a bundle would leave it unclear which
// certificate signed.
const SINGLE_PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n(?:[A-Za-z0-9+/=]+\r?\n)+-----END CERTIFICATE-----$/;

/** Outcome of reading a signing certificate: the parsed certificate, or which check failed and why. */
export type SigningCertificateCheck =
  | { ok: true; certificate: X509Certificate }
  | { ok: false; problem: 'invalid' | 'expired'; reason: string };

/**
 * Parses a PEM signing certificate and checks it is usable at `now`: a single well-formed X.509
 * certificate with an RSA public key (SNS signs with RSA), inside its validity dates.
 */
export function checkSigningCertificate(pem: string, now: Date): SigningCertificateCheck {
  if (!SINGLE_PEM_CERTIFICATE.test(pem.trim())) {
    return { ok: false, problem: 'invalid', reason: 'signing certificate is not exactly one PEM certificate' };
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (error) {
    return {
      ok: false,
      problem: 'invalid',
      reason: `signing certificate is not a valid X.509 certificate (${(error as Error).message})`,
    };
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    return {
      ok: false,
      problem: 'invalid',
      reason: `signing certificate has a ${certificate.publicKey.asymmetricKeyType ?? 'unknown'} key, not RSA`,
    };
  }
  // Node 20 exposes the dates only as OpenSSL text ("Sep  7 00:00:00 2021 GMT"), which Date parses.
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    return { ok: false, problem: 'invalid', reason: 'signing certificate validity dates cannot be read' };
  }
  if (now.getTime() < notBefore.getTime()) {
    return {
      ok: false,
      problem: 'expired',
      reason: `signing certificate is not valid before ${notBefore.toISOString()} (now ${now.toISOString()})`,
    };
  }
  if (now.getTime() > notAfter.getTime()) {
    return {
      ok: false,
      problem: 'expired',
      reason: `signing certificate expired at ${notAfter.toISOString()} (now ${now.toISOString()})`,
    };
  }
  return { ok: true, certificate };
}
