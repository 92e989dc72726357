import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  createCodec,
  type DeviceModel,
  type DeviceModelDefined,
  type DeviceProvisioned,
  newEventId,
  Topics,
} from '@restock/events';
import { createReadinessState, type HttpApp } from '@restock/http';
import { type BusProducer, createProducer, type Kafka, silentLog } from '@restock/kafka';
import { createTestKafka, createTestTopics, migrateBusTables, readTopic } from '@restock/kafka/testing';
import { migrate } from '@restock/postgres';
import { createTestDatabase, type TestDatabase } from '@restock/postgres/testing';
import type { Redis } from '@restock/redis';
import { createTestRedis } from '@restock/redis/testing';
import {
  type CertificateSource,
  DEFAULT_SNS_HOST_PATTERN,
  type SnsHostRule,
  type SnsMessage,
  type SnsSignatureVersion,
  signSnsMessage,
  type UnsignedSnsMessage,
} from '@restock/sns';
import { createTestSigningIdentity, type TestSigningIdentity } from '@restock/sns/testing';
import { createLogger } from '@restock/telemetry';
import type { CapturedLogs } from '@restock/telemetry/testing';
import { afterAll } from 'vitest';
import { buildApp } from '../app.js';
import { createBridgeCertificateSource } from '../sns/certificate-source.js';
import { createSubscriptionConfirmer } from '../sns/subscription-confirmer.js';
import { bridgeMigrationsDir } from '../store/migrations-dir.js';

/** The topic every test message claims unless it says otherwise; the harness allows it. */
export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:restock-drs-test';
/** A genuine-looking SNS certificate URL; the URL-rule tests serve the test certificate at any URL. */
export const AWS_LIKE_CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';
const CERT_PATH = '/sns/SimpleNotificationService-restock-test.pem';
const SUBSCRIPTION_ARN = 'arn:aws:sns:us-east-1:000000000000:restock-drs-test:8f1c6a0e-6b7d-4b1f-9a55-000000000001';
const SCHEMA = 'sns_bridge';
const catalogCodec = createCodec(Topics.catalog);

/** A metric reader the test collects from on demand. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface HarnessOptions {
  allowedTopicArns?: readonly string[];
  /** Default: the production rule (`sns.<region>.amazonaws.com[.cn]`); the fake SNS origin is trusted besides. */
  certificateHosts?: SnsHostRule;
  /** Default: the production https source, reaching the fake SNS server through its insecure origin. */
  certificateSource?: (identity: TestSigningIdentity) => CertificateSource;
  clock?: () => Date;
  /** Default: producers on the test broker. */
  newPublishProducer?: (kafka: Kafka) => BusProducer;
  publishTimeoutMs?: number;
  /** Where the bridge's log lines go (info and up); silent when absent. */
  logs?: CapturedLogs;
}

export interface SeedDevice {
  deviceId: string;
  modelId: string;
  serialNumber: string;
  /** Model slot id -> DRS slot id (the portal's replenishment id). */
  slots: Record<string, string>;
}

export interface BridgeHarness {
  app: HttpApp;
  kafka: Kafka;
  db: TestDatabase;
  redis: Redis;
  /** Real names of the catalogue topics for this file: `topics['orders.v1']`, `topics['sns.dlq']`. */
  topics: Record<string, string>;
  identity: TestSigningIdentity;
  /** The fake SNS host: serves the test certificate and answers SubscribeURLs. */
  sns: FakeSns;
  schema: string;
  /** Signs fields as SNS would with the test identity (or the URL given). */
  sign(
    fields: UnsignedSnsMessage,
    options?: { signingCertUrl?: string; signatureVersion?: SnsSignatureVersion },
  ): SnsMessage;
  /** A signed Notification carrying `message`, with a fresh MessageId unless given. */
  notification(message: string, fields?: { MessageId?: string; TopicArn?: string; Subject?: string }): SnsMessage;
  /** POSTs a body to /sns as SNS does (text/plain, the type header taken from the body unless given). */
  post(body: SnsMessage | Record<string, unknown> | string, headers?: Record<string, string>): Promise<Answer>;
  /** Puts a model and a device on catalog.v1 and waits until the bridge's copy has them. */
  seedDevice(device: SeedDevice): Promise<void>;
  /** How many records a topic holds (its end offsets summed: the producers are not transactional). */
  topicSize(topic: string): Promise<number>;
  /** The records of a topic, once it holds `count`. */
  read(topic: string, count: number): Promise<Awaited<ReturnType<typeof readTopic>>>;
  /** The sum of a counter's data points whose attributes include `attributes`. */
  counter(name: string, attributes?: Record<string, string>): Promise<number>;
}

