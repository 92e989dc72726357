import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@restock/config';
import type { HttpApp } from '@restock/http';
import type { Pool } from '@restock/postgres';
import { createTestDatabase } from '@restock/postgres/testing';
import {
  cachedCertificateSource,
  httpsCertificateSource,
  type SnsMessage,
  type SnsVerificationResult,
  verifySnsMessage,
} from '@restock/sns';
import { createLogger } from '@restock/telemetry';
import { afterAll } from 'vitest';
import { buildApp } from '../app.js';
import { type SimulatorConfig, SimulatorConfigSchema } from '../config.js';
import { migrateSimulator } from '../store/migrate.js';

/** The DRS type headers of each call, as the gateway sends them. */
const P = 'com.amazon.dash.replenishment.';
export const DRS_HEADERS = {
  replenish: { 'x-amzn-type-version': `${P}DrsReplenishInput@1.0`, 'x-amzn-accept-type': `${P}DrsReplenishResult@1.0` },
  slotStatus: {
    'x-amzn-type-version': `${P}DrsSlotStatusInput@1.0`,
    'x-amzn-accept-type': `${P}DrsSlotStatusResult@1.0`,
  },
  deviceStatus: {
    'x-amzn-type-version': `${P}DrsDeviceStatusInput@1.0`,
    'x-amzn-accept-type': `${P}DrsDeviceStatusResult@1.0`,
  },
  subscriptionInfoV2: {
    'x-amzn-type-version': `${P}DrsSubscriptionInfoInput@1.0`,
    'x-amzn-accept-type': `${P}DrsSubscriptionInfoResult@2.0`,
  },
  subscriptionInfoV1: {
    'x-amzn-type-version': `${P}DrsSubscriptionInfoInput@1.0`,
    'x-amzn-accept-type': `${P}DrsSubscriptionInfoResult@1.0`,
  },
  orderInfo: { 'x-amzn-type-version': `${P}DrsOrderInfoInput@1.0`, 'x-amzn-accept-type': `${P}DrsOrderInfoResult@1.0` },
  deregisterV2: {
    'x-amzn-type-version': `${P}DrsDeregisterInput@2.0`,
    'x-amzn-accept-type': `${P}DrsDeregisterResult@1.0`,
  },
  deregisterV1: {
    'x-amzn-type-version': `${P}DrsDeregisterInput@1.0`,
    'x-amzn-accept-type': `${P}DrsDeregisterResult@1.0`,
  },
  cancelTestOrders: {
    'x-amzn-type-version': `${P}DrsCancelTestOrdersInput@1.0`,
    'x-amzn-accept-type': `${P}DrsCancelTestOrdersResult@1.0`,
  },
} as const;

export const CLIENT_ID = 'amzn1.application-oa2-client.0123456789abcdef0123456789abcdef';
export const CLIENT_SECRET = 'test-client-secret';
export const REDIRECT_URI = 'https://app.restock.test/lwa/callback';
export const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:restock-drs-sim';

/** A slot layout for a washing machine: liquid detergent by volume, softener pods by count. */
export const WASHER_SLOTS = [
  { slotId: '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f', asin: 'B00DETERG1', quantity: 3, unit: 'l' },
  { slotId: '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f', asin: 'B00SOFTEN2', quantity: 40, unit: 'pods' },
] as const;
export const DETERGENT = WASHER_SLOTS[0].slotId;
export const SOFTENER = WASHER_SLOTS[1].slotId;

/** A real clock that a test can push forward (LWA expiry runs on it, unlike the simulated clock). */
export interface TestClock {
  now(): Date;
  forward(seconds: number): void;
}

export function createTestClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    forward: (seconds) => {
      offsetMs += seconds * 1000;
    },
  };
}

/** One simulator on a database of its own (per test file), listening on 127.0.0.1. */
export interface SimulatorHarness {
  /** The app now running (a new one after `restart`). */
  readonly app: HttpApp;
  baseUrl: string;
  config: SimulatorConfig;
  clock: TestClock;
  pool: Pool;
  databaseUrl: string;
  /** Closes this app and builds a new one on the same database and port: a process restart. */
  restart(): Promise<void>;
}

