/**
 * Where the verifier gets the PEM named by a message's `SigningCertURL`. The verifier has already checked
 * the URL (https, allowed host, `.pem` path) before it asks. Implementations throw an `SnsError` with
 * code `SNS_CERT_UNAVAILABLE` (and `retriable` set when trying again may help) when they cannot deliver.
 */
export interface CertificateSource {
  get(url: URL): Promise<string>;
}