export interface Answer {
  status: number;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeSns {
  origin: string;
  certUrl: string;
  /** The SubscribeURL a SubscriptionConfirmation from this fake SNS names. */
  subscribeUrl(token: string, topicArn?: string): string;
  /** The path and query of every GET of a SubscribeURL it received. */
  confirmations: string[];
}

/**
 * One bridge per test file on the real Kafka, PostgreSQL and Redis, isolated by the helpers' suffixes: a
 * fresh database, suffixed topics, a Redis key prefix, its own consumer group. A fake SNS host on
 * 127.0.0.1 (port 0) serves the test certificate and records the GETs of SubscribeURLs; the bridge trusts
 * it only through the development-only insecure-origin option.
 */
export async function createBridgeHarness(options: HarnessOptions = {}): Promise<BridgeHarness> {
  const identityHolder: { identity?: TestSigningIdentity } = {};
  const { sns, server } = await startFakeSns(() => identityHolder.identity?.certificatePem ?? '');
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const identity = createTestSigningIdentity({ now: new Date(), signingCertUrl: sns.certUrl });
  identityHolder.identity = identity;

  const kafka = createTestKafka('sns-bridge');
  const [db, topics] = await Promise.all([createTestDatabase('sns_bridge_t'), createTestTopics(kafka)]);
  await migrateBusTables(db.url, SCHEMA);
  await migrate({ databaseUrl: db.url, schema: SCHEMA, dir: bridgeMigrationsDir });
  const { redis } = createTestRedis();

  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const clock = options.clock ?? (() => new Date());
  const log =
    options.logs === undefined
      ? createLogger({ service: 'sns-bridge-test', level: 'silent' })
      : createLogger({ service: 'sns-bridge-test', level: 'info', destination: options.logs.destination });
  const relayProducer = createProducer(kafka, { log: silentLog });

  const app = await buildApp(
    {
      log,
      pool: db.pool,
      redis,
      kafka,
      newPublishProducer: () =>
        options.newPublishProducer?.(kafka) ??
        createProducer(kafka, { log: silentLog, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } }),
      relayProducer,
      certificateSource:
        options.certificateSource?.(identity) ??
        createBridgeCertificateSource({
          kind: 'https',
          cacheTtlMs: 60_000,
          timeoutMs: 2_000,
          insecureOrigins: [sns.origin],
          clock,
        }),
      confirmer: createSubscriptionConfirmer({ timeoutMs: 2_000 }),
      clock,
      meter: meterProvider.getMeter('sns-bridge-test'),
      readiness: createReadinessState(),
    },
    {
      schema: SCHEMA,
      databaseUrl: db.url,
      topics: {
        orders: topics['orders.v1']!,
        subscriptions: topics['subscriptions.v1']!,
        catalog: topics['catalog.v1']!,
        snsDlq: topics['sns.dlq']!,
      },
      catalogGroupId: `sns-bridge-catalog-${randomUUID()}`,
      allowedTopicArns: options.allowedTopicArns ?? [TEST_TOPIC_ARN],
      certificateHosts: options.certificateHosts ?? DEFAULT_SNS_HOST_PATTERN,
      insecureOrigins: [sns.origin],
      dedupWindowSeconds: 3_600,
      publishTimeoutMs: options.publishTimeoutMs ?? 8_000,
    },
  );
  await app.ready();
  afterAll(async () => {
    await app.close();
    await meterProvider.shutdown();
  });

  const catalogProducer = createProducer(kafka, { log: silentLog });
  await catalogProducer.connect();
  afterAll(() => catalogProducer.disconnect());
  const admin = kafka.admin();
  await admin.connect();
  afterAll(() => admin.disconnect());

  function sign(
    fields: UnsignedSnsMessage,
    signOptions: { signingCertUrl?: string; signatureVersion?: SnsSignatureVersion } = {},
  ): SnsMessage {
    return signSnsMessage(fields, {
      privateKeyPem: identity.privateKeyPem,
      signatureVersion: signOptions.signatureVersion ?? '1',
      signingCertUrl: signOptions.signingCertUrl ?? identity.signingCertUrl,
    });
  }

