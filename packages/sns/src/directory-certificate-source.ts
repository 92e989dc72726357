import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { CertificateSource } from './certificate-source.js';
import { SnsError, SnsErrorCode } from './errors.js';

// Real SNS names its certificates `SimpleNotificationService-<hex>.pem`; anything outside this plain
// alphabet (slashes, percent escapes, a leading dot) could walk out of the directory, so it is refused.
const SAFE_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*\.pem$/;

/**
 * Serves certificates from a local directory: the file named by the URL path's last segment (e.g.
 * `SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem`), whatever the host. For tests, air-gapped
 * deployments with pinned certificates, and the simulator. Refuses names that could leave the directory.
 */
export function directoryCertificateSource(directory: string): CertificateSource {
  const root = resolve(directory);
  return {
    async get(url: URL): Promise<string> {
      const segments = url.pathname.split('/');
      const name = segments[segments.length - 1] ?? '';
      if (!SAFE_FILE_NAME.test(name)) {
        throw new SnsError(
          SnsErrorCode.SNS_CERT_UNAVAILABLE,
          `certificate file name ${JSON.stringify(name)} from ${url.href} is not a plain .pem file name`,
          { details: { url: url.href } },
        );
      }
      const path = resolve(root, name);
      // Belt and braces: the name pattern already forbids separators, but the check below is what matters.
      if (!path.startsWith(root + sep)) {
        throw new SnsError(SnsErrorCode.SNS_CERT_UNAVAILABLE, `certificate path for ${url.href} leaves ${root}`, {
          details: { url: url.href },
        });
      }
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw new SnsError(
          SnsErrorCode.SNS_CERT_UNAVAILABLE,
          code === 'ENOENT'
            ? `certificate ${name} for ${url.href} is not in ${root}`
            : `certificate ${name} for ${url.href} could not be read`,
          { cause: error, details: { url: url.href } },
        );
      }
    },
  };
}
