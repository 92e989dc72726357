import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signSnsMessage, type UnsignedSnsMessage } from './sign-sns-message.js';
import { FIXTURE_KEY_PAIR, readSnsFixture } from './testing/index.js';

describe('signSnsMessage', () => {
  it('reproduces the signature of the committed SubscriptionConfirmation with the committed key', () => {
    // RSA PKCS#1 v1.5 is deterministic, so signing the same fields gives the fixture's exact signature.
    const fixture = readSnsFixture('test-keypair', 'valid_signature.json');
    const signed = signSnsMessage(fixture as unknown as UnsignedSnsMessage, {
      privateKeyPem: FIXTURE_KEY_PAIR.privateKeyPem,
      signatureVersion: '1',
      signingCertUrl: FIXTURE_KEY_PAIR.signingCertUrl,
    });
    expect(signed.Signature).toBe((fixture['Signature'] as string).replace(/\n/g, ''));
  });

  it('writes the keys in the order SNS does', () => {
    const signed = signSnsMessage(
      {
        Type: 'Notification',
        MessageId: 'm',
        TopicArn: 'arn:aws:sns:us-east-1:1:t',
        Subject: 's',
        Message: 'x',
        Timestamp: '2026-01-01T00:00:00.000Z',
        UnsubscribeURL: 'https://sns.restock.test/?Action=Unsubscribe',
      },
      { privateKeyPem: FIXTURE_KEY_PAIR.privateKeyPem, signatureVersion: '2', signingCertUrl: 'https://h/c.pem' },
    );
    expect(Object.keys(signed)).toEqual([
      'Type',
      'MessageId',
      'TopicArn',
      'Subject',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
    ]);
  });

  it('refuses a non-RSA key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() =>
      signSnsMessage(
        { Type: 'Notification', MessageId: 'm', TopicArn: 't', Message: 'x', Timestamp: 'now' },
        { privateKeyPem: privateKey, signatureVersion: '1', signingCertUrl: 'https://h/c.pem' },
      ),
    ).toThrow(expect.objectContaining({ code: 'SNS_SIGN_INVALID_INPUT' }));
  });

  it('refuses a field that is not a string', () => {
    expect(() =>
      signSnsMessage(
        {
          Type: 'Notification',
          MessageId: 'm',
          TopicArn: 't',
          Message: 42,
          Timestamp: 'now',
        } as unknown as UnsignedSnsMessage,
        { privateKeyPem: FIXTURE_KEY_PAIR.privateKeyPem, signatureVersion: '1', signingCertUrl: 'https://h/c.pem' },
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'SNS_SIGN_INVALID_INPUT',
        message: 'field Message must be a string to be signed',
      }),
    );
  });
});
