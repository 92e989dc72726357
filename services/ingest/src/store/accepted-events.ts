import { type Pool, quoteIdent, type Tx } from '@restock/postgres';

/** One event id of one device, accepted at a time of the service clock. */
export interface AcceptedRow {
  deviceId: string;
  /** Lower-case UUID, as PostgreSQL returns it. */
  eventId: string;
  acceptedAt: Date;
}

/** How `recordNew` names a device's event id. */
export function acceptedKey(deviceId: string, eventId: string): string {
  return `${deviceId}/${eventId}`;
}

/** Ingest's durable record of the event ids it published, per device. */
export function acceptedEvents(schema: string) {
  const table = `${quoteIdent(schema)}.accepted_events`;
  return {
    /**
     * Records event ids inside the caller's transaction and returns the keys (`acceptedKey`) of
     * those not recorded before. The rows stay locked until the transaction ends, so a concurrent
     * transaction carrying one of these ids waits here and then sees it as recorded (or as new, if
     * this transaction rolls back). Rows are inserted in (device, id) order: two transactions sharing
     * several ids then lock them in the same order and cannot deadlock.
     */
    async recordNew(tx: Tx, rows: readonly AcceptedRow[]): Promise<Set<string>> {
      const result = await tx.query<{ device_id: string; event_id: string }>(
        `INSERT INTO ${table} (device_id, event_id, accepted_at)
         SELECT device_id, event_id, accepted_at
         FROM unnest($1::text[], $2::uuid[], $3::timestamptz[]) AS r(device_id, event_id, accepted_at)
         ORDER BY device_id, event_id
         ON CONFLICT DO NOTHING RETURNING device_id, event_id`,
        [rows.map((r) => r.deviceId), rows.map((r) => r.eventId), rows.map((r) => r.acceptedAt)],
      );
      return new Set(result.rows.map((r) => acceptedKey(r.device_id, r.event_id)));
    },

    /**
     * Forgets ids accepted before `olderThan`, a batch at a time so no long transaction holds locks
     * the hot path needs. Returns how many were deleted.
     */
    async prune(pool: Pool, olderThan: Date, batchSize = 10_000): Promise<number> {
      let total = 0;
      for (;;) {
        const result = await pool.query(
          `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE accepted_at < $1 LIMIT $2)`,
          [olderThan, batchSize],
        );
        const deleted = result.rowCount ?? 0;
        total += deleted;
        if (deleted < batchSize) return total;
      }
    },
  };
}

export interface PrunerOptions {
  pool: Pool;
  schema: string;
  /** How long an accepted id is remembered, in ms. */
  retentionMs: number;
  /** ms between prunes. */
  intervalMs: number;
  clock: () => Date;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/**
 * Prunes accepted ids older than the retention, once at start and then every `intervalMs`. Several
 * replicas may prune at once: a DELETE of already deleted rows is harmless. A device that resends an
 * id after the retention gets it published again; readers still de-duplicate on the event id
 * (ARCHITECTURE principle 2), so the retention only has to outlast any realistic retry.
 */
export function startPruner(options: PrunerOptions): { stop(): Promise<void> } {
  const store = acceptedEvents(options.schema);
  let running: Promise<void> | undefined;
  let stopped = false;

  const pruneOnce = async () => {
    const olderThan = new Date(options.clock().getTime() - options.retentionMs);
    try {
      const deleted = await store.prune(options.pool, olderThan);
      if (deleted > 0) options.log.info({ deleted, olderThan: olderThan.toISOString() }, 'pruned accepted event ids');
    } catch (error) {
      options.log.warn({ err: error }, 'pruning accepted event ids failed; trying again at the next interval');
    }
  };
  const tick = () => {
    if (stopped || running !== undefined) return;
    running = pruneOnce().finally(() => {
      running = undefined;
    });
  };
  // Not at once: the first prune waits for the service to settle instead of competing with start-up.
  const first = setTimeout(tick, Math.min(options.intervalMs, 10_000)); // ms
  const timer = setInterval(tick, options.intervalMs);
  first.unref();
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
