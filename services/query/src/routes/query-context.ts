import type { BusLog } from '@restock/kafka';
import type { ViewSettings } from '../domain/device-view.js';
import type { QueryMetrics } from '../metrics.js';
import type { ChangeHub } from '../store/change-hub.js';
import type { ChangeLog } from '../store/change-log.js';
import type { CommandStore } from '../store/command-store.js';
import type { DeviceReader } from '../store/device-reader.js';
import type { ViewCache } from '../store/view-cache.js';

/** What the routes work with; built once by `buildApp`. */
export interface QueryContext {
  reader: DeviceReader;
  cache: ViewCache;
  commands: CommandStore;
  changeLog: ChangeLog;
  hub: ChangeHub;
  metrics: QueryMetrics;
  log: BusLog;
  clock: () => Date;
  view: ViewSettings;
  heartbeatMs: number;
  retryAfterSeconds: number;
}
