import { randomInt, randomUUID } from 'node:crypto';
import { type CatalogClient, createCatalogClient } from './clients/catalog-client.js';
import { createIngestClient, type IngestClient } from './clients/ingest-client.js';
import { operatorTokenSource } from './clients/operator-token.js';
import {
  createReportUploader,
  emptyUploadStats,
  type ReportUploader,
  type UploaderLog,
  type UploadStats,
} from './clients/report-uploader.js';
import { waitUntilReady } from './clients/wait-until-ready.js';
import type { SimulatorEnv } from './config.js';
import { type AcceleratedClock, acceleratedClock, simulatedMorningOf } from './domain/accelerated-clock.js';
import { type ConsumptionProfile, drawUse, drawUseTimes, profileFor } from './domain/consumption-profiles.js';
import { type Random, randomStream } from './domain/random.js';
import { applyUse, percentOf } from './domain/simulated-device.js';
import { type FleetDevice, setUpFleet, toStored } from './fleet-setup.js';
import { loadState, type SimulatorState, saveState } from './store/device-state-file.js';

/**
 * The simulator: sets the fleet up through the catalog, then steps simulated time forward every
 * TICK_MS, lets each household use its device, and uploads each device's reports to ingest.
 */

/** A new credential reaches ingest through catalog.v1 in seconds; a 401 within this is only that, ms. */
const CREDENTIAL_PROPAGATION_MS = 60_000;
/** Shortest time between two rotations of one device's credential after persistent 401s, ms. */
const ROTATION_INTERVAL_MS = 5 * 60_000;
/** How often levels are saved, ms: a crash loses at most this much of the households' use. */
const SAVE_INTERVAL_MS = 30_000;
/** How long stop() keeps uploading what is queued, ms. */
const DRAIN_DEADLINE_MS = 5_000;
/** Devices listed one per line in the status log; larger fleets get a summary line. */
const STATUS_DEVICES_LISTED = 10;

export type SimulatorLog = UploaderLog;

export interface SimulatorDeps {
  config: Readonly<SimulatorEnv>;
  log: SimulatorLog;
  now?: () => number;
  fetch?: typeof fetch;
  /** Told the event ids of every 202 (tests compare them with the consumption topic). */
  onAccepted?: (deviceId: string, eventIds: readonly string[]) => void;
}

export interface SimulatorStats extends UploadStats {
  /** Reports produced by the households so far. */
  reported: number;
  /** Refills the owners made (a new cartridge, a refilled tank, a new box of pods). */
  refills: number;
  /** Reports not yet accepted. */
  backlog: number;
}

export interface Simulator {
  readonly seed: number;
  /** Waits until ingest and the catalog are ready, then creates models and provisions devices as needed. */
  setup(): Promise<readonly FleetDevice[]>;
  /** Starts simulated time and the uploads. */
  start(): void;
  /** Stops the clock, uploads what is queued (for a few seconds at most) and saves the state. */
  stop(): Promise<void>;
  stats(): SimulatorStats;
}

interface RunningDevice {
  fleet: FleetDevice;
  profile: ConsumptionProfile;
  random: Random;
  /** Simulated time up to which use has been drawn. */
  simCursor: number;
  lastSequence: number;
  lastRotationAt: number;
  uploader: ReportUploader;
  uploading: boolean;
}

