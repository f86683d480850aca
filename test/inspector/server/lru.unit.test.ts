import { describe, expect, it } from 'vitest';
import { Lru } from '../../../inspector/server/lru.js';

describe('the replay reports cache (LRU)', () => {
  it('keeps at most max entries, dropping the least recently used', () => {
    const lru = new Lru<number, string>(2);
    lru.set(1, 'a');
    lru.set(2, 'b');
    expect(lru.get(1)).toBe('a');
    lru.set(3, 'c');
    expect(lru.get(2)).toBeUndefined();
    expect([lru.get(1), lru.get(3), lru.size]).toEqual(['a', 'c', 2]);
    lru.set(3, 'C');
    lru.set(4, 'd');
    expect([lru.get(1), lru.get(3), lru.get(4)]).toEqual([undefined, 'C', 'd']);
  });
});
