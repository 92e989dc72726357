import { describe, expect, it } from 'vitest';
import { checkSigningCertUrl, checkSubscribeUrl, hostPassesRule } from './trusted-sns-url.js';

describe('hostPassesRule with the default SNS pattern', () => {
  it.each([
    'sns.us-east-1.amazonaws.com',
    'sns.us-east-2.amazonaws.com',
    'sns.eu-west-1.amazonaws.com',
    'sns.us-gov-west-1.amazonaws.com',
    'sns.cn-north-1.amazonaws.com.cn',
  ])('accepts %s', (host) => {
    expect(hostPassesRule(host)).toBe(true);
  });

  it.each([
    'sns.us-east-1.amazonaws.com.evil.example',
    'evilsns.us-east-1.amazonaws.com',
    'sns.amazonaws.com',
    'sns.us.amazonaws.com',
    's3.amazonaws.com',
    'sns.us-east-1.amazonaws.com.',
    'sns.us_east_1.amazonaws.com',
    'xsns.us-east-1.amazonaws.com',
    'sns.us-east-1.amazonaws.co',
  ])('refuses %s', (host) => {
    expect(hostPassesRule(host)).toBe(false);
  });

  it('compares an allow-list exactly, ignoring case', () => {
    expect(hostPassesRule('sns.us-east-1.amazonaws.com', ['sns.us-east-1.amazonaws.com'])).toBe(true);
    expect(hostPassesRule('SNS.us-east-1.amazonaws.com', ['sns.us-east-1.amazonaws.com'])).toBe(true);
    expect(hostPassesRule('sns.us-east-2.amazonaws.com', ['sns.us-east-1.amazonaws.com'])).toBe(false);
  });
});

describe('checkSigningCertUrl', () => {
  const good = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-56e67fcb41f6fec09b0196692625d385.pem';

  it('accepts a genuine SNS certificate URL', () => {
    expect(checkSigningCertUrl(good)).toMatchObject({ ok: true });
  });

  it.each([
    ['http', good.replace('https:', 'http:'), 'must use https'],
    ['user info', good.replace('https://', 'https://a:b@'), 'user info'],
    ['the SNS host as user info', good.replace('.com/', '.com@evil.example/'), 'user info'],
    ['a port', good.replace('.com/', '.com:444/'), 'port'],
    ['an explicit :443', good.replace('.com/', '.com:443/'), 'port'],
    ['a query', `${good}?a=b`, 'query'],
    ['an empty query', `${good}?`, 'query'],
    ['a fragment', `${good}#f`, 'fragment'],
    ['a look-alike suffix host', good.replace('.com/', '.com.evil.example/'), 'not an allowed SNS host'],
    ['a look-alike prefix host', good.replace('https://sns.', 'https://evilsns.'), 'not an allowed SNS host'],
    ['a path without .pem', good.replace('.pem', '.txt'), '.pem'],
    ['a backslash', good.replace('.com/', '.com\\'), 'canonical'],
    ['an upper-case host', good.replace('sns.us-east-1', 'SNS.US-EAST-1'), 'canonical'],
    ['a dot segment', good.replace('.com/', '.com/x/../'), 'canonical'],
  ])('refuses %s, naming the field and the problem', (_label, url, problem) => {
    const check = checkSigningCertUrl(url);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.reason).toContain('SigningCertURL');
    expect(check.reason).toContain(problem);
  });
});

describe('checkSubscribeUrl', () => {
  const good =
    'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37';

  it('accepts the SubscribeURL of the SNS documentation, query and all', () => {
    expect(checkSubscribeUrl(good)).toMatchObject({ ok: true });
  });

  it.each([
    ['http', good.replace('https:', 'http:')],
    ['another host', good.replace('sns.us-west-2.amazonaws.com', 'metadata.internal')],
    ['an IP address', good.replace('sns.us-west-2.amazonaws.com', '169.254.169.254')],
    ['user info', good.replace('https://', 'https://sns.us-west-2.amazonaws.com@')],
    ['a port', good.replace('.com/', '.com:8080/')],
  ])('refuses %s', (_label, url) => {
    const check = checkSubscribeUrl(url);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toContain('SubscribeURL');
  });
});

describe('insecure origins (the DRS simulator in development)', () => {
  const simulator = 'http://127.0.0.1:8090';
  const certUrl = `${simulator}/sns/SimpleNotificationService-0123abcd.pem`;
  const subscribeUrl = `${simulator}/sns/confirm?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:000000000000:t&Token=ab12`;

  it('accepts http and a port for an origin listed exactly', () => {
    expect(checkSigningCertUrl(certUrl, undefined, [simulator])).toMatchObject({ ok: true });
    expect(checkSubscribeUrl(subscribeUrl, undefined, [simulator])).toMatchObject({ ok: true });
  });

  it('still refuses the same URLs when the origin is not listed', () => {
    expect(checkSigningCertUrl(certUrl).ok).toBe(false);
    expect(checkSubscribeUrl(subscribeUrl).ok).toBe(false);
    expect(checkSigningCertUrl(certUrl, undefined, ['http://127.0.0.1:8091']).ok).toBe(false);
    expect(checkSigningCertUrl(certUrl.replace('http:', 'https:'), undefined, [simulator]).ok).toBe(false);
  });

  it('keeps every other rule for a listed origin', () => {
    expect(checkSigningCertUrl(`${certUrl}?a=b`, undefined, [simulator]).ok).toBe(false);
    expect(checkSigningCertUrl(certUrl.replace('.pem', '.txt'), undefined, [simulator]).ok).toBe(false);
    expect(checkSigningCertUrl(certUrl.replace('http://', 'http://a:b@'), undefined, [simulator]).ok).toBe(false);
  });
});
