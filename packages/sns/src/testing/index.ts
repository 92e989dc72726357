/**
 * Test helpers of `@restock/sns`: the committed SNS test vectors and key pair, and a generator of fresh
 * self-signed signing identities for the DRS simulator and tests. Not for production code.
 */
export {
  AWS_SIGNED_DIR,
  AWS_SIGNED_TOPIC_PREFIX,
  AWS_SIGNED_VALID_AT,
  FIXTURE_KEY_PAIR,
  readSnsFixture,
  SNS_FIXTURES_DIR,
  snsFixturePath,
} from './fixtures.js';
export {
  createSelfSignedCertificate,
  createTestSigningIdentity,
  type SelfSignedCertificateOptions,
  TEST_SIGNING_CERT_URL,
  TEST_SNS_HOST,
  type TestSigningIdentity,
  type TestSigningIdentityOptions,
} from './self-signed-certificate.js';
