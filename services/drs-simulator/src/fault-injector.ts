import type { Pool } from '@restock/postgres';
import {
  completeFaults,
  createRandom,
  type DeliveryPlan,
  decideApiCall,
  decideResolution,
  decideTokenExpiry,
  type FaultSettings,
  planDelivery,
  type Random,
  shuffle,
} from './domain/faults.js';
import { loadFaultSettings, saveFaultSettings } from './store/settings-store.js';

/** The faults in force and the seeded decision streams that apply them. */
export interface FaultInjector {
  settings(): FaultSettings;
  /** Replaces the settings and restarts every stream from the seed, so a run can be repeated. */
  set(settings: FaultSettings): Promise<void>;
  apiCall(): { fail: boolean; delayMs: number };
  tokenExpiry(): boolean;
  planDelivery(): DeliveryPlan;
  shuffle<T>(items: readonly T[]): T[];
  orderNeedsResolution(): boolean;
}

/**
 * Loads the fault settings (none until set). The PRNG state is not stored: after a restart the streams
 * start again from the seed.
 */
export async function createFaultInjector(options: { pool: Pool; defaultSeed: number }): Promise<FaultInjector> {
  const stored = await loadFaultSettings(options.pool);
  let current = completeFaults(stored?.seed ?? options.defaultSeed, stored ?? {});
  let api: Random = createRandom(current.seed, 'api');
  let notifications: Random = createRandom(current.seed, 'notifications');
  let orders: Random = createRandom(current.seed, 'orders');

  return {
    settings: () => current,
    async set(settings: FaultSettings): Promise<void> {
      await saveFaultSettings(options.pool, settings);
      current = settings;
      api = createRandom(settings.seed, 'api');
      notifications = createRandom(settings.seed, 'notifications');
      orders = createRandom(settings.seed, 'orders');
    },
    apiCall: () => decideApiCall(current.api, api),
    tokenExpiry: () => decideTokenExpiry(current.api, api),
    planDelivery: () => planDelivery(current.notifications, notifications),
    shuffle: <T>(items: readonly T[]) => shuffle(items, notifications),
    orderNeedsResolution: () => decideResolution(current.orders, orders),
  };
}
