import type { ServerResponse } from 'node:http';
import { describeError } from '@restock/errors';
import type { BusLog } from '@restock/kafka';
import type { CatalogEntry } from '../domain/device-record.js';
import { slotChange } from '../domain/slot-change.js';
import { compareStreamIds, parseStreamId, STREAM_START, type StreamId } from '../domain/stream-id.js';
import type { DeviceDetail } from '../domain/views.js';
import type { ChangeHub, ChangeListener } from '../store/change-hub.js';
import type { ChangeLog, ChangeMessage } from '../store/change-log.js';

export interface DeviceStreamOptions {
  res: ServerResponse;
  deviceId: string;
  /** For the display of changes: the device's marketplace and localized slot names. */
  device: Pick<CatalogEntry, 'marketplace' | 'model'>;
  changeLog: ChangeLog;
  hub: ChangeHub;
  /** The device's whole current state, as GET /v1/devices/{deviceId} answers it. */
  snapshot: () => Promise<DeviceDetail>;
  heartbeatMs: number;
  log: BusLog;
  onClose: () => void;
}

// A client this far behind is not reading: close, and let it reconnect with its Last-Event-ID.
const MAX_BUFFERED_BYTES = 1_048_576;
// ms an EventSource waits before reconnecting.
const RECONNECT_MS = 2_000;

/**
 * One open event stream of one device. Events in order, each at most once, none missed:
 * - the hub subscription is made first, and whatever arrives while catching up is held back;
 * - catching up replays the device's log after the client's Last-Event-ID when the log still holds
 *   that id (so nothing between can be missing), and otherwise sends the whole state as a `snapshot`
 *   event whose id is the log's newest at the time it was read, so everything after it follows;
 * - held-back and live changes are sent only if their id is above the last one sent.
 * Resyncs (the subscription was down) catch up the same way from the last id sent.
 */
export class DeviceStream implements ChangeListener {
  private lastId: StreamId | null = null;
  private lastIdText: string | undefined;
  private syncing = true;
  private resyncWanted = false;
  private held: ChangeMessage[] = [];
  private closed = false;
  private unsubscribe: (() => void) | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: DeviceStreamOptions) {
    this.heartbeat = setInterval(() => this.write(`: heartbeat ${new Date().toISOString()}\n\n`), options.heartbeatMs);
    this.heartbeat.unref();
    options.res.on('close', () => this.close());
  }

  /** Subscribes, then catches up from the client's Last-Event-ID (or sends the whole state). */
  async open(lastEventId: string | undefined): Promise<void> {
    this.write(`retry: ${RECONNECT_MS}\n\n`);
    this.unsubscribe = await this.options.hub.subscribe(this.options.deviceId, this);
    if (this.closed) {
      this.unsubscribe();
      return;
    }
    await this.sync(lastEventId);
  }

  onChange(change: ChangeMessage): void {
    if (this.closed) return;
    if (this.syncing) this.held.push(change);
    else this.sendChange(change);
  }

  onResync(): void {
    if (this.closed) return;
    if (this.syncing) {
      this.resyncWanted = true;
      return;
    }
    void this.sync(this.lastIdText);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.held = [];
    if (!this.options.res.writableEnded) this.options.res.end();
    this.options.onClose();
  }

  private async sync(after: string | undefined): Promise<void> {
    this.syncing = true;
    try {
      do {
        this.resyncWanted = false;
        const replay =
          after === undefined ? null : await this.options.changeLog.readAfter(this.options.deviceId, after);
        if (this.closed) return;
        if (replay !== null) {
          for (const change of replay) this.sendChange(change);
        } else {
          // The log's newest id first, then the state: the state is at least as new as that id.
          const newest = await this.options.changeLog.latest(this.options.deviceId);
          const state = await this.options.snapshot();
          if (this.closed) return;
          this.sendSnapshot(state, newest);
        }
        after = this.lastIdText;
      } while (this.resyncWanted && !this.closed);
    } catch (error) {
      // The state could not be read (PostgreSQL down): end the stream; the client reconnects and retries.
      this.options.log.warn(
        { deviceId: this.options.deviceId, reason: describeError(error) },
        'event stream sync failed',
      );
      this.close();
      return;
    }
    const held = this.held;
    this.held = [];
    this.syncing = false;
    for (const change of held) this.sendChange(change);
  }

  private sendSnapshot(state: DeviceDetail, newest: string | null): void {
    // The snapshot is where the stream continues from, even below ids sent before (the device's log
    // started over). Without Redis its position is unknown: every change after it is then sent (one
    // already in the snapshot is sent again, harmlessly: clients keep the newest revision of a slot).
    const id = newest ?? STREAM_START;
    const parsed = newest === null ? null : parseStreamId(newest);
    this.lastId = parsed;
    this.lastIdText = parsed === null ? undefined : id;
    this.write(`id: ${id}\nevent: snapshot\ndata: ${JSON.stringify(state)}\n\n`);
  }

  private sendChange(change: ChangeMessage): void {
    const id = parseStreamId(change.id);
    if (id === null) return;
    if (this.lastId !== null && compareStreamIds(id, this.lastId) <= 0) return;
    this.lastId = id;
    this.lastIdText = change.id;
    const data = slotChange(this.options.device, change.event);
    this.write(`id: ${change.id}\nevent: slot\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(text: string): void {
    const { res } = this.options;
    if (this.closed || res.writableEnded) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      this.options.log.warn({ deviceId: this.options.deviceId }, 'event stream client is not reading; closed');
      this.close();
      return;
    }
    res.write(text);
  }
}
