import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildStringToSign } from './string-to-sign.js';
import { readSnsFixture } from './testing/index.js';

describe('buildStringToSign', () => {
  it('matches the worked example of the fixtures README byte for byte, trailing newline included', () => {
    const message = readSnsFixture('aws-signed', 'http-notification-sigv1-subject.json');
    const text = buildStringToSign('Notification', message);
    expect(text).toBe(
      'Message\nHello world\nMessageId\n11405cc3-9ac7-56d5-b45d-079e8f7a8edf\nSubject\nHello world\n' +
        'Timestamp\n2022-07-28T22:53:49.654Z\nTopicArn\narn:aws:sns:us-east-2:295079676684:publish-and-verify-6e11fed2-fcdf-4c52-9dc4-36ef43f37f84\n' +
        'Type\nNotification\n',
    );
    expect(createHash('sha1').update(text, 'utf8').digest('hex')).toBe('b4247d3ef2a4a88bc95b17b46c35a1170498d28b');
  });

  it('leaves out a null or absent Subject', () => {
    const fields = { Message: 'm', MessageId: 'i', Subject: null, Timestamp: 't', TopicArn: 'a', Type: 'Notification' };
    expect(buildStringToSign('Notification', fields)).toBe(
      'Message\nm\nMessageId\ni\nTimestamp\nt\nTopicArn\na\nType\nNotification\n',
    );
  });

  it('signs Token and SubscribeURL for both confirmation types, and ignores unsigned fields', () => {
    const fields = {
      Message: 'm',
      MessageId: 'i',
      SubscribeURL: 'u',
      Timestamp: 't',
      Token: 'k',
      TopicArn: 'a',
      UnsubscribeURL: 'ignored',
      Subject: 'ignored',
    };
    for (const type of ['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const) {
      expect(buildStringToSign(type, { ...fields, Type: type })).toBe(
        `Message\nm\nMessageId\ni\nSubscribeURL\nu\nTimestamp\nt\nToken\nk\nTopicArn\na\nType\n${type}\n`,
      );
    }
  });
});
