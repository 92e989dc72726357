import { randomUUID } from 'node:crypto';
import { type ConsumptionReported, createCodec, Topics } from '@restock/events';
import { type BusProducer, createKafka, createProducer, silentLog } from '@restock/kafka';
import { createTestKafka, createTestTopics, readTopic } from '@restock/kafka/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventPublisher } from './event-publisher.js';

const codec = createCodec(Topics.consumption);
const kafka = createTestKafka('ingest-publisher');
const deadKafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'dead', log: silentLog, retries: 1 });
let topic: string;
const opened: BusProducer[] = [];

beforeAll(async () => {
  topic = (await createTestTopics(kafka))['consumption.v1']!;
  afterAll(async () => {
    for (const p of opened) await p.disconnect();
  });
});

function event(deviceId: string): ConsumptionReported {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    type: 'ConsumptionReported',
    version: 1,
    deviceId,
    occurredAt: now,
    recordedAt: now,
    source: 'ingest',
    data: { slotId: 'pods', quantity: 1, unit: 'count', reported: { quantity: 1, unit: 'pod' }, sequence: 1 },
  };
}

/** A real producer whose sends are counted. */
function countingProducer(target = kafka): { producer: BusProducer; sends: () => number } {
  const real = createProducer(target, { log: silentLog, retry: { retries: 1 } });
  let sends = 0;
  return {
    producer: {
      ...real,
      async sendMessages(messages) {
        sends++;
        await real.sendMessages(messages);
      },
    },
    sends: () => sends,
  };
}

describe('the event publisher', () => {
  it('sends concurrent publishes together, each resolving with its own acknowledgement', async () => {
    const counting = countingProducer();
    const publisher = createEventPublisher({ createProducer: () => counting.producer, log: silentLog });
    opened.push(publisher);
    const events = Array.from({ length: 60 }, (_, i) => event(`dev-${i % 7}`));
    await Promise.all(events.map((e) => publisher.publish(codec, [e], topic)));
    expect(counting.sends()).toBeLessThan(events.length);

    const messages = await readTopic(kafka, topic, events.length);
    expect(messages.map((m) => m.headers?.['event-id']?.toString()).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('rejects a publish retriably when the broker is unreachable, then uses a new producer for the next', async () => {
    const made: string[] = [];
    const publisher = createEventPublisher({
      log: silentLog,
      createProducer: () => {
        made.push(made.length === 0 ? 'dead' : 'live');
        return made.length === 1 ? createProducer(deadKafka, { log: silentLog }) : countingProducer().producer;
      },
    });
    opened.push(publisher);
    await expect(publisher.publish(codec, [event('dev-dead')], topic)).rejects.toMatchObject({ retriable: true });
    await publisher.publish(codec, [event('dev-live')], topic);
    expect(made).toEqual(['dead', 'live']);
  });

  it('finishes what was queued when closed, and refuses what comes after', async () => {
    const publisher = createEventPublisher({ createProducer: () => countingProducer().producer, log: silentLog });
    const queued = publisher.publish(codec, [event('dev-close')], topic);
    await publisher.disconnect();
    await expect(queued).resolves.toBeUndefined();
    await expect(publisher.publish(codec, [event('dev-close')], topic)).rejects.toMatchObject({ code: 'BUS_STOPPED' });
  });
});
