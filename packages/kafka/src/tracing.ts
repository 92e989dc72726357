import { type Context, context, propagation, type TextMapGetter } from '@opentelemetry/api';

/** W3C trace context of the active span as Kafka header strings (empty when no tracer is set up). */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

const headerGetter: TextMapGetter<Record<string, Buffer | string | (Buffer | string)[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** The producer's context carried in a consumed message's headers. */
export function contextFromHeaders(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
): Context {
  return propagation.extract(context.active(), headers ?? {}, headerGetter);
}
