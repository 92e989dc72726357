import { ConfigError } from '@restock/config';
import { DEFAULT_SNS_HOST_PATTERN } from '@restock/sns';
import { describe, expect, it } from 'vitest';
import { parseBridgeConfig } from './config.js';

const DRS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:drs-notifications';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseBridgeConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable} ${p.problem}`);
    throw error;
  }
  return [];
}

describe('parseBridgeConfig', () => {
  it('needs only the allowed topics, and then trusts the SNS host pattern, https certificates and no insecure origin', () => {
    const config = parseBridgeConfig({ SNS_ALLOWED_TOPIC_ARNS: DRS_TOPIC });
    expect(config.allowedTopicArns).toEqual([DRS_TOPIC]);
    expect(config.certificateHosts).toBe(DEFAULT_SNS_HOST_PATTERN);
    expect(config.insecureOrigins).toEqual([]);
    expect(config.env).toMatchObject({ PORT: 8082, SNS_CERT_SOURCE: 'https', DEDUP_WINDOW_SECONDS: 86_400 });
  });

  it('fails start-up without allowed topics, since a valid signature alone proves nothing about the sender', () => {
    expect(problemsOf({})).toEqual(['SNS_ALLOWED_TOPIC_ARNS is required but not set']);
  });

  it('splits comma lists, spaces allowed, and pins the certificate hosts exactly when they are given', () => {
    const config = parseBridgeConfig({
      SNS_ALLOWED_TOPIC_ARNS: `${DRS_TOPIC}, arn:aws:sns:eu-west-1:123456789012:drs-eu`,
      SNS_CERT_HOSTS: 'sns.us-east-1.amazonaws.com,SNS.eu-west-1.amazonaws.com',
    });
    expect(config.allowedTopicArns).toEqual([DRS_TOPIC, 'arn:aws:sns:eu-west-1:123456789012:drs-eu']);
    expect(config.certificateHosts).toEqual(['sns.us-east-1.amazonaws.com', 'sns.eu-west-1.amazonaws.com']);
  });

  it('refuses a topic list entry that is not an SNS topic ARN', () => {
    expect(problemsOf({ SNS_ALLOWED_TOPIC_ARNS: `${DRS_TOPIC},*` })[0]).toContain('SNS_ALLOWED_TOPIC_ARNS is invalid');
  });

  it('trusts insecure origins only when SNS_ALLOW_INSECURE_ORIGINS says so', () => {
    expect(problemsOf({ SNS_ALLOWED_TOPIC_ARNS: DRS_TOPIC, SNS_INSECURE_ORIGINS: 'http://127.0.0.1:8090' })).toEqual([
      'SNS_INSECURE_ORIGINS is set but SNS_ALLOW_INSECURE_ORIGINS is not true (development and tests only)',
    ]);
    const config = parseBridgeConfig({
      SNS_ALLOWED_TOPIC_ARNS: DRS_TOPIC,
      SNS_INSECURE_ORIGINS: 'http://127.0.0.1:8090',
      SNS_ALLOW_INSECURE_ORIGINS: 'true',
    });
    expect(config.insecureOrigins).toEqual(['http://127.0.0.1:8090']);
  });

  it('refuses an insecure origin that is not written as URL.origin writes it, since it could never match', () => {
    const problems = problemsOf({
      SNS_ALLOWED_TOPIC_ARNS: DRS_TOPIC,
      SNS_INSECURE_ORIGINS: 'http://LOCALHOST:80',
      SNS_ALLOW_INSECURE_ORIGINS: 'true',
    });
    expect(problems).toEqual([
      'SNS_INSECURE_ORIGINS entry "http://LOCALHOST:80" is not written as an origin (http://localhost)',
    ]);
  });

  it('needs a directory for the directory certificate source, and names every problem at once', () => {
    expect(problemsOf({ SNS_CERT_SOURCE: 'directory', SNS_ALLOWED_TOPIC_ARNS: DRS_TOPIC })).toEqual([
      'SNS_CERT_DIR is required when SNS_CERT_SOURCE is directory',
    ]);
    expect(problemsOf({ PORT: 'x', SNS_CERT_SOURCE: 'ftp' })).toHaveLength(3);
  });
});
