import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The SNS test vectors copied into this package from `fixtures/sns/` (see `fixtures/README.md` for what
 * each file is and where it comes from), so that the package's tests stand on their own.
 */
export const SNS_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Real AWS-signed Notifications and their real signing certificates (directory-source layout). */
export const AWS_SIGNED_DIR = join(SNS_FIXTURES_DIR, 'aws-signed');

/** A moment inside the validity of the certificate that signed every `aws-signed/` message (2021-09-07..2022-08-17). */
export const AWS_SIGNED_VALID_AT = new Date('2022-07-29T00:00:00Z');

/** The topic of the 2022 `http-*` and `lambda-*` vectors is per file; all are in this account and region. */
export const AWS_SIGNED_TOPIC_PREFIX = 'arn:aws:sns:us-east-2:295079676684:publish-and-verify-';

/** Absolute path of a fixture file, e.g. `snsFixturePath('test-keypair', 'valid_signature.json')`. */
export function snsFixturePath(...segments: string[]): string {
  return join(SNS_FIXTURES_DIR, ...segments);
}

/** Reads a JSON fixture as an object. */
export function readSnsFixture(...segments: string[]): Record<string, unknown> {
  return JSON.parse(readFileSync(snsFixturePath(...segments), 'utf8')) as Record<string, unknown>;
}

/**
 * The committed self-signed test key pair (bobf/action_mailbox_amazon_ingress, MIT; `CN=Ruby certificate`),
 * which signed the `test-keypair/` messages. Its certificate is valid only 2024-05-15..2025-05-15: verify
 * with a clock at `validAt`, or use `createTestSigningIdentity` for a certificate valid now.
 */
export const FIXTURE_KEY_PAIR = {
  certificatePem: readFileSync(snsFixturePath('test-keypair', 'certificate.pem'), 'utf8'),
  privateKeyPem: readFileSync(snsFixturePath('test-keypair', 'privatekey.pem'), 'utf8'),
  /** The `SigningCertURL` the `test-keypair/` messages claim; serve `certificatePem` at it. */
  signingCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-a86cb10b4e1f29c941702d737128f7b6.pem',
  validAt: new Date('2024-11-15T00:00:00Z'),
} as const;
