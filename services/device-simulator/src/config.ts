import { fileURLToPath } from 'node:url';
import { CommonConfig, loadConfig } from '@restock/config';
import { type Static, Type } from '@sinclair/typebox';

/** The state file next to the package, git-ignored: credentials of the provisioned devices. */
export const DEFAULT_STATE_FILE = fileURLToPath(new URL('../.state/devices.json', import.meta.url));

/** The simulator's environment. Every variable has a default that works against `npm start`. */
export const SimulatorEnv = Type.Object({
  LOG_LEVEL: CommonConfig.LOG_LEVEL,
  INGEST_URL: Type.String({ default: 'http://127.0.0.1:8081', pattern: '^https?://' }),
  CATALOG_URL: Type.String({ default: 'http://127.0.0.1:8083', pattern: '^https?://' }),
  /** How many devices to simulate; the kinds take turns (printer, washing machine, dishwasher, coffee machine). */
  DEVICES: Type.Integer({ default: 5, minimum: 1, maximum: 100_000 }),
  /** Simulated seconds per real second: 600 makes a day pass in 2.4 minutes. */
  TIME_SCALE: Type.Number({ default: 600, minimum: 1, maximum: 1_000_000 }),
  /** Seed of the households' habits and use; unset: a random one, logged so a run can be repeated. */
  SEED: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })),
  /** An operator bearer token for the catalog admin API... */
  OPERATOR_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  /** ...or the HS256 secret to mint one with, as `npm start` provides (infra/local/.run/dev.env). */
  AUTH_HMAC_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  AUTH_ISSUER: Type.String({ default: 'restock-local', minLength: 1 }),
  AUTH_AUDIENCE: Type.String({ default: 'restock', minLength: 1 }),
  /** Where the devices' ids, credentials and levels are kept between runs. */
  STATE_FILE: Type.String({ default: DEFAULT_STATE_FILE, minLength: 1 }),
  /** The marketplace of the simulated devices; US devices report volumes in fl oz, others in ml. */
  MARKETPLACE: Type.String({ default: 'US', pattern: '^[A-Z]{2}$' }),
  /** Model ids are `<prefix>-printer`, `<prefix>-washing-machine`...; serial numbers `<PREFIX>-<kind>-<n>`. */
  MODEL_ID_PREFIX: Type.String({ default: 'devsim', pattern: '^[A-Za-z0-9_-]{1,40}$' }),
  SERIAL_PREFIX: Type.String({ default: 'DEVSIM', pattern: '^[A-Za-z0-9_-]{1,30}$' }),
  /** Real time between a device's uploads: reports of the use in between travel in one request. */
  REPORT_INTERVAL_MS: Type.Integer({ default: 5_000, minimum: 100 }),
  /** Real time between two steps of the simulated clock. */
  TICK_MS: Type.Integer({ default: 1_000, minimum: 10 }),
  /** Requests to ingest in flight at once, over all devices. */
  MAX_IN_FLIGHT: Type.Integer({ default: 32, minimum: 1, maximum: 1_024 }),
  /** How long to wait for ingest and the catalog to answer /health/ready before giving up. */
  READY_TIMEOUT_MS: Type.Integer({ default: 300_000, minimum: 1_000 }),
  /** Real time between the log lines that show every device's levels. */
  STATUS_INTERVAL_MS: Type.Integer({ default: 30_000, minimum: 1_000 }),
});
export type SimulatorEnv = Static<typeof SimulatorEnv>;

/** Reads and checks the environment once; throws one error naming every bad variable. */
export function loadSimulatorEnv(env?: Record<string, string | undefined>): Readonly<SimulatorEnv> {
  return loadConfig(SimulatorEnv, env);
}
