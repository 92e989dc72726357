import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CertificateSource } from './certificate-source.js';
import { directoryCertificateSource } from './directory-certificate-source.js';
import { SnsError, SnsErrorCode } from './errors.js';
import { signSnsMessage, type UnsignedSnsMessage } from './sign-sns-message.js';
import { staticCertificateSource } from './static-certificate-source.js';
import { SIGNED_KEYS } from './string-to-sign.js';
import {
  AWS_SIGNED_DIR,
  AWS_SIGNED_TOPIC_PREFIX,
  AWS_SIGNED_VALID_AT,
  createSelfSignedCertificate,
  createTestSigningIdentity,
  FIXTURE_KEY_PAIR,
  readSnsFixture,
  TEST_SIGNING_CERT_URL,
  TEST_SNS_HOST,
} from './testing/index.js';
import { type VerifySnsMessageOptions, verifySnsMessage } from './verify-sns-message.js';

const awsVectors = readdirSync(AWS_SIGNED_DIR).filter((name) => name.endsWith('.json'));
const awsCertUrl = 'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem';

function awsOptions(overrides: Partial<VerifySnsMessageOptions> = {}): VerifySnsMessageOptions {
  return {
    certificateSource: directoryCertificateSource(AWS_SIGNED_DIR),
    allowedTopicArns: (arn) => arn.startsWith(AWS_SIGNED_TOPIC_PREFIX),
    clock: () => AWS_SIGNED_VALID_AT,
    ...overrides,
  };
}

function fixtureKeyPairOptions(overrides: Partial<VerifySnsMessageOptions> = {}): VerifySnsMessageOptions {
  return {
    certificateSource: staticCertificateSource({ [FIXTURE_KEY_PAIR.signingCertUrl]: FIXTURE_KEY_PAIR.certificatePem }),
    allowedTopicArns: () => true,
    clock: () => FIXTURE_KEY_PAIR.validAt,
    ...overrides,
  };
}

// One identity for the whole file: generating RSA keys costs tens of milliseconds.
const now = new Date('2026-11-22T12:00:00Z');
const identity = createTestSigningIdentity({ now });
const drsTopic = 'arn:aws:sns:us-east-1:300797413096:TestNotifV2ForVendors';

function identityOptions(overrides: Partial<VerifySnsMessageOptions> = {}): VerifySnsMessageOptions {
  return {
    certificateSource: staticCertificateSource({ [identity.signingCertUrl]: identity.certificatePem }),
    allowedTopicArns: [drsTopic],
    certificateHost: [TEST_SNS_HOST],
    clock: () => now,
    ...overrides,
  };
}

function confirmation(type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'): UnsignedSnsMessage {
  return {
    Type: type,
    MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
    Token:
      '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
    TopicArn: drsTopic,
    Message:
      type === 'SubscriptionConfirmation'
        ? `You have chosen to subscribe to the topic ${drsTopic}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
        : `You have chosen to deactivate subscription ${drsTopic}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: `https://${TEST_SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${drsTopic}&Token=2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736`,
    Timestamp: '2026-11-22T11:59:58.000Z',
  };
}

function notification(): UnsignedSnsMessage {
  return {
    Type: 'Notification',
    MessageId: 'da41e39f-ea4d-435a-b922-c6aae3915ebe',
    TopicArn: drsTopic,
    Subject: 'DRS notification',
    Message: '{"notificationInfo":{"notificationType":"DeviceRegisteredNotification"}}',
    Timestamp: '2026-11-22T11:59:59.000Z',
    UnsubscribeURL: `https://${TEST_SNS_HOST}/?Action=Unsubscribe&SubscriptionArn=${drsTopic}:1`,
  };
}

function sign(fields: UnsignedSnsMessage, signatureVersion: '1' | '2' = '2'): Record<string, unknown> {
  return signSnsMessage(fields, {
    privateKeyPem: identity.privateKeyPem,
    signatureVersion,
    signingCertUrl: identity.signingCertUrl,
  }) as unknown as Record<string, unknown>;
}

