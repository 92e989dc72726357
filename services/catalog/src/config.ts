import { CommonConfig, ConfigError, type ConfigProblem, loadConfig, port } from '@restock/config';
import { Topics } from '@restock/events';
import { type Static, Type } from '@sinclair/typebox';

/** The schema that holds the catalogue's tables and outbox (package.json `restock.schema`). */
export const CATALOG_SCHEMA = 'catalog';

export const CatalogConfig = Type.Object({
  KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
  DATABASE_URL: CommonConfig.DATABASE_URL,
  LOG_LEVEL: CommonConfig.LOG_LEVEL,
  PORT: port(8083),
  /** Every interface, so a container's port mapping reaches it; set 127.0.0.1 to keep it local. */
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  CATALOG_TOPIC: Type.String({ default: Topics.catalog.name, minLength: 1, maxLength: 249 }),
  AUTH_ISSUER: Type.String({ default: 'restock-local', minLength: 1 }),
  AUTH_AUDIENCE: Type.String({ default: 'restock', minLength: 1 }),
  /** HS256 shared secret of operator and customer tokens: development and single-tenant deployments. */
  AUTH_HMAC_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** The identity provider's RS256/ES256 public key (SPKI PEM). */
  AUTH_PUBLIC_KEY_PEM: Type.Optional(Type.String({ pattern: '-----BEGIN PUBLIC KEY-----' })),
  /** The identity provider's JWKS URL (production). */
  AUTH_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
});
export type CatalogConfig = Static<typeof CatalogConfig>;

const KEY_SOURCES = ['AUTH_HMAC_SECRET', 'AUTH_PUBLIC_KEY_PEM', 'AUTH_JWKS_URL'] as const;

/** Parses the environment once; throws one ConfigError naming every bad variable, the key source included. */
export function loadCatalogConfig(env: Record<string, string | undefined>): Readonly<CatalogConfig> {
  const problems: ConfigProblem[] = [];
  let config: Readonly<CatalogConfig> | undefined;
  try {
    config = loadConfig(CatalogConfig, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // Tokens are verified with exactly one kind of key: none would accept nothing, two would be ambiguous.
  const given = KEY_SOURCES.filter((key) => env[key] !== undefined && env[key] !== '');
  if (given.length !== 1) {
    problems.push({
      variable: KEY_SOURCES.join(' / '),
      problem: given.length === 0 ? 'none is set: set exactly one' : `${given.join(' and ')} are set: set exactly one`,
    });
  }
  if (config === undefined || problems.length > 0) throw new ConfigError(problems);
  return config;
}
