/**
 * Ids of the event stream. A device's changes all come from one inventory.v1 partition (the topic is
 * keyed by device), so the Kafka offset orders them; every replica derives the same id from the
 * offset without talking to the others, and the id is also the entry id of the device's replay log
 * (a Redis stream, whose ids are `<ms>-<seq>` and must be above 0-0).
 */
export type StreamId = readonly [bigint, bigint];

/** The stream id of the inventory.v1 record at `offset`. */
export function streamIdOfOffset(offset: string): string {
  return `${BigInt(offset) + 1n}-0`;
}

/** The id of "nothing yet": every change sorts after it. */
export const STREAM_START = '0-0';

/** Parses `<n>-<n>`; null for anything else (a Last-Event-ID is client input). */
export function parseStreamId(id: string | undefined): StreamId | null {
  const match = id === undefined ? null : /^(\d{1,19})-(\d{1,19})$/.exec(id.trim());
  if (!match) return null;
  return [BigInt(match[1] ?? '0'), BigInt(match[2] ?? '0')];
}

export function compareStreamIds(a: StreamId, b: StreamId): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

export function formatStreamId(id: StreamId): string {
  return `${id[0]}-${id[1]}`;
}
