import { Writable } from 'node:stream';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Tracing that keeps finished spans in memory, for tests that assert parent and link chains. */
export interface InMemoryTracing {
  exporter: InMemorySpanExporter;
  /** Spans finished so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** Forgets the spans recorded so far. */
  reset(): void;
  /** Stops the provider and unregisters the global tracer provider, context manager and propagator. */
  shutdown(): Promise<void>;
}

/**
 * Registers, globally, a tracer provider that exports every span synchronously to memory, the
 * AsyncLocalStorage context manager and the W3C trace-context and baggage propagators: the same
 * wiring as production, minus the network. Whatever was registered before is replaced, since a
 * test process owns its globals.
 */
export function installInMemoryTracing(): InMemoryTracing {
  unregisterGlobals();
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    shutdown: async () => {
      await provider.shutdown();
      unregisterGlobals();
    },
  };
}

function unregisterGlobals(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}

/** A log destination that keeps each line parsed, for tests that assert what was logged. */
export interface CapturedLogs {
  /** Pass as `createLogger({ destination })`. */
  destination: Writable;
  /** Every line written so far, parsed from JSON. */
  lines(): Record<string, unknown>[];
}

/** Captures the JSON lines a logger writes, instead of sending them to stdout. */
export function captureLogs(): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { destination, lines: () => [...lines] };
}
