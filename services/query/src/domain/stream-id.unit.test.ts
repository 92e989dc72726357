import { describe, expect, it } from 'vitest';
import { compareStreamIds, formatStreamId, parseStreamId, streamIdOfOffset } from './stream-id.js';

describe('stream ids', () => {
  it('derive from the inventory.v1 offset, above 0-0 even for offset 0', () => {
    expect(streamIdOfOffset('0')).toBe('1-0');
    expect(streamIdOfOffset('9007199254740993')).toBe('9007199254740994-0');
  });

  it('order by offset, numerically', () => {
    const ids = ['10-0', '9-0', '100-0', '10-1'].map((id) => parseStreamId(id)!);
    expect(ids.sort(compareStreamIds).map(formatStreamId)).toEqual(['9-0', '10-0', '10-1', '100-0']);
  });

  it('refuse anything a client could send that is not an id', () => {
    for (const bad of [undefined, '', 'abc', '1', '1-', '-1-0', '1-0-0', '99999999999999999999-0']) {
      expect(parseStreamId(bad)).toBeNull();
    }
  });
});