  return {
    app,
    kafka,
    db,
    redis,
    topics,
    identity,
    sns,
    schema: SCHEMA,
    sign,
    notification(message, fields = {}) {
      return sign({
        Type: 'Notification',
        MessageId: fields.MessageId ?? randomUUID(),
        TopicArn: fields.TopicArn ?? TEST_TOPIC_ARN,
        ...(fields.Subject === undefined ? {} : { Subject: fields.Subject }),
        Message: message,
        Timestamp: new Date().toISOString(),
      });
    },
    async post(body, headers = {}) {
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      const type = typeof body === 'string' ? undefined : body['Type'];
      const response = await app.inject({
        method: 'POST',
        url: '/sns',
        headers: {
          'content-type': 'text/plain; charset=UTF-8',
          'user-agent': 'Amazon Simple Notification Service Agent',
          ...(typeof type === 'string' ? { 'x-amz-sns-message-type': type } : {}),
          ...headers,
        },
        payload,
      });
      return {
        status: response.statusCode,
        contentType: response.headers['content-type']?.toString(),
        body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>),
      };
    },
    async seedDevice(device) {
      const now = new Date().toISOString();
      const model: DeviceModel = {
        modelId: device.modelId,
        name: `Test model ${device.modelId}`,
        kind: 'other',
        slots: Object.entries(device.slots).map(([slotId, replenishmentId]) => ({
          slotId,
          unitType: 'weight',
          capacity: 1000,
          defaultDailyUse: 10,
          replenishmentId,
          optional: false,
        })),
        marketplaces: {},
        image: null,
        certifiedAt: null,
        revision: 1,
      };
      const defined: DeviceModelDefined = {
        id: newEventId(),
        type: 'DeviceModelDefined',
        version: 1,
        key: `model:${device.modelId}`,
        occurredAt: now,
        recordedAt: now,
        source: 'test',
        data: model,
      };
      const provisioned: DeviceProvisioned = {
        id: newEventId(),
        type: 'DeviceProvisioned',
        version: 1,
        deviceId: device.deviceId,
        occurredAt: now,
        recordedAt: now,
        source: 'test',
        data: {
          deviceId: device.deviceId,
          modelId: device.modelId,
          serialNumber: device.serialNumber,
          marketplace: 'US',
          customerId: null,
          credentialHash: null,
          credentialRevision: 0,
          testDevice: true,
          provisionedAt: now,
        },
      };
      await catalogProducer.publish(catalogCodec, [defined, provisioned], topics['catalog.v1']!);
      const slotCount = Object.keys(device.slots).length;
      await waitFor(async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM ${SCHEMA}.devices WHERE device_id = $1)::int
                + (SELECT count(*) FROM ${SCHEMA}.model_slots WHERE model_id = $2)::int AS n`,
          [device.deviceId, device.modelId],
        );
        return rows[0]?.n === 1 + slotCount;
      }, `device ${device.deviceId} to reach the catalog copy`);
    },
    async topicSize(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    },
    read(topic, count) {
      return readTopic(kafka, topic, count, 15_000);
    },
    async counter(name, attributes = {}) {
      const { resourceMetrics } = await reader.collect();
      let total = 0;
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints) {
            const matches = Object.entries(attributes).every(([key, value]) => point.attributes[key] === value);
            if (matches && typeof point.value === 'number') total += point.value;
          }
        }
      }
      return total;
    },
  };
}

async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startFakeSns(certificatePem: () => string): Promise<{ sns: FakeSns; server: Server }> {
  const confirmations: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-sns');
    if (request.method === 'GET' && url.pathname === CERT_PATH) {
      response.writeHead(200, { 'content-type': 'application/x-x509-ca-cert' }).end(certificatePem());
      return;
    }
    if (request.method === 'GET' && url.pathname === '/sns/confirm') {
      confirmations.push(request.url ?? '');
      const token = url.searchParams.get('Token') ?? '';
      if (token.startsWith('expired')) {
        response.writeHead(403, { 'content-type': 'text/xml' }).end('<ErrorResponse/>');
        return;
      }
      response
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>${SUBSCRIPTION_ARN}</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`,
        );
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    server,
    sns: {
      origin,
      certUrl: `${origin}${CERT_PATH}`,
      subscribeUrl: (token, topicArn = TEST_TOPIC_ARN) =>
        `${origin}/sns/confirm?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`,
      confirmations,
    },
  };
}

export { SUBSCRIPTION_ARN };
