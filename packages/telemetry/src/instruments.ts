import { type Meter, type MeterProvider, metrics } from '@opentelemetry/api';

/**
 * Instruments created once per meter provider. The metrics API has no proxy provider (unlike
 * tracing), so an instrument created before the SDK starts stays a no-op forever; this re-creates
 * them when the global provider changes (a preload starting late, a test starting telemetry).
 */
export function lazyInstruments<T>(meterName: string, create: (meter: Meter) => T): () => T {
  let provider: MeterProvider | undefined;
  let instruments: T | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (instruments === undefined || current !== provider) {
      provider = current;
      instruments = create(current.getMeter(meterName));
    }
    return instruments;
  };
}
