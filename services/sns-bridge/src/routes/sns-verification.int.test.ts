import { randomUUID } from 'node:crypto';
import type { SnsMessage, SnsSubscriptionConfirmation, UnsignedSnsMessage } from '@restock/sns';
import { type CapturedLogs, captureLogs } from '@restock/telemetry/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_LIKE_CERT_URL,
  type BridgeHarness,
  createBridgeHarness,
  SUBSCRIPTION_ARN,
  TEST_TOPIC_ARN,
} from '../test-support/bridge-harness.js';

let bridge: BridgeHarness;
let logs: CapturedLogs;

beforeAll(async () => {
  logs = captureLogs();
  // The test certificate is served for ANY URL here, so that every refusal below is the URL rule's, the
  // signature's or the topic's, never a missing certificate's. The host rule is the production one.
  bridge = await createBridgeHarness({
    certificateSource: (identity) => ({ get: async () => identity.certificatePem }),
    logs,
  });
});

/** Sizes of every topic the bridge writes, to prove a refusal published nothing anywhere. */
async function written(): Promise<number[]> {
  return Promise.all(['orders.v1', 'subscriptions.v1', 'sns.dlq'].map((t) => bridge.topicSize(bridge.topics[t]!)));
}

function unsignedNotification(fields: Partial<UnsignedSnsMessage> = {}): UnsignedSnsMessage {
  return {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: TEST_TOPIC_ARN,
    Subject: 'DRS',
    Message: 'not a DRS notification',
    Timestamp: new Date().toISOString(),
    ...fields,
  } as UnsignedSnsMessage;
}

function confirmation(
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation',
  fields: { SubscribeURL?: string; TopicArn?: string; Token?: string } = {},
): UnsignedSnsMessage {
  const token = fields.Token ?? `2336412f37${randomUUID().replace(/-/g, '')}`;
  const topicArn = fields.TopicArn ?? TEST_TOPIC_ARN;
  return {
    Type: type,
    MessageId: randomUUID(),
    Token: token,
    TopicArn: topicArn,
    Message:
      type === 'SubscriptionConfirmation'
        ? `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
        : `You have chosen to deactivate subscription ${topicArn}:${randomUUID()}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: fields.SubscribeURL ?? bridge.sns.subscribeUrl(token, topicArn),
    Timestamp: new Date().toISOString(),
  };
}

