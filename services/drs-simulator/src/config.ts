import { CommonConfig, port } from '@restock/config';
import { type Static, Type } from '@sinclair/typebox';

/**
 * The simulator's environment. Defaults make `pnpm start` work on a developer machine with Restock's
 * local ports; every duration says its unit in its name.
 */
export const SimulatorConfigSchema = Type.Object({
  DATABASE_URL: CommonConfig.DATABASE_URL,
  LOG_LEVEL: CommonConfig.LOG_LEVEL,
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: port(8090),
  /** How others reach this process: the base of SigningCertURL, SubscribeURL and UnsubscribeURL. */
  PUBLIC_BASE_URL: Type.String({ default: 'http://127.0.0.1:8090', pattern: '^https?://[^/?#]+$' }),

  /** The LWA security profile Restock's gateway uses (client id in Amazon's format). */
  LWA_CLIENT_ID: Type.String({
    default: 'amzn1.application-oa2-client.0000000000000000000000000000local',
    minLength: 1,
  }),
  LWA_CLIENT_SECRET: Type.String({ default: 'restock-local-lwa-client-secret', minLength: 1 }),
  /** Allowed return URLs of the security profile, comma-separated; the first is the default. */
  LWA_REDIRECT_URIS: Type.String({
    default: 'http://127.0.0.1:8080/lwa/callback',
    pattern: '^https?://[^,\\s]+(,https?://[^,\\s]+)*$',
  }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 1, default: 3600 }), // s, LWA's documented 60 min
  /** LWA codes are short-lived; five minutes like Login with Amazon's. */
  AUTHORIZATION_CODE_TTL_SECONDS: Type.Integer({ minimum: 1, default: 300 }), // s

  /** Simulated seconds per real second for the order life and SNS retries (60: a minute per second). */
  TIME_SCALE: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, default: 1 }),
  /** How often the order life and the delivery queue are looked at. 0: only on POST /control/v1/clock/tick. */
  TICK_INTERVAL_MS: Type.Integer({ minimum: 0, default: 250 }), // ms, real time
  /** Placed -> shipped; the customer's 24 h cancellation window comes first, as on Amazon. */
  SHIP_AFTER_SECONDS: Type.Integer({ minimum: 0, default: 86_400 }), // s, simulated
  /** Shipped -> delivered (the estimatedDeliveryDate of ItemShipped). */
  DELIVERY_AFTER_SHIPPING_SECONDS: Type.Integer({ minimum: 0, default: 172_800 }), // s, simulated
  CANCEL_WINDOW_SECONDS: Type.Integer({ minimum: 0, default: 86_400 }), // s, simulated
  /** An order in the Order Resolution Flow (a fault) is cancelled when not resolved within 72 h. */
  RESOLUTION_WINDOW_SECONDS: Type.Integer({ minimum: 0, default: 259_200 }), // s, simulated
  /** Marketplace of a registration that names none: decides the units of notifications. */
  DEFAULT_MARKETPLACE: Type.String({ default: 'US', pattern: '^[A-Za-z]{2}$' }),

  /** Shape of OrderPlaced, ItemShipped and SubscriptionChanged notifications. */
  NOTIFICATION_VERSION: Type.Union([Type.Literal('1.0'), Type.Literal('2.0')], { default: '2.0' }),
  /** SNS topics default to SignatureVersion 1 (SHA1withRSA); 2 is SHA256withRSA. */
  SNS_SIGNATURE_VERSION: Type.Union([Type.Literal('1'), Type.Literal('2')], { default: '1' }),
  /** Where notifications of models that name no topic are published. */
  SNS_TOPIC_ARN: Type.String({
    default: 'arn:aws:sns:us-east-1:000000000000:restock-drs-sim',
    pattern: '^arn:aws:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}$',
  }),
  /**
   * Endpoints subscribed to SNS_TOPIC_ARN at start-up unless already subscribed, comma-separated; `none`
   * for none (an empty variable counts as unset). Default: sns-bridge's local address.
   */
  SNS_SUBSCRIBE_ENDPOINTS: Type.String({
    default: 'http://127.0.0.1:8082/sns',
    pattern: '^(none|https?://[^,\\s]+(,https?://[^,\\s]+)*)$',
  }),
  /** SNS's default HTTP/S policy: 3 retries, 20 s apart. */
  SNS_RETRIES: Type.Integer({ minimum: 0, maximum: 100, default: 3 }),
  SNS_RETRY_DELAY_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 20 }), // s, simulated
  /** Budget for one POST to an endpoint (SNS's own is not documented). */
  SNS_DELIVERY_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 15_000 }), // ms, real time

  /** Seed of the fault PRNG until PUT /control/v1/faults names another. */
  FAULT_SEED: Type.Integer({ default: 1 }),
});

/** The parsed configuration. */
export type SimulatorConfig = Static<typeof SimulatorConfigSchema>;

/** A comma-separated list as its items; `none` is the empty list. */
export function listOf(value: string): string[] {
  if (value.trim() === 'none') return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
