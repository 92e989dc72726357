import { describe, expect, it } from 'vitest';
import { directoryCertificateSource } from './directory-certificate-source.js';
import { AWS_SIGNED_DIR } from './testing/index.js';

const source = directoryCertificateSource(AWS_SIGNED_DIR);
const name = 'SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem';

describe('directoryCertificateSource', () => {
  it('serves the file named by the last path segment, whatever the host', async () => {
    const pem = await source.get(new URL(`https://sns.us-east-2.amazonaws.com/${name}`));
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(await source.get(new URL(`https://sns.restock.test/certs/${name}`))).toBe(pem);
  });

  it.each([
    'https://sns.us-east-2.amazonaws.com/..%2F..%2Fetc%2Fpasswd.pem',
    'https://sns.us-east-2.amazonaws.com/%2e%2e.pem',
    'https://sns.us-east-2.amazonaws.com/.hidden.pem',
    'https://sns.us-east-2.amazonaws.com/a%00b.pem',
    'https://sns.us-east-2.amazonaws.com/',
  ])('refuses a name that could leave the directory: %s', async (url) => {
    await expect(source.get(new URL(url))).rejects.toMatchObject({
      code: 'SNS_CERT_UNAVAILABLE',
      retriable: false,
      message: expect.stringContaining('not a plain .pem file name'),
    });
  });

  it('reports a missing file as unavailable and not retriable', async () => {
    await expect(
      source.get(new URL('https://sns.us-east-2.amazonaws.com/SimpleNotificationService-missing.pem')),
    ).rejects.toMatchObject({
      code: 'SNS_CERT_UNAVAILABLE',
      retriable: false,
      message: expect.stringContaining('is not in'),
    });
  });
});