describe('POST /sns refuses what it cannot trust', () => {
  it('accepts a correctly signed notification on an allowed SNS host, the control for the refusals below', async () => {
    const answer = await bridge.post(bridge.sign(unsignedNotification(), { signingCertUrl: AWS_LIKE_CERT_URL }));
    expect(answer).toMatchObject({ status: 200, body: { outcome: 'dead-lettered', code: 'DRS_NOT_JSON' } });
  });

  it('refuses a notification whose signature is not the signature of its fields, and publishes nothing', async () => {
    const before = await written();
    const signed = bridge.sign(unsignedNotification());
    const other = bridge.sign(unsignedNotification());
    const answer = await bridge.post({ ...signed, Signature: other.Signature });
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_BAD_SIGNATURE' } });
    expect(answer.contentType).toContain('application/problem+json');
    expect(String(answer.body['detail'])).toContain('Signature does not match');
    expect(await written()).toEqual(before);
  });

  it.each([
    ['Message', 'a different message'],
    ['MessageId', '00000000-0000-4000-8000-000000000000'],
    ['Subject', 'another subject'],
    ['Timestamp', '2030-01-01T00:00:00.000Z'],
    ['TopicArn', 'arn:aws:sns:us-east-1:000000000000:restock-drs-other'],
  ])('refuses a notification whose signed field %s was altered after signing', async (field, value) => {
    const before = await written();
    const signed = bridge.sign(unsignedNotification());
    const answer = await bridge.post({ ...signed, [field]: value });
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_BAD_SIGNATURE' } });
    expect(await written()).toEqual(before);
  });

  it('refuses SignatureVersion 3, which SNS does not define', async () => {
    const before = await written();
    const signed = bridge.sign(unsignedNotification(), { signatureVersion: '2' });
    const answer = await bridge.post({ ...signed, SignatureVersion: '3' });
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_BAD_SIGNATURE_VERSION' } });
    expect(await written()).toEqual(before);
  });

  it.each([
    ['on http', 'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem', 'https'],
    [
      'on another host',
      'https://certs.evil.example/SimpleNotificationService-0123456789abcdef.pem',
      'not an allowed SNS host',
    ],
    [
      'on an S3 host of amazonaws.com',
      'https://s3.amazonaws.com/bucket/SimpleNotificationService-0.pem',
      'not an allowed SNS host',
    ],
    [
      'with user info',
      'https://user:pw@sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem',
      'user info',
    ],
    ['with a port', 'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0123456789abcdef.pem', 'port'],
    [
      'on a look-alike host',
      'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-0123456789abcdef.pem',
      'not an allowed SNS host',
    ],
    [
      'on a local http origin that is not the trusted one',
      'http://127.0.0.1:1/SimpleNotificationService-0.pem',
      'https',
    ],
    [
      'not ending in .pem',
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.txt',
      '.pem',
    ],
  ])('refuses a correctly signed notification whose SigningCertURL is %s', async (_case, url, problem) => {
    const before = await written();
    const answer = await bridge.post(bridge.sign(unsignedNotification(), { signingCertUrl: url }));
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_BAD_CERT_URL' } });
    expect(String(answer.body['detail'])).toContain(problem);
    expect(await written()).toEqual(before);
  });

  it('refuses a genuinely signed notification from a topic that is not allowed', async () => {
    const before = await written();
    const answer = await bridge.post(
      bridge.sign(unsignedNotification({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:someone-elses-topic' })),
    );
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_TOPIC_NOT_ALLOWED' } });
    expect(String(answer.body['detail'])).toContain('someone-elses-topic');
    expect(await written()).toEqual(before);
  });

  it('refuses a message whose x-amz-sns-message-type header disagrees with its Type, or is missing', async () => {
    const signed = bridge.sign(unsignedNotification());
    const mismatch = await bridge.post(signed, { 'x-amz-sns-message-type': 'SubscriptionConfirmation' });
    expect(mismatch).toMatchObject({ status: 400, body: { code: 'SNS_TYPE_MISMATCH' } });
    const missing = await bridge.post(JSON.stringify(signed));
    expect(missing).toMatchObject({ status: 400, body: { code: 'BRG_TYPE_HEADER_MISSING' } });
  });

  it('refuses a body that is not an SNS message', async () => {
    const answer = await bridge.post('{"hello": ', { 'x-amz-sns-message-type': 'Notification' });
    expect(answer).toMatchObject({ status: 400, body: { code: 'SNS_MALFORMED' } });
  });

  it('counts every refusal', async () => {
    expect(await bridge.counter('sns_bridge.messages', { outcome: 'refused' })).toBeGreaterThanOrEqual(17);
  });
});

describe('subscription confirmations', () => {
  it('confirms a subscription by GET of its SubscribeURL when signature, topic and host are right, and records it', async () => {
    const fields = confirmation('SubscriptionConfirmation') as SnsSubscriptionConfirmation;
    const seen = bridge.sns.confirmations.length;
    const answer = await bridge.post(bridge.sign(fields));
    expect(answer).toMatchObject({ status: 200, body: { outcome: 'confirmed', subscriptionArn: SUBSCRIPTION_ARN } });
    expect(bridge.sns.confirmations.slice(seen)).toEqual([
      new URL(fields.SubscribeURL).pathname + new URL(fields.SubscribeURL).search,
    ]);
    const { rows } = await bridge.db.pool.query(
      `SELECT topic_arn, subscription_arn FROM ${bridge.schema}.subscription_confirmations WHERE message_id = $1`,
      [fields.MessageId],
    );
    expect(rows).toEqual([{ topic_arn: TEST_TOPIC_ARN, subscription_arn: SUBSCRIPTION_ARN }]);
  });

  it.each([
    ['on another host', 'https://evil.example/?Action=ConfirmSubscription&Token=abc', 'SNS_BAD_SUBSCRIBE_URL'],
    [
      'on a look-alike host',
      'https://sns.us-east-1.amazonaws.com.evil.example/?Action=ConfirmSubscription&Token=abc',
      'SNS_BAD_SUBSCRIBE_URL',
    ],
    ['on http', 'http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc', 'SNS_BAD_SUBSCRIBE_URL'],
  ])(
    'refuses a signed SubscriptionConfirmation whose SubscribeURL is %s and never GETs it',
    async (_case, url, code) => {
      const seen = bridge.sns.confirmations.length;
      const answer = await bridge.post(bridge.sign(confirmation('SubscriptionConfirmation', { SubscribeURL: url })));
      expect(answer).toMatchObject({ status: 403, body: { code } });
      expect(bridge.sns.confirmations.length).toBe(seen);
    },
  );

  it('refuses to confirm a subscription to a topic that is not allowed', async () => {
    const seen = bridge.sns.confirmations.length;
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:someone-elses-topic';
    const answer = await bridge.post(bridge.sign(confirmation('SubscriptionConfirmation', { TopicArn: topicArn })));
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_TOPIC_NOT_ALLOWED' } });
    expect(bridge.sns.confirmations.length).toBe(seen);
  });

  it('refuses a SubscriptionConfirmation whose Token or SubscribeURL was altered after signing', async () => {
    const seen = bridge.sns.confirmations.length;
    const signed = bridge.sign(confirmation('SubscriptionConfirmation')) as SnsSubscriptionConfirmation;
    const token = await bridge.post({ ...signed, Token: `${signed.Token}0` });
    expect(token).toMatchObject({ status: 403, body: { code: 'SNS_BAD_SIGNATURE' } });
    const url = await bridge.post({ ...signed, SubscribeURL: `${signed.SubscribeURL}&x=1` });
    expect(url).toMatchObject({ status: 403, body: { code: 'SNS_BAD_SIGNATURE' } });
    expect(bridge.sns.confirmations.length).toBe(seen);
  });

  it('answers 502 when SNS refuses the confirmation, so that it is not taken as confirmed', async () => {
    const answer = await bridge.post(bridge.sign(confirmation('SubscriptionConfirmation', { Token: 'expired-token' })));
    expect(answer).toMatchObject({ status: 502, body: { code: 'BRG_CONFIRMATION_FAILED' } });
  });

  it('records a verified UnsubscribeConfirmation and raises an alert that notifications will stop', async () => {
    const fields = confirmation('UnsubscribeConfirmation');
    const seen = bridge.sns.confirmations.length;
    const answer = await bridge.post(bridge.sign(fields, { signatureVersion: '2' }));
    expect(answer).toMatchObject({ status: 200, body: { outcome: 'unsubscribe-recorded' } });
    const { rows } = await bridge.db.pool.query(
      `SELECT topic_arn, token FROM ${bridge.schema}.unsubscribe_confirmations WHERE message_id = $1`,
      [fields.MessageId],
    );
    expect(rows).toEqual([{ topic_arn: TEST_TOPIC_ARN, token: (fields as { Token: string }).Token }]);
    const alert = logs
      .lines()
      .find((line) => line['alert'] === 'sns-unsubscribed' && line['messageId'] === fields.MessageId);
    expect(alert).toMatchObject({ level: 'error', topicArn: TEST_TOPIC_ARN });
    expect(JSON.stringify(alert)).not.toContain((fields as { Token: string }).Token);
    // Re-subscribing is an operator's decision: the bridge does not GET the SubscribeURL of an unsubscribe.
    expect(bridge.sns.confirmations.length).toBe(seen);
  });

  it('refuses an UnsubscribeConfirmation whose Token was altered, since the Token is signed', async () => {
    const signed = bridge.sign(confirmation('UnsubscribeConfirmation')) as SnsMessage & { Token: string };
    const answer = await bridge.post({ ...signed, Token: 'forged' });
    expect(answer).toMatchObject({ status: 403, body: { code: 'SNS_BAD_SIGNATURE' } });
  });
});
