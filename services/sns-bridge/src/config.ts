import { CommonConfig, ConfigError, type ConfigProblem, loadConfig, port } from '@restock/config';
import { DEFAULT_SNS_HOST_PATTERN, type SnsHostRule } from '@restock/sns';
import { type Static, Type } from '@sinclair/typebox';

// One item of each comma-separated list; the lists allow spaces around their commas.
const TOPIC_ARN = 'arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,256}';
const HOST_NAME = '[A-Za-z0-9.-]+';
const ORIGIN = 'https?://[^/?#@,\\s]+';

function listPattern(item: string): string {
  return `^\\s*${item}(\\s*,\\s*${item})*\\s*$`;
}

/** The bridge's environment; `parseBridgeConfig` adds the checks that span several variables. */
export const BridgeConfigSchema = Type.Object({
  KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
  DATABASE_URL: CommonConfig.DATABASE_URL,
  REDIS_URL: CommonConfig.REDIS_URL,
  LOG_LEVEL: CommonConfig.LOG_LEVEL,
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  PORT: port(8082),

  /**
   * The SNS topics whose messages are accepted, comma-separated, exactly. Required: a valid signature
   * only proves that SNS sent a message, and anyone can have SNS sign messages on a topic of their own.
   */
  SNS_ALLOWED_TOPIC_ARNS: Type.String({ pattern: listPattern(TOPIC_ARN) }),
  /**
   * Hosts allowed to serve signing certificates and subscribe URLs, comma-separated, exactly (pin the DRS
   * region with `sns.us-east-1.amazonaws.com`). Unset: any `sns.<region>.amazonaws.com[.cn]`.
   */
  SNS_CERT_HOSTS: Type.Optional(Type.String({ pattern: listPattern(HOST_NAME) })),
  /** `https`: download each certificate from its SigningCertURL and cache it; `directory`: read PEMs from SNS_CERT_DIR. */
  SNS_CERT_SOURCE: Type.Union([Type.Literal('https'), Type.Literal('directory')], { default: 'https' }),
  /** PEM files named as the last segment of their SigningCertURL (`SimpleNotificationService-<hex>.pem`). */
  SNS_CERT_DIR: Type.Optional(Type.String({ minLength: 1 })),
  SNS_CERT_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 3_600_000 }), // ms
  /** Budget of one certificate download and of one GET of a SubscribeURL. */
  SNS_HTTP_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000 }), // ms
  /**
   * Development and tests only: exact origins (`http://127.0.0.1:8090`, the DRS simulator) trusted to serve
   * certificates and subscribe URLs over http and on a port. Ignored-and-refused unless
   * SNS_ALLOW_INSECURE_ORIGINS is true, so that one stray variable cannot weaken a production bridge.
   */
  SNS_INSECURE_ORIGINS: Type.Optional(Type.String({ pattern: listPattern(ORIGIN) })),
  SNS_ALLOW_INSECURE_ORIGINS: Type.Boolean({ default: false }),

  /** How long Redis remembers a message or notification id; PostgreSQL remembers them for good. */
  DEDUP_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 86_400 }), // s
  /**
   * How long a publish may wait for Kafka's acknowledgement before the bridge answers 503 (SNS retries
   * after 20 s by default and gives up on an endpoint that does not answer in time).
   */
  KAFKA_PUBLISH_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 8_000 }), // ms
  /** The consumer group that keeps the bridge's copy of catalog.v1. */
  CATALOG_GROUP_ID: Type.String({ default: 'sns-bridge-catalog', minLength: 1 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1_000, default: 25_000 }), // ms
});
export type BridgeEnv = Static<typeof BridgeConfigSchema>;

/** The parsed configuration, lists split and rules built. */
export interface BridgeConfig {
  env: BridgeEnv;
  allowedTopicArns: readonly string[];
  certificateHosts: SnsHostRule;
  insecureOrigins: readonly string[];
}

/**
 * Loads and checks the environment, failing once with every problem: the single-variable ones from the
 * schema, then the combinations (a directory source without a directory, insecure origins without the
 * flag that allows them).
 */
export function parseBridgeConfig(env: Record<string, string | undefined> = process.env): BridgeConfig {
  const parsed = loadConfig(BridgeConfigSchema, env);
  const problems: ConfigProblem[] = [];
  if (parsed.SNS_CERT_SOURCE === 'directory' && parsed.SNS_CERT_DIR === undefined) {
    problems.push({ variable: 'SNS_CERT_DIR', problem: 'is required when SNS_CERT_SOURCE is directory' });
  }
  const insecureOrigins = listOf(parsed.SNS_INSECURE_ORIGINS);
  if (insecureOrigins.length > 0 && !parsed.SNS_ALLOW_INSECURE_ORIGINS) {
    problems.push({
      variable: 'SNS_INSECURE_ORIGINS',
      problem: 'is set but SNS_ALLOW_INSECURE_ORIGINS is not true (development and tests only)',
    });
  }
  for (const origin of insecureOrigins) {
    // URL.origin is what the verifier compares with: an upper-case host or a default port would never match.
    const written = originOf(origin);
    if (written !== origin) {
      problems.push({
        variable: 'SNS_INSECURE_ORIGINS',
        problem: `entry ${JSON.stringify(origin)} is not written as an origin (${written ?? 'not a URL'})`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const hosts = listOf(parsed.SNS_CERT_HOSTS).map((host) => host.toLowerCase());
  return {
    env: parsed,
    allowedTopicArns: listOf(parsed.SNS_ALLOWED_TOPIC_ARNS),
    certificateHosts: hosts.length > 0 ? hosts : DEFAULT_SNS_HOST_PATTERN,
    insecureOrigins: parsed.SNS_ALLOW_INSECURE_ORIGINS ? insecureOrigins : [],
  };
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
