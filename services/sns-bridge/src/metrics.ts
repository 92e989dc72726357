import { type Meter, metrics } from '@opentelemetry/api';

/** The outcome of one SNS message, as counted. */
export type MessageOutcome =
  | 'published'
  | 'dead-lettered'
  | 'duplicate'
  | 'refused'
  | 'unavailable'
  | 'confirmed'
  | 'unsubscribed';

/** The bridge's counters; created once, on the meter telemetry set up (or a test's). */
export interface BridgeMetrics {
  /** One SNS message handled, by its SNS type and what became of it. */
  message(snsType: string, outcome: MessageOutcome): void;
  /** One notification sent to `sns.dlq`, by reason code. */
  deadLetter(code: string): void;
}

export function createBridgeMetrics(meter: Meter = metrics.getMeter('@restock/sns-bridge')): BridgeMetrics {
  const messages = meter.createCounter('sns_bridge.messages', {
    description: 'SNS messages received on POST /sns, by SNS type and outcome',
  });
  const deadLetters = meter.createCounter('sns_bridge.dead_letters', {
    description: 'DRS notifications accepted but published to sns.dlq instead of a topic, by reason code',
  });
  return {
    message(snsType, outcome) {
      messages.add(1, { 'sns.message.type': snsType, outcome });
    },
    deadLetter(code) {
      deadLetters.add(1, { code });
    },
  };
}
