import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { setActiveTelemetry, shutdownTelemetry } from './telemetry-state.js';

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name` of every span and metric. */
  serviceName: string;
  serviceVersion?: string;
  /** OTLP/HTTP base URL (`http://collector:4318`); traces and metrics are exported only when set. */
  otlpEndpoint?: string;
  /**
   * Serve `/metrics` on this port from the Prometheus exporter's own HTTP server. Leave it unset
   * to mount the same metrics in the service's fastify app instead (`registerMetricsRoute`).
   */
  prometheusPort?: number;
  /** Keep a Prometheus reader even without a port, for mounting; true by default. */
  prometheus?: boolean;
  /** How often metrics are pushed over OTLP. */
  metricExportIntervalMs?: number;
  /** Instrumentations to enable (http, kafkajs, pg, ioredis, fastify...). */
  instrumentations?: NodeSDKConfiguration['instrumentations'];
}

/** A started telemetry SDK. */
export interface Telemetry {
  /** Flushes pending spans and metrics, then stops exporting. Idempotent. */
  shutdown(): Promise<void>;
}

const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 15_000;

/**
 * Starts the OpenTelemetry NodeSDK for this process: tracer provider, AsyncLocalStorage context
 * manager and W3C propagators always (so trace context flows through HTTP and Kafka even when
 * nothing is exported), OTLP/HTTP export of traces and metrics when `otlpEndpoint` is set, and a
 * Prometheus reader for scraping. Every setting comes from the options: the SDK's own OTEL_*
 * exporter defaults are bypassed so that an unset endpoint really means "export nothing".
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const otlpBase = options.otlpEndpoint?.replace(/\/+$/, '');

  const spanProcessors: SpanProcessor[] =
    otlpBase === undefined
      ? // The SDK installs no tracer provider without a processor, and the API's no-op tracer
        // then invents no trace ids: a no-op processor keeps ids and propagation alive.
        [new NoopSpanProcessor()]
      : [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpBase}/v1/traces` }))];

  const metricReaders: IMetricReader[] = [];
  if (otlpBase !== undefined) {
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${otlpBase}/v1/metrics` }),
        exportIntervalMillis: options.metricExportIntervalMs ?? DEFAULT_METRIC_EXPORT_INTERVAL_MS,
      }),
    );
  }
  let prometheus: PrometheusExporter | undefined;
  if (options.prometheus !== false || options.prometheusPort !== undefined) {
    prometheus = new PrometheusExporter({
      preventServerStart: options.prometheusPort === undefined,
      ...(options.prometheusPort === undefined ? {} : { port: options.prometheusPort }),
    });
    metricReaders.push(prometheus);
  }

  const sdk = new NodeSDK({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
      }),
    ),
    serviceName: options.serviceName,
    spanProcessors,
    metricReaders,
    // Without an explicit (empty) list the SDK would start an OTLP log exporter to localhost.
    logRecordProcessors: [],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: options.instrumentations ?? [],
  });
  sdk.start();

  const reader = prometheus;
  // Same (default) settings as the exporter's own server, so both endpoints print the same text.
  const serializer = new PrometheusSerializer();
  setActiveTelemetry({
    shutdown: async () => {
      await sdk.shutdown();
      // Telemetry is shut down last, so nothing needs the providers any more; releasing the globals
      // lets the process (a test, above all) start telemetry again.
      for (const api of [trace, metrics, propagation, context]) api.disable();
    },
    collectPrometheusMetrics:
      reader === undefined ? undefined : async () => serializer.serialize((await reader.collect()).resourceMetrics),
  });
  return { shutdown: shutdownTelemetry };
}
