import type { TSchema } from '@sinclair/typebox';
import { InventoryAdjusted, SlotPreferencesChanged } from './adjustments.js';
import {
  DeviceClaimed,
  DeviceCredentialRevoked,
  DeviceCredentialRotated,
  DeviceModelDefined,
  DeviceModelDeleted,
  DeviceProvisioned,
} from './catalog.js';
import { DeregisterRequested, LinkDrsAccount, ReplenishRequested, SlotStatusDue } from './commands.js';
import { ConsumptionReported, LevelReported } from './consumption.js';
import { InventoryChanged } from './inventory.js';
import { ItemShipped, OrderCancelled, OrderPlaced, ShipmentArrived } from './orders.js';
import { DrsCallCompleted } from './outcomes.js';
import { DeviceDeregistered, DeviceRegistered, SubscriptionChanged } from './subscriptions.js';

const DAY = 24 * 60 * 60 * 1000; // ms

export interface TopicDefinition<E extends readonly TSchema[] = readonly TSchema[]> {
  name: string;
  partitions: number;
  /** `compact` keeps the last record per key; `delete` keeps records for `retentionMs` (-1: forever). */
  cleanupPolicy: 'compact' | 'delete';
  retentionMs: number;
  /** The event schemas this topic carries: one discriminated union on `type` and `version`. */
  events: E;
  /** Whether `<name>.dlq` exists for messages that cannot be applied. */
  dlq: boolean;
}

function topic<const E extends readonly TSchema[]>(def: TopicDefinition<E>): TopicDefinition<E> {
  return def;
}

/**
 * The topic catalogue: the one declaration that local bootstrap, Strimzi KafkaTopics, producers and
 * consumers all read. The log is the truth (ARCHITECTURE principle 1), so the fact topics keep
 * everything; derived and command topics keep what a replay regenerates anyway.
 */
export const Topics = {
  catalog: topic({
    name: 'catalog.v1',
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    events: [
      DeviceModelDefined,
      DeviceModelDeleted,
      DeviceProvisioned,
      DeviceClaimed,
      DeviceCredentialRotated,
      DeviceCredentialRevoked,
    ],
    dlq: true,
  }),
  consumption: topic({
    name: 'consumption.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: -1,
    events: [ConsumptionReported, LevelReported],
    dlq: true,
  }),
  orders: topic({
    name: 'orders.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: -1,
    events: [OrderPlaced, ItemShipped, ShipmentArrived, OrderCancelled],
    dlq: true,
  }),
  subscriptions: topic({
    name: 'subscriptions.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: -1,
    events: [DeviceRegistered, SubscriptionChanged, DeviceDeregistered],
    dlq: true,
  }),
  adjustments: topic({
    name: 'adjustments.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: -1,
    events: [InventoryAdjusted, SlotPreferencesChanged],
    dlq: true,
  }),
  inventory: topic({
    name: 'inventory.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY,
    events: [InventoryChanged],
    dlq: true,
  }),
  commands: topic({
    name: 'commands.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY,
    events: [ReplenishRequested, SlotStatusDue, LinkDrsAccount, DeregisterRequested],
    dlq: true,
  }),
  outcomes: topic({
    name: 'outcomes.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY,
    events: [DrsCallCompleted],
    dlq: true,
  }),
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics]['name'];

/** Dead-letter topics that are not `<topic>.dlq` of a catalogue topic (the bridge's rejected notifications). */
export const StandaloneDlqTopics = ['sns.dlq'] as const;

export const DLQ_RETENTION_MS = 30 * DAY;

export function dlqName(topicName: string): string {
  return `${topicName}.dlq`;
}

/** Every topic to create: the catalogue, their DLQs and the standalone DLQs. */
export function allTopicSpecs(): { name: string; partitions: number; config: Record<string, string> }[] {
  const specs: { name: string; partitions: number; config: Record<string, string> }[] = [];
  for (const t of Object.values(Topics)) {
    specs.push({
      name: t.name,
      partitions: t.partitions,
      config:
        t.cleanupPolicy === 'compact'
          ? { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(60 * 60 * 1000) }
          : { 'cleanup.policy': 'delete', 'retention.ms': String(t.retentionMs) },
    });
    if (t.dlq) specs.push(dlqSpec(dlqName(t.name)));
  }
  for (const name of StandaloneDlqTopics) specs.push(dlqSpec(name));
  return specs;
}

function dlqSpec(name: string) {
  return { name, partitions: 1, config: { 'cleanup.policy': 'delete', 'retention.ms': String(DLQ_RETENTION_MS) } };
}
