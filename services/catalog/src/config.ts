import { AUTH_KEY_SOURCES, AuthConfig } from '@restock/auth';
import { CommonConfig, loadConfig, port } from '@restock/config';
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
  ...AuthConfig,
});
export type CatalogConfig = Static<typeof CatalogConfig>;

/** Parses the environment once; throws one ConfigError naming every bad variable, the key source included. */
export function loadCatalogConfig(env: Record<string, string | undefined>): Readonly<CatalogConfig> {
  return loadConfig(CatalogConfig, env, { exactlyOne: [AUTH_KEY_SOURCES] });
}
