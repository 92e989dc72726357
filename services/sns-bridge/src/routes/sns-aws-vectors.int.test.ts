import { AWS_SIGNED_DIR, AWS_SIGNED_VALID_AT, readSnsFixture } from '@restock/sns/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBridgeCertificateSource } from '../sns/certificate-source.js';
import { type BridgeHarness, createBridgeHarness } from '../test-support/bridge-harness.js';

const ALLOWED_VECTOR = 'http-notification-sigv2-subject.json';
const ALLOWED_TOPIC = String(readSnsFixture('aws-signed', ALLOWED_VECTOR)['TopicArn']);

let bridge: BridgeHarness;
/** The certificates of these vectors expired in 2022: the bridge's clock is set inside their validity. */
let now = AWS_SIGNED_VALID_AT;

beforeAll(async () => {
  bridge = await createBridgeHarness({
    allowedTopicArns: [ALLOWED_TOPIC],
    clock: () => now,
    // Air-gapped, as a deployment without outbound https would be: PEM files named by their URL path.
    certificateSource: () =>
      createBridgeCertificateSource({
        kind: 'directory',
        directory: AWS_SIGNED_DIR,
        cacheTtlMs: 0,
        timeoutMs: 1_000,
        insecureOrigins: [],
        clock: () => now,
      }),
  });
});

describe('real AWS-signed notifications', () => {
  it.each([
    'http-notification-sigv1-nosubject.json',
    'http-notification-sigv1-subject.json',
    'http-notification-sigv2-nosubject.json',
  ])('passes verification of %s but refuses it for its topic, which is not a DRS topic we allow', async (file) => {
    const answer = await bridge.post(readSnsFixture('aws-signed', file));
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_TOPIC_NOT_ALLOWED' } });
  });

  it('accepts a real AWS-signed notification once its topic is allowed, and dead-letters its non-DRS message', async () => {
    const answer = await bridge.post(readSnsFixture('aws-signed', ALLOWED_VECTOR));
    expect(answer).toMatchObject({ status: 200, body: { outcome: 'dead-lettered', code: 'DRS_NOT_JSON' } });
  });

  it('refuses the real AWS-signed notification once a signed field is altered', async () => {
    const vector = readSnsFixture('aws-signed', ALLOWED_VECTOR);
    const answer = await bridge.post({ ...vector, Subject: 'Hello world!' });
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_BAD_SIGNATURE' } });
  });

  it('refuses the real AWS-signed notification after its certificate expired', async () => {
    now = new Date('2026-11-22T00:00:00Z');
    try {
      const answer = await bridge.post(readSnsFixture('aws-signed', 'http-notification-sigv1-subject.json'));
      expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_CERT_EXPIRED' } });
    } finally {
      now = AWS_SIGNED_VALID_AT;
    }
  });

  it('refuses the 2018 DRS envelopes as sent, since their certificate is nowhere to be had', async () => {
    const answer = await bridge.post(
      readSnsFixture('drs-payloads-aws-signed-cert-missing', 'orderPlacedNotification.json'),
    );
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_CERT_UNAVAILABLE' } });
    expect(String(answer.body['detail'])).toContain('SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem');
  });
});