export function createSimulator(deps: SimulatorDeps): Simulator {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const seed = config.SEED ?? randomInt(2 ** 32 - 1);
  const uploadStats = emptyUploadStats();
  const counters = { reported: 0, refills: 0 };
  const abort = new AbortController();
  const running: RunningDevice[] = [];
  const inFlight = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  const jitter = randomStream(seed, 'jitter', 0);
  let state: SimulatorState | null = null;
  let clock: AcceleratedClock | null = null;
  let saving: Promise<void> = Promise.resolve();
  let stopped = false;

  const ingest: IngestClient = createIngestClient({
    baseUrl: config.INGEST_URL,
    now,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

  function persist(): Promise<void> {
    if (state === null) return saving;
    const snapshot: SimulatorState = { ...state, devices: running.map((d) => toStored(d.fleet)) };
    // One write at a time, in order: the file always ends with the latest snapshot.
    saving = saving
      .then(() => saveState(config.STATE_FILE, snapshot))
      .catch((error: unknown) => log.warn({ err: error, file: config.STATE_FILE }, 'could not save the state'));
    return saving;
  }

  // Created at setup: a missing OPERATOR_TOKEN / AUTH_HMAC_SECRET fails there, before any device runs.
  let catalog: CatalogClient | null = null;

  async function renewCredential(device: RunningDevice, attempt: number): Promise<void> {
    const t = now();
    if (t - device.fleet.credentialIssuedAt < CREDENTIAL_PROPAGATION_MS) return;
    if (t - device.lastRotationAt < ROTATION_INTERVAL_MS) return;
    device.lastRotationAt = t;
    if (catalog === null) return;
    const rotated = await catalog.rotateCredential(device.fleet.deviceId);
    device.fleet.credential = rotated.credential;
    device.fleet.credentialIssuedAt = now();
    log.warn({ deviceId: device.fleet.deviceId, attempt }, 'ingest kept refusing the credential: rotated it');
    await persist();
  }

  function step(): void {
    if (clock === null) return;
    const realNow = now();
    const simNow = clock.simAt(realNow);
    for (const device of running) {
      for (const at of drawUseTimes(device.profile, device.simCursor, simNow, device.random)) {
        const outcome = applyUse(
          device.fleet.levels,
          device.fleet.slots,
          drawUse(device.profile, device.random),
          device.fleet.marketplace,
        );
        device.fleet.levels = outcome.levels;
        for (const slotId of outcome.refilled) {
          counters.refills++;
          log.info({ deviceId: device.fleet.deviceId, kind: device.fleet.kind, slotId }, 'the owner refilled the slot');
        }
        const occurredAt = new Date(clock.realAt(at)).toISOString();
        for (const draft of outcome.reports) {
          // Microseconds of the real clock: increasing within a run and across restarts, without
          // having to save the counter.
          device.lastSequence = Math.max(device.lastSequence + 1, realNow * 1000);
          device.uploader.enqueue({ ...draft, eventId: randomUUID(), occurredAt, sequence: device.lastSequence });
          counters.reported++;
        }
      }
      device.simCursor = simNow;
    }
    for (const device of running) {
      if (inFlight.size >= config.MAX_IN_FLIGHT) break;
      if (device.uploading || !device.uploader.due(realNow)) continue;
      device.uploading = true;
      const upload = device.uploader.upload().finally(() => {
        device.uploading = false;
        inFlight.delete(upload);
      });
      inFlight.add(upload);
    }
  }

  function logStatus(): void {
    if (clock === null) return;
    const stats = simulator.stats();
    const simulatedAt = new Date(clock.simAt(now())).toISOString();
    if (running.length <= STATUS_DEVICES_LISTED) {
      for (const device of running) {
        const levels = Object.fromEntries(
          device.fleet.slots.map((s) => [s.slotId, `${percentOf(device.fleet.levels[s.slotId] ?? 0, s.capacity)}%`]),
        );
        log.info(
          { deviceId: device.fleet.deviceId, kind: device.fleet.kind, pattern: device.profile.pattern, levels },
          'device levels',
        );
      }
    }
    log.info({ simulatedAt, devices: running.length, ...stats }, 'simulator status');
  }

  const simulator: Simulator = {
    seed,

    async setup() {
      log.info(
        {
          devices: config.DEVICES,
          timeScale: config.TIME_SCALE,
          simulatedDayEverySeconds: Math.round((86_400 / config.TIME_SCALE) * 10) / 10,
          seed,
          ingest: config.INGEST_URL,
          catalog: config.CATALOG_URL,
        },
        'device simulator (development, demo and load only)',
      );
      const token = operatorTokenSource(config, now);
      await waitUntilReady(
        [
          { name: 'catalog', baseUrl: config.CATALOG_URL },
          { name: 'ingest', baseUrl: config.INGEST_URL },
        ],
        { timeoutMs: config.READY_TIMEOUT_MS, log, signal: abort.signal, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
      );
      catalog = createCatalogClient({
        baseUrl: config.CATALOG_URL,
        token,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      state = await loadState(config.STATE_FILE, config.CATALOG_URL);
      const fleet = await setUpFleet({
        catalog,
        config,
        seed,
        state,
        save: async (s) => {
          state = s;
          await saveState(config.STATE_FILE, s);
        },
        log,
        now,
      });
      running.splice(0);
      for (const member of fleet) {
        const uploader = createReportUploader(
          { deviceId: member.deviceId, credential: () => member.credential },
          {
            client: ingest,
            intervalMs: config.REPORT_INTERVAL_MS,
            stats: uploadStats,
            log,
            now,
            draw: jitter.next,
            // Called only once uploads run, long after `device` below exists.
            onUnauthorized: (_deviceId, attempt) => renewCredential(device, attempt),
            ...(deps.onAccepted ? { onAccepted: deps.onAccepted } : {}),
          },
        );
        const device: RunningDevice = {
          fleet: member,
          profile: profileFor(seed, member.index, member.kind),
          random: randomStream(seed, 'use', member.index),
          simCursor: 0,
          lastSequence: 0,
          lastRotationAt: 0,
          uploading: false,
          uploader,
        };
        running.push(device);
      }
      return fleet;
    },

    start() {
      if (stopped) throw new Error('the simulator was stopped');
      const startMs = now();
      const simStartMs = simulatedMorningOf(startMs);
      clock = acceleratedClock(startMs, simStartMs, config.TIME_SCALE);
      for (const device of running) device.simCursor = simStartMs;
      timers.push(setInterval(step, config.TICK_MS));
      timers.push(setInterval(logStatus, config.STATUS_INTERVAL_MS));
      // Not unref'd: these timers are what keeps the simulator's process running until stop().
      timers.push(setInterval(() => void persist(), SAVE_INTERVAL_MS));
    },

    async stop() {
      if (stopped) return saving;
      stopped = true;
      abort.abort();
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.allSettled([...inFlight]);
      // What the households used last still goes out, unless ingest keeps refusing it.
      const deadline = now() + DRAIN_DEADLINE_MS;
      while (now() < deadline && running.some((d) => d.uploader.backlog() > 0)) {
        const due = running.filter((d) => d.uploader.due(now()));
        if (due.length === 0) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        await Promise.allSettled(due.map((d) => d.uploader.upload()));
      }
      const backlog = running.reduce((n, d) => n + d.uploader.backlog(), 0);
      if (backlog > 0) log.warn({ backlog }, 'stopped with reports not accepted by ingest');
      await persist();
    },

    stats() {
      return {
        ...uploadStats,
        ...counters,
        backlog: running.reduce((n, d) => n + d.uploader.backlog(), 0),
      };
    },
  };
  return simulator;
}