/** Env overrides on top of the test defaults (tick on demand only, no start-up subscription). */
export type HarnessEnv = Record<string, string>;

/**
 * Starts a simulator for one test file: a fresh database (dropped after the file), migrations, and the
 * app listening on a free port whose address is its PUBLIC_BASE_URL, so that certificate and
 * subscribe URLs in its messages work. Closed after the file.
 *
 * Call it at the top level of the test file (`const sim = await startSimulator()`), not in `beforeAll`:
 * vitest ignores an `afterAll` registered while a hook runs, and the database would never be dropped.
 */
export async function startSimulator(env: HarnessEnv = {}): Promise<SimulatorHarness> {
  const database = await createTestDatabase('drs_sim_t');
  await migrateSimulator(database.url);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig(SimulatorConfigSchema, {
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    LWA_CLIENT_ID: CLIENT_ID,
    LWA_CLIENT_SECRET: CLIENT_SECRET,
    LWA_REDIRECT_URIS: `${REDIRECT_URI},https://other.restock.test/cb`,
    SNS_TOPIC_ARN: TOPIC_ARN,
    SNS_SUBSCRIBE_ENDPOINTS: 'none',
    TICK_INTERVAL_MS: '0',
    ...env,
  });
  const clock = createTestClock();
  const log = createLogger({ service: 'drs-simulator-test', level: config.LOG_LEVEL });

  const build = () => buildApp({ pool: database.pool, log, clock: clock.now }, config);
  let app = await build();
  await app.listen({ host: '127.0.0.1', port });
  // Registered after the database's own cleanup, so it runs before it (vitest runs after-hooks as a stack).
  afterAll(async () => {
    await app.close();
  });
  return {
    get app() {
      return app;
    },
    baseUrl,
    config,
    clock,
    pool: database.pool,
    databaseUrl: database.url,
    async restart() {
      await app.close();
      app = await build();
      await app.listen({ host: '127.0.0.1', port });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Calls the simulator through fastify's inject. */
export async function call(
  harness: SimulatorHarness,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  options: { headers?: Record<string, string>; body?: unknown; payload?: string } = {},
) {
  const response = await harness.app.inject({
    method,
    url,
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
    ...(options.payload !== undefined ? { payload: options.payload } : {}),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    text: response.body,
    json: <T = Record<string, unknown>>() => JSON.parse(response.body) as T,
  };
}

/** A DRS call with the gateway's headers and a token. */
export function drs(
  harness: SimulatorHarness,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  headers: Readonly<Record<string, string>>,
  token: string,
  body?: unknown,
) {
  return call(harness, method, url, {
    headers: { ...headers, authorization: `Bearer ${token}` },
    ...(body !== undefined ? { body } : {}),
  });
}

/** Exchanges an LWA code as the gateway does. */
export async function exchangeCode(harness: SimulatorHarness, code: string) {
  const response = await call(harness, 'POST', '/auth/o2/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uri: REDIRECT_URI,
    }).toString(),
  });
  return {
    ...response,
    tokens: () =>
      response.json<{ access_token: string; refresh_token: string; expires_in: number; token_type: string }>(),
  };
}

/** Registers a washer for a new customer and returns its registration id and access token. */
export async function registerWasher(
  harness: SimulatorHarness,
  options: {
    serialNumber: string;
    /** Default `washer-x200`; the slots are (re)defined inline, the model's topic is kept. */
    modelId?: string;
    isTestDevice?: boolean;
    marketplace?: string;
    unsubscribedSlots?: string[];
  },
): Promise<{ registrationId: string; accessToken: string; refreshToken: string; directedCustomerId: string }> {
  const registered = await call(harness, 'POST', '/control/v1/registrations', {
    body: {
      modelId: options.modelId ?? 'washer-x200',
      serialNumber: options.serialNumber,
      isTestDevice: options.isTestDevice ?? false,
      slots: WASHER_SLOTS,
      ...(options.marketplace !== undefined ? { marketplace: options.marketplace } : {}),
      ...(options.unsubscribedSlots !== undefined ? { unsubscribedSlots: options.unsubscribedSlots } : {}),
    },
  });
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${registered.text}`);
  const body = registered.json<{
    registration: { registrationId: string; directedCustomerId: string };
    authorizationCode: string;
  }>();
  const exchanged = await exchangeCode(harness, body.authorizationCode);
  if (exchanged.status !== 200) throw new Error(`code exchange failed: ${exchanged.status} ${exchanged.text}`);
  return {
    registrationId: body.registration.registrationId,
    accessToken: exchanged.tokens().access_token,
    refreshToken: exchanged.tokens().refresh_token,
    directedCustomerId: body.registration.directedCustomerId,
  };
}

/** One POST an SNS endpoint received. */
export interface ReceivedMessage {
  headers: IncomingHttpHeaders;
  rawBody: string;
  status: number;
}

/**
 * A tiny HTTP endpoint on 127.0.0.1, port 0, that records every POST and answers with the status
 * `respond` chooses (200 unless told otherwise).
 */
export interface SnsEndpoint {
  url: string;
  received: ReceivedMessage[];
  respond: (message: { headers: IncomingHttpHeaders; rawBody: string; index: number }) => number;
  /** Waits until at least `count` messages arrived (real time, bounded). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
}

// Endpoints are often started inside a test, where an `afterAll` would be ignored: they are closed by
// this hook, registered when a test file imports the harness.
const endpointClosers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(endpointClosers.splice(0).map((close) => close()));
});

/** Starts an endpoint (anywhere in a test file); closed after the file. */
export async function startSnsEndpoint(path = '/sns'): Promise<SnsEndpoint> {
  let server: Server | undefined;
  const endpoint: SnsEndpoint = {
    url: '',
    received: [],
    respond: () => 200,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (endpoint.received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} SNS messages, got ${endpoint.received.length}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return endpoint.received;
    },
  };
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const status = endpoint.respond({ headers: request.headers, rawBody, index: endpoint.received.length });
      endpoint.received.push({ headers: request.headers, rawBody, status });
      response.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  endpointClosers.push(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return endpoint;
}

/**
 * Verifies a received message exactly as sns-bridge will: `verifySnsMessage` with the certificate
 * downloaded from its SigningCertURL, the simulator's origin as the only trusted (insecure) origin, and
 * the given topics (the simulator's default topic unless told) as the only allowed topics.
 */
export function snsVerifier(harness: SimulatorHarness, topicArns: readonly string[] = [harness.config.SNS_TOPIC_ARN]) {
  const origin = new URL(harness.baseUrl).origin;
  const certificateSource = cachedCertificateSource(httpsCertificateSource({ insecureOrigins: [origin] }), {
    clock: () => new Date(),
  });
  return async (message: ReceivedMessage): Promise<SnsVerificationResult> =>
    verifySnsMessage(message.rawBody, {
      certificateSource,
      allowedTopicArns: topicArns,
      certificateHost: [],
      insecureOrigins: [origin],
      clock: () => new Date(),
      expectedMessageType: message.headers['x-amz-sns-message-type'] as string | undefined,
    });
}

/** The verified message, or a failed assertion naming why it did not verify. */
export async function verified(
  verify: (message: ReceivedMessage) => Promise<SnsVerificationResult>,
  message: ReceivedMessage,
): Promise<SnsMessage> {
  const result = await verify(message);
  if (!result.ok) throw new Error(`SNS message did not verify: ${result.code} ${result.reason}`);
  return result.message;
}

/** The DRS notification type inside a verified Notification. */
export function drsTypeOf(message: SnsMessage): string {
  if (message.Type !== 'Notification') return message.Type;
  return (JSON.parse(message.Message) as { notificationInfo: { notificationType: string } }).notificationInfo
    .notificationType;
}
