import type { Pool, Tx } from '@restock/postgres';
import type { DrsNotificationVersion } from '@restock/sns';
import type { Logger } from '@restock/telemetry';
import type { OrderLifeSettings } from './domain/order-life.js';
import type { FaultInjector } from './fault-injector.js';
import { newNotificationId } from './identifiers.js';
import type { SimulatedClock } from './simulated-clock.js';
import type { NotificationStamp } from './sns/drs-notifications.js';
import type { Publisher } from './sns/publisher.js';
import { getModel } from './store/models-store.js';

/** What the simulator's actions share: storage, time, SNS publishing, faults and settings. */
export interface SimulatorContext {
  pool: Pool;
  clock: SimulatedClock;
  publisher: Publisher;
  faults: FaultInjector;
  log: Logger;
  settings: SimulatorSettings;
}

/** The configuration the actions read, already parsed. */
export interface SimulatorSettings {
  lwaClientId: string;
  lwaClientSecret: string;
  redirectUris: readonly string[];
  accessTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  notificationVersion: DrsNotificationVersion;
  defaultTopicArn: string;
  defaultMarketplace: string;
  orderLife: OrderLifeSettings;
}

/** A fresh notification id and time for the next notification. */
export function stampNow(context: SimulatorContext): NotificationStamp {
  return {
    notificationId: newNotificationId(),
    notificationTime: context.clock.now(),
    lwaClientId: context.settings.lwaClientId,
    version: context.settings.notificationVersion,
  };
}

/** The topic a device model's notifications are published on. */
export async function topicOfModel(context: SimulatorContext, tx: Tx, modelId: string): Promise<string> {
  const model = await getModel(tx, modelId);
  return model?.topicArn ?? context.settings.defaultTopicArn;
}
