import { createCodec, type InventoryChanged, Topics } from '@restock/events';
import { deleteByPrefix, type Redis } from '@restock/redis';
import { compareStreamIds, parseStreamId, STREAM_START } from '../domain/stream-id.js';
import type { StaleKeys } from './stale-keys.js';

const inventoryCodec = createCodec(Topics.inventory);

/** One change of a device as the event stream carries it: its stream id and the inventory.v1 event. */
export interface ChangeMessage {
  id: string;
  event: InventoryChanged;
  /** The device's ids went backwards with this change: streams must resend the state, not compare ids. */
  reset?: boolean;
}

/** What became of an append: `reset` when the device's ids went backwards and its log started over. */
export type AppendOutcome = 'appended' | 'duplicate' | 'reset' | 'unavailable';

const LOG_PREFIX = 'changes:';

/*
 * Appends a change to the device's replay log and publishes it on the device's channel, in one atomic
 * step, only if its id is above the log's newest: every replica consumes every change, and the first
 * one to get here is the one that publishes it; the others see "equal or smaller" and stop.
 *
 * An id below the newest that the log does not hold is either a change a lagging replica brings late
 * (logged by another replica and trimmed since) or a new change whose id went backwards: the device's
 * partition changed when partitions were added, or the topic was recreated. The change's own time
 * tells them apart. A newer one starts the log over and is published as a reset (`!` before the id),
 * which makes every open stream of the device resend its state rather than drop ids it thinks it had.
 */
const APPEND = `
local function add()
  return redis.pcall('XADD', KEYS[1], 'MAXLEN', ARGV[3], ARGV[1], 'c', ARGV[2], 't', ARGV[6])
end
local added = add()
local prefix = ''
if type(added) == 'table' and added.err then
  if not string.find(added.err, 'equal or smaller', 1, true) then return added end
  if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) > 0 then return 0 end
  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
  local t = 0
  if newest then
    for i = 1, #newest[2], 2 do
      if newest[2][i] == 't' then t = tonumber(newest[2][i + 1]) end
    end
  end
  if tonumber(ARGV[6]) <= t then return 0 end
  redis.call('DEL', KEYS[1])
  added = add()
  if type(added) == 'table' and added.err then return added end
  prefix = '!'
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], prefix .. ARGV[1] .. ' ' .. ARGV[2])
if prefix == '!' then return 2 end
return 1`;

export interface ChangeLogOptions {
  redis: Redis;
  /** A log whose deletion is pending is not trusted for replay. */
  staleKeys: StaleKeys;
  /** Changes kept per device. */
  maxLength: number;
  /** ms a device's log outlives its last change. */
  ttlMs: number;
}

/**
 * The per-device replay log (a capped Redis stream) behind Last-Event-ID, and the pub/sub channel
 * that fans each change out to every replica's open streams.
 */
export function createChangeLog(options: ChangeLogOptions) {
  const { redis } = options;
  // Channels are not keys, so ioredis does not prefix them: the client's prefix is added here, which
  // keeps services and test files apart on one Redis.
  const channelPrefix = `${redis.options.keyPrefix ?? ''}${LOG_PREFIX}`;

  const logKey = (deviceId: string) => `${LOG_PREFIX}${deviceId}`;
  // False from a flush until it succeeded: logs older than this replica's start may miss changes.
  let trusted = true;
  let flushRetry: NodeJS.Timeout | undefined;

  async function flushOnce(): Promise<void> {
    try {
      await deleteByPrefix(redis, LOG_PREFIX);
      trusted = true;
    } catch {
      flushRetry = setTimeout(() => void flushOnce(), 1_000); // ms
      flushRetry.unref();
    }
  }

  return {
    logKey,
    channelOf: (deviceId: string) => `${channelPrefix}${deviceId}`,
    /** The device a channel belongs to; undefined for a channel that is not a change channel. */
    deviceOfChannel(channel: string): string | undefined {
      return channel.startsWith(channelPrefix) ? channel.slice(channelPrefix.length) : undefined;
    },

    /** Parses what was published on a channel. */
    parseMessage(message: string): ChangeMessage {
      const reset = message.startsWith('!');
      const space = message.indexOf(' ');
      const id = message.slice(reset ? 1 : 0, space);
      const event = inventoryCodec.decode(message.slice(space + 1)) as InventoryChanged;
      return reset ? { id, event, reset } : { id, event };
    },

    /** Appends and publishes once across replicas; 'unavailable' when Redis did not answer. */
    async append(change: ChangeMessage): Promise<AppendOutcome> {
      try {
        const added = await redis.eval(
          APPEND,
          1,
          logKey(change.event.deviceId),
          change.id,
          JSON.stringify(change.event),
          String(options.maxLength),
          String(options.ttlMs),
          `${channelPrefix}${change.event.deviceId}`,
          String(Date.parse(change.event.occurredAt)),
        );
        return added === 1 ? 'appended' : added === 2 ? 'reset' : 'duplicate';
      } catch {
        return 'unavailable';
      }
    },

    /**
     * The changes after `after`, if the log still holds `after` itself: then nothing between it and
     * them can be missing. Null when it does not (trimmed, expired, flushed, never there), or when
     * Redis does not answer: the caller cannot replay and sends the whole state instead.
     */
    async readAfter(deviceId: string, after: string): Promise<ChangeMessage[] | null> {
      const from = parseStreamId(after);
      if (from === null || after === STREAM_START || !trusted || options.staleKeys.isStale(logKey(deviceId)))
        return null;
      let entries: [string, string[]][];
      try {
        entries = await redis.xrange(logKey(deviceId), after, '+');
      } catch {
        return null;
      }
      const [first, ...rest] = entries;
      if (first === undefined || first[0] !== after) return null;
      const changes: ChangeMessage[] = [];
      for (const [id, fields] of rest) {
        const json = fields[fields.indexOf('c') + 1];
        if (json === undefined) return null;
        changes.push({ id, event: inventoryCodec.decode(json) as InventoryChanged });
      }
      return changes.sort((a, b) => compareStreamIds(parseStreamId(a.id)!, parseStreamId(b.id)!));
    },

    /** The id of the device's newest change in the log, STREAM_START for none; null when Redis does not answer. */
    async latest(deviceId: string): Promise<string | null> {
      try {
        const newest = await redis.xrevrange(logKey(deviceId), '+', '-', 'COUNT', 1);
        return newest[0]?.[0] ?? STREAM_START;
      } catch {
        return null;
      }
    },

    /**
     * Deletes every device's log (a replica starting cannot know what was missed while nobody listened);
     * until that succeeded (retried every second), no log is trusted for replay.
     */
    async flush(): Promise<void> {
      trusted = false;
      clearTimeout(flushRetry);
      await flushOnce();
    },
    stop(): void {
      clearTimeout(flushRetry);
    },
  };
}

export type ChangeLog = ReturnType<typeof createChangeLog>;