describe('verifySnsMessage with real AWS-signed vectors', () => {
  it.each(awsVectors)('accepts %s with the certificate served from a directory', async (name) => {
    const result = await verifySnsMessage(readSnsFixture('aws-signed', name), awsOptions());
    expect(result).toMatchObject({ ok: true, message: { Type: 'Notification', SigningCertURL: awsCertUrl } });
  });

  it('accepts the raw JSON text exactly as SNS posts it', async () => {
    const raw = JSON.stringify(readSnsFixture('aws-signed', 'http-notification-sigv2-subject.json'));
    expect((await verifySnsMessage(raw, awsOptions())).ok).toBe(true);
    expect((await verifySnsMessage(Buffer.from(raw, 'utf8'), awsOptions())).ok).toBe(true);
  });

  it('returns the Lambda shape in canonical field names and drops a null Subject', async () => {
    const result = await verifySnsMessage(
      readSnsFixture('aws-signed', 'lambda-notification-sigv1-subject-null.json'),
      awsOptions(),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.message.SigningCertURL).toBe(awsCertUrl);
    expect(result.message).not.toHaveProperty('Subject');
    expect(result.message).not.toHaveProperty('SigningCertUrl');
    expect(result.message.Type === 'Notification' && result.message.UnsubscribeURL).toMatch(/Action=Unsubscribe/);
  });

  for (const name of awsVectors) {
    const vector = readSnsFixture('aws-signed', name);
    const signedFields = SIGNED_KEYS.Notification.filter((key) => typeof vector[key] === 'string');
    it.each(signedFields)(`refuses ${name} once its signed field %s is altered`, async (field) => {
      const altered = { ...vector, [field]: `${vector[field] as string}x` };
      const result = await verifySnsMessage(altered, awsOptions({ allowedTopicArns: () => true }));
      // An altered Type is no longer one of the three, which is caught before the signature.
      expect(result).toMatchObject({ ok: false, code: field === 'Type' ? 'SNS_MALFORMED' : 'SNS_BAD_SIGNATURE' });
    });
  }

  it('refuses a vector whose Subject was added after signing', async () => {
    const vector = readSnsFixture('aws-signed', 'http-notification-sigv1-nosubject.json');
    const result = await verifySnsMessage({ ...vector, Subject: 'injected' }, awsOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it('refuses a vector whose Subject was removed after signing', async () => {
    const { Subject: _removed, ...vector } = readSnsFixture('aws-signed', 'http-notification-sigv2-subject.json');
    const result = await verifySnsMessage(vector, awsOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it('refuses a SigV1 signature presented as SigV2', async () => {
    const vector = readSnsFixture('aws-signed', 'http-notification-sigv1-subject.json');
    const result = await verifySnsMessage({ ...vector, SignatureVersion: '2' }, awsOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it('does not rely on the unsigned UnsubscribeURL or MessageAttributes', async () => {
    const vector = readSnsFixture('aws-signed', 'http-notification-sigv2-nosubject.json');
    const result = await verifySnsMessage(
      {
        ...vector,
        UnsubscribeURL: 'https://evil.example/',
        MessageAttributes: { v: { Type: 'String', Value: '2.0' } },
      },
      awsOptions(),
    );
    expect(result.ok).toBe(true);
  });

  it('refuses a message verified against another real SNS certificate', async () => {
    const otherCertUrl =
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-56e67fcb41f6fec09b0196692625d385.pem';
    const other = readSnsFixture('aws-signed', 'http-notification-sigv1-subject.json');
    const result = await verifySnsMessage(other, {
      ...awsOptions(),
      // The us-east-1 certificate of 2022-2023 is genuine too, but did not sign this message.
      certificateSource: { get: () => directoryCertificateSource(AWS_SIGNED_DIR).get(new URL(otherCertUrl)) },
      clock: () => new Date('2022-08-01T00:00:00Z'),
    });
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });
});

describe('verifySnsMessage signature versions', () => {
  it('refuses SignatureVersion 3 before fetching any certificate', async () => {
    let fetched = false;
    const source: CertificateSource = {
      get: async () => {
        fetched = true;
        return '';
      },
    };
    const vector = readSnsFixture('aws-signed', 'http-notification-sigv2-subject.json');
    const result = await verifySnsMessage(
      { ...vector, SignatureVersion: '3' },
      awsOptions({ certificateSource: source }),
    );
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE_VERSION' });
    expect(result.ok === false && result.reason).toContain('SignatureVersion');
    expect(fetched).toBe(false);
  });

  it('refuses a numeric SignatureVersion', async () => {
    const vector = readSnsFixture('aws-signed', 'http-notification-sigv1-subject.json');
    const result = await verifySnsMessage({ ...vector, SignatureVersion: 1 }, awsOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_MALFORMED' });
    expect(result.ok === false && result.reason).toContain('SignatureVersion');
  });
});

describe('verifySnsMessage SigningCertURL rule', () => {
  const vector = readSnsFixture('aws-signed', 'http-notification-sigv1-subject.json');
  const cases: Array<[string, string]> = [
    ['plain http', 'http://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem'],
    ['another host', 'https://evil.example/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem'],
    ['an S3 host under amazonaws.com', 'https://s3.amazonaws.com/bucket/SimpleNotificationService-1.pem'],
    [
      'user info',
      'https://user:pass@sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    ],
    [
      'a port',
      'https://sns.us-east-2.amazonaws.com:8443/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    ],
    [
      'an explicit default port',
      'https://sns.us-east-2.amazonaws.com:443/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    ],
    [
      'a query',
      'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem?x=1',
    ],
    [
      'a fragment',
      'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem#x',
    ],
    ['a path not ending .pem', 'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff53.pem.txt'],
    [
      'a look-alike host with a suffix',
      'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    ],
    [
      'a look-alike host with a prefix',
      'https://evilsns.us-east-1.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    ],
    [
      'the SNS host as user info before another host',
      'https://sns.us-east-1.amazonaws.com@evil.example/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    ],
    ['a host without region', 'https://sns.amazonaws.com/SimpleNotificationService-1.pem'],
    ['not a URL', 'sns.us-east-2.amazonaws.com/SimpleNotificationService-1.pem'],
  ];

  it.each(cases)('refuses a SigningCertURL with %s', async (_label, url) => {
    const result = await verifySnsMessage({ ...vector, SigningCertURL: url }, awsOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_CERT_URL' });
    expect(result.ok === false && result.reason).toContain('SigningCertURL');
  });

  it('refuses a Lambda SigningCertUrl that differs from SigningCertURL', async () => {
    const result = await verifySnsMessage(
      { ...vector, SigningCertUrl: 'https://evil.example/x.pem' },
      awsOptions({ allowedTopicArns: () => true }),
    );
    expect(result).toMatchObject({ ok: false, code: 'SNS_MALFORMED' });
  });

  it('accepts its own host when the host rule is an allow-list', async () => {
    const result = await verifySnsMessage(sign(notification()), identityOptions());
    expect(result.ok).toBe(true);
  });

  it('refuses the real SNS host when the allow-list names only another host', async () => {
    const result = await verifySnsMessage(vector, awsOptions({ certificateHost: ['sns.us-east-1.amazonaws.com'] }));
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_CERT_URL' });
  });

  it('accepts a custom host pattern', async () => {
    const result = await verifySnsMessage(vector, awsOptions({ certificateHost: /^sns\.us-east-2\.amazonaws\.com$/g }));
    expect(result.ok).toBe(true);
    const again = await verifySnsMessage(vector, awsOptions({ certificateHost: /^sns\.us-east-2\.amazonaws\.com$/g }));
    expect(again.ok).toBe(true);
  });
});

describe('verifySnsMessage topic allow-list', () => {
  it('refuses a genuinely signed message from a topic that is not allowed, with its own code', async () => {
    const vector = readSnsFixture('aws-signed', 'http-notification-sigv2-subject.json');
    const result = await verifySnsMessage(vector, awsOptions({ allowedTopicArns: [drsTopic] }));
    expect(result).toMatchObject({ ok: false, code: 'SNS_TOPIC_NOT_ALLOWED', retriable: false });
    expect(result.ok === false && result.reason).toContain(vector['TopicArn'] as string);
  });

  it('checks the signature before the topic, so a forged message on a foreign topic is a bad signature', async () => {
    const vector = readSnsFixture('aws-signed', 'http-notification-sigv2-subject.json');
    const result = await verifySnsMessage({ ...vector, Message: 'forged' }, awsOptions({ allowedTopicArns: [] }));
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it('refuses an unrecognised topic of the fixture key pair and accepts the recognised one', async () => {
    const allowed = ['arn:aws:sns:eu-west-1:111111111111:recognized-topic'];
    const recognised = await verifySnsMessage(
      readSnsFixture('test-keypair', 'recognized_topic_subscription_request.json'),
      fixtureKeyPairOptions({ allowedTopicArns: allowed }),
    );
    const unrecognised = await verifySnsMessage(
      readSnsFixture('test-keypair', 'unrecognized_topic_subscription_request.json'),
      fixtureKeyPairOptions({ allowedTopicArns: allowed }),
    );
    expect(recognised.ok).toBe(true);
    expect(unrecognised).toMatchObject({ ok: false, code: 'SNS_TOPIC_NOT_ALLOWED' });
  });
});

describe('verifySnsMessage certificate checks', () => {
  const vector = readSnsFixture('aws-signed', 'http-notification-sigv1-nosubject.json');

  it('refuses a real message once its certificate has expired', async () => {
    const result = await verifySnsMessage(vector, awsOptions({ clock: () => new Date('2022-08-18T00:00:00Z') }));
    expect(result).toMatchObject({ ok: false, code: 'SNS_CERT_EXPIRED' });
    expect(result.ok === false && result.reason).toContain('2022-08-17T23:59:59.000Z');
  });

  it('refuses a real message before its certificate is valid', async () => {
    const result = await verifySnsMessage(vector, awsOptions({ clock: () => new Date('2021-09-06T00:00:00Z') }));
    expect(result).toMatchObject({ ok: false, code: 'SNS_CERT_EXPIRED' });
  });

  it('refuses the committed test key pair at the real current date, since its certificate expired in 2025', async () => {
    const result = await verifySnsMessage(
      readSnsFixture('test-keypair', 'valid_signature.json'),
      fixtureKeyPairOptions({ clock: () => now }),
    );
    expect(result).toMatchObject({ ok: false, code: 'SNS_CERT_EXPIRED' });
  });

  it('refuses a body that is not a PEM certificate', async () => {
    const result = await verifySnsMessage(
      vector,
      awsOptions({ certificateSource: { get: async () => '<html>not found</html>' } }),
    );
    expect(result).toMatchObject({ ok: false, code: 'SNS_CERT_INVALID' });
  });

  it('refuses a certificate followed by extra content', async () => {
    const pem = await directoryCertificateSource(AWS_SIGNED_DIR).get(new URL(awsCertUrl));
    const result = await verifySnsMessage(
      vector,
      awsOptions({ certificateSource: { get: async () => `${pem}${FIXTURE_KEY_PAIR.certificatePem}` } }),
    );
    expect(result).toMatchObject({ ok: false, code: 'SNS_CERT_INVALID' });
  });

  it('refuses a PEM block whose content is not a certificate', async () => {
    const garbage = `-----BEGIN CERTIFICATE-----\n${Buffer.from('not a certificate').toString('base64')}\n-----END CERTIFICATE-----\n`;
    const result = await verifySnsMessage(vector, awsOptions({ certificateSource: { get: async () => garbage } }));
    expect(result).toMatchObject({ ok: false, code: 'SNS_CERT_INVALID' });
  });

  it('reports an unavailable certificate as retriable when the source says so', async () => {
    const source: CertificateSource = {
      get: async () => {
        throw new SnsError(SnsErrorCode.SNS_CERT_UNAVAILABLE, 'server answered 503', { retriable: true });
      },
    };
    const result = await verifySnsMessage(vector, awsOptions({ certificateSource: source }));
    expect(result).toMatchObject({ ok: false, code: 'SNS_CERT_UNAVAILABLE', retriable: true });
    expect(result.ok === false && result.reason).toContain('server answered 503');
  });

  it('reports a certificate missing from the directory as unavailable and not retriable', async () => {
    const drs = readSnsFixture('drs-payloads-aws-signed-cert-missing', 'orderPlacedNotification.json');
    const result = await verifySnsMessage(
      drs,
      awsOptions({ allowedTopicArns: ['arn:aws:sns:us-east-2:989023162453:sampletopic'], clock: () => new Date() }),
    );
    expect(result).toMatchObject({ ok: false, code: 'SNS_CERT_UNAVAILABLE', retriable: false });
  });

  it('accepts a certificate generated at test time while it is valid and refuses it after', async () => {
    const message = sign(notification());
    expect((await verifySnsMessage(message, identityOptions())).ok).toBe(true);
    const later = new Date(now.getTime() + 366 * 86_400_000);
    expect(await verifySnsMessage(message, identityOptions({ clock: () => later }))).toMatchObject({
      ok: false,
      code: 'SNS_CERT_EXPIRED',
    });
  });

  it('refuses a message signed by a key other than the certificate one', async () => {
    const other = createTestSigningIdentity({ now });
    const message = signSnsMessage(notification(), {
      privateKeyPem: other.privateKeyPem,
      signatureVersion: '1',
      signingCertUrl: TEST_SIGNING_CERT_URL,
    });
    expect(await verifySnsMessage(message, identityOptions())).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it('accepts a certificate made for the committed private key with dates around now', async () => {
    const certificatePem = createSelfSignedCertificate({
      privateKey: FIXTURE_KEY_PAIR.privateKeyPem,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
    const result = await verifySnsMessage(
      readSnsFixture('test-keypair', 'valid_signature.json'),
      fixtureKeyPairOptions({
        certificateSource: staticCertificateSource({ [FIXTURE_KEY_PAIR.signingCertUrl]: certificatePem }),
        clock: () => now,
      }),
    );
    expect(result.ok).toBe(true);
  });
});

describe('verifySnsMessage message type and shape', () => {
  const vector = readSnsFixture('aws-signed', 'http-notification-sigv1-subject.json');

  it('refuses a body whose Type differs from the x-amz-sns-message-type header', async () => {
    const result = await verifySnsMessage(vector, awsOptions({ expectedMessageType: 'SubscriptionConfirmation' }));
    expect(result).toMatchObject({ ok: false, code: 'SNS_TYPE_MISMATCH' });
  });

  it('accepts a body whose Type equals the header', async () => {
    const result = await verifySnsMessage(vector, awsOptions({ expectedMessageType: 'Notification' }));
    expect(result.ok).toBe(true);
  });

  it('refuses a body that is not JSON', async () => {
    expect(await verifySnsMessage('{"Type": "Notification"', awsOptions())).toMatchObject({
      ok: false,
      code: 'SNS_MALFORMED',
      reason: 'body is not JSON',
    });
  });

  it('refuses a JSON array body', async () => {
    expect(await verifySnsMessage('[]', awsOptions())).toMatchObject({ ok: false, code: 'SNS_MALFORMED' });
  });

  it('refuses a body that is not UTF-8', async () => {
    expect(await verifySnsMessage(new Uint8Array([0x7b, 0xff, 0x7d]), awsOptions())).toMatchObject({
      ok: false,
      code: 'SNS_MALFORMED',
    });
  });

  it('refuses an unknown Type', async () => {
    const result = await verifySnsMessage({ ...vector, Type: 'Notice' }, awsOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_MALFORMED' });
    expect(result.ok === false && result.reason).toContain('Type');
  });

  it.each(['MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL'])(
    'refuses a Notification without %s, naming it',
    async (field) => {
      const { [field]: _removed, ...rest } = vector;
      const result = await verifySnsMessage(rest, awsOptions());
      expect(result).toMatchObject({ ok: false, code: 'SNS_MALFORMED', reason: `${field} is missing` });
    },
  );

  it('refuses a Message that is not a string, naming it', async () => {
    const result = await verifySnsMessage({ ...vector, Message: { a: 1 } }, awsOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_MALFORMED', reason: 'Message must be a string, got object' });
  });

  it('refuses a Signature that is not base64', async () => {
    const result = await verifySnsMessage({ ...vector, Signature: 'not base64!' }, awsOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it.each(['Token', 'SubscribeURL'])('refuses a confirmation without %s', async (field) => {
    const { [field]: _removed, ...rest } = sign(confirmation('SubscriptionConfirmation'));
    expect(await verifySnsMessage(rest, identityOptions())).toMatchObject({
      ok: false,
      code: 'SNS_MALFORMED',
      reason: `${field} is missing`,
    });
  });
});

describe('verifySnsMessage subscription and unsubscribe confirmations', () => {
  it.each(['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const)(
    'accepts a %s signed with SigV1 and SigV2',
    async (type) => {
      for (const version of ['1', '2'] as const) {
        const result = await verifySnsMessage(sign(confirmation(type), version), identityOptions());
        expect(result).toMatchObject({ ok: true, message: { Type: type } });
      }
    },
  );

  it.each(['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const)(
    'refuses a %s once any signed field is altered',
    async (type) => {
      const message = sign(confirmation(type));
      for (const field of SIGNED_KEYS[type].filter((key) => key !== 'Type' && key !== 'SubscribeURL')) {
        const result = await verifySnsMessage(
          { ...message, [field]: `${message[field] as string}0` },
          identityOptions(),
        );
        expect(result, field).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
      }
      const otherUrl = `${message['SubscribeURL'] as string}0`;
      expect(await verifySnsMessage({ ...message, SubscribeURL: otherUrl }, identityOptions())).toMatchObject({
        ok: false,
        code: 'SNS_BAD_SIGNATURE',
      });
    },
  );

  it('refuses an UnsubscribeConfirmation whose Token was altered (sns-validator 0.3.5 checked it without Token)', async () => {
    const message = sign(confirmation('UnsubscribeConfirmation'));
    const result = await verifySnsMessage({ ...message, Token: 'attacker-token' }, identityOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it('refuses a SubscriptionConfirmation relabelled as an UnsubscribeConfirmation', async () => {
    const message = sign(confirmation('SubscriptionConfirmation'));
    const result = await verifySnsMessage({ ...message, Type: 'UnsubscribeConfirmation' }, identityOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it.each([
    ['plain http', 'http://sns.restock.test/?Action=ConfirmSubscription'],
    ['another host', 'https://evil.example/?Action=ConfirmSubscription'],
    ['a look-alike host', 'https://sns.restock.test.evil.example/?Action=ConfirmSubscription'],
    ['user info', 'https://sns.restock.test@evil.example/?Action=ConfirmSubscription'],
    ['a port', 'https://sns.restock.test:8443/?Action=ConfirmSubscription'],
  ])('refuses a SubscribeURL with %s before fetching the certificate', async (_label, url) => {
    const message = sign({ ...confirmation('SubscriptionConfirmation'), SubscribeURL: url } as UnsignedSnsMessage);
    const result = await verifySnsMessage(message, identityOptions());
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SUBSCRIBE_URL' });
    expect(result.ok === false && result.reason).toContain('SubscribeURL');
  });

  it('accepts a Lambda-shaped SubscribeUrl', async () => {
    const { SubscribeURL, ...rest } = sign(confirmation('SubscriptionConfirmation'));
    const result = await verifySnsMessage({ ...rest, SubscribeUrl: SubscribeURL }, identityOptions());
    expect(result).toMatchObject({ ok: true, message: { SubscribeURL } });
  });
});

describe('verifySnsMessage with the committed test key pair (bobf fixtures)', () => {
  it.each([
    'valid_signature.json',
    'recognized_topic_subscription_request.json',
    'unrecognized_topic_subscription_request.json',
    'inbound_email.json',
    'inbound_email_s3.json',
  ])('accepts %s, as its README says', async (name) => {
    expect((await verifySnsMessage(readSnsFixture('test-keypair', name), fixtureKeyPairOptions())).ok).toBe(true);
  });

  it('refuses invalid_signature.json, as its README says', async () => {
    const result = await verifySnsMessage(
      readSnsFixture('test-keypair', 'invalid_signature.json'),
      fixtureKeyPairOptions(),
    );
    expect(result).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });

  it('accepts a message with escapes in Message, verifying over the decoded text', async () => {
    const vector = readSnsFixture('test-keypair', 'inbound_email.json');
    expect(vector['Message']).toContain('"notificationType":"Received"');
    expect((await verifySnsMessage(vector, fixtureKeyPairOptions())).ok).toBe(true);
  });
});

describe('signSnsMessage and verifySnsMessage round trip', () => {
  it.each(['1', '2'] as const)('verifies a Notification signed with SignatureVersion %s', async (version) => {
    const message = sign(notification(), version);
    expect(message['SignatureVersion']).toBe(version);
    const result = await verifySnsMessage(JSON.stringify(message), identityOptions());
    expect(result).toEqual({ ok: true, message });
  });

  it('verifies a Notification without Subject and with non-ASCII text', async () => {
    const { Subject: _none, ...fields } = notification() as Extract<UnsignedSnsMessage, { Type: 'Notification' }>;
    const message = sign({ ...fields, Message: 'Waschmittel für 30 Wäschen — 1,5 l ✓\nzweite Zeile' });
    expect((await verifySnsMessage(JSON.stringify(message), identityOptions())).ok).toBe(true);
  });
});

describe('verifySnsMessage with the GetWagz DRS envelopes re-signed by a test identity', () => {
  const names = [
    'orderPlacedNotification.json',
    'itemShippedNotification.json',
    'orderCancelledNotification.json',
    'subscriptionChangedNotification.json',
    'deviceRegisteredNotification.json',
  ];

  function resigned(name: string): Record<string, unknown> {
    const { Type, MessageId, Subject, Message, Timestamp, UnsubscribeURL } = readSnsFixture(
      'drs-payloads-aws-signed-cert-missing',
      name,
    ) as Record<string, string>;
    return sign({
      Type: Type as 'Notification',
      MessageId: MessageId as string,
      TopicArn: drsTopic,
      Subject,
      Message: Message as string,
      Timestamp: Timestamp as string,
      UnsubscribeURL,
    });
  }

  it.each(names)('accepts %s once re-signed and returns its DRS Message untouched', async (name) => {
    const message = resigned(name);
    const result = await verifySnsMessage(JSON.stringify(message), identityOptions());
    expect(result).toMatchObject({ ok: true, message: { Message: message['Message'] } });
  });

  it('refuses the envelope whose payload was swapped for the HACKED one after signing', async () => {
    const hacked = readSnsFixture('drs-payloads-aws-signed-cert-missing', 'invalidSignatureNotification.json');
    const message = { ...resigned('deviceRegisteredNotification.json'), Message: hacked['Message'] };
    expect(await verifySnsMessage(message, identityOptions())).toMatchObject({ ok: false, code: 'SNS_BAD_SIGNATURE' });
  });
});
