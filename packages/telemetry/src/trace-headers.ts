import { type Context, context, propagation, type TextMapGetter } from '@opentelemetry/api';

/** Kafka message headers as producers write them and consumers receive them. */
export type MessageHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

/**
 * Writes the W3C `traceparent` (and `tracestate`, baggage) of `ctx` into `headers` and returns the
 * same object, so a producer can spread it into a message. Writes nothing when no span is active
 * or no propagator is registered.
 */
export function injectTraceHeaders(
  headers: Record<string, string>,
  ctx: Context = context.active(),
): Record<string, string> {
  propagation.inject(ctx, headers);
  return headers;
}

/**
 * The context a consumer should run a message in: `base` (the active context by default) with
 * the producer's span, read from the message's W3C headers, as remote parent. Use it as parent,
 * or take `trace.getSpanContext(result)` as a link when a batch span already is the parent.
 */
export function extractTraceContext(headers: MessageHeaders | undefined, base: Context = context.active()): Context {
  return propagation.extract(base, headers ?? {}, headerGetter);
}

const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    // Kafka header names are case-sensitive; a producer outside Restock may capitalise them.
    const name = key in carrier ? key : Object.keys(carrier).find((k) => k.toLowerCase() === key);
    const value = name === undefined ? undefined : carrier[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};
