import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { BusLog } from './log.js';

export type { Kafka } from 'kafkajs';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  log: BusLog;
  /** Per-request timeout in ms. */
  requestTimeout?: number;
  /** How many times kafkajs retries a failed request before giving up. */
  retries?: number;
}

/** The kafkajs client, its logs routed to our logger. Only this package imports kafkajs. */
export function createKafka(options: KafkaOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: options.requestTimeout ?? 10_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 5_000 },
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        const fields = { ...rest, component: 'kafkajs' };
        if (level === KafkaLogLevel.ERROR) options.log.error(fields, message);
        else if (level === KafkaLogLevel.WARN) options.log.warn(fields, message);
        else options.log.debug(fields, message);
      },
  });
}
