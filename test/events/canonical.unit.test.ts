import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson } from '../../events/canonical.js';
import { canonicalRecordText, chainHash } from '../../adapters/store/hash.js';

describe('when serialising to canonical JSON', () => {
  it('sorts keys so that key order does not matter', () => {
    expect(canonicalJson({ b: 1, a: 2, c: { z: true, y: null } })).toBe('{"a":2,"b":1,"c":{"y":null,"z":true}}');
    expect(canonicalJson({ a: 2, c: { y: null, z: true }, b: 1 })).toBe(canonicalJson({ c: { z: true, y: null }, b: 1, a: 2 }));
  });

  it('sorts nested objects inside arrays and keeps array order', () => {
    expect(canonicalJson({ list: [{ y: 1, x: [3, { q: 'q', p: 'p' }] }, 2, 'a'] })).toBe('{"list":[{"x":[3,{"p":"p","q":"q"}],"y":1},2,"a"]}');
  });

  it('writes no whitespace and escapes strings like JSON.stringify', () => {
    expect(canonicalJson({ 'key with space': 'line\nbreak "quoted" \u2028 é' })).toBe(JSON.stringify({ 'key with space': 'line\nbreak "quoted" \u2028 é' }));
    expect(canonicalJson([1.5, -0, 1e21, true, false, null])).toBe('[1.5,0,1e+21,true,false,null]');
  });

  it('orders integer-like keys as strings, not numerically', () => {
    expect(canonicalJson({ 10: 'a', 9: 'b', 1: 'c' })).toBe('{"1":"c","10":"a","9":"b"}');
  });

  it('omits undefined object properties and honours toJSON', () => {
    expect(canonicalJson({ a: undefined, b: new Date('2024-01-02T03:04:05.000Z') })).toBe('{"b":"2024-01-02T03:04:05.000Z"}');
  });

  it('rejects NaN and infinities wherever they are', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: { b: [1, Number.NaN] } })).toThrow(/\$\.a\.b\[1\].*non-finite/);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(/non-finite/);
    expect(() => canonicalJson([Number.NEGATIVE_INFINITY])).toThrow(/non-finite/);
  });

  it('rejects undefined inside arrays, holes, functions, symbols, bigints, cycles and non-plain objects', () => {
    expect(() => canonicalJson([1, undefined])).toThrow(/undefined inside an array/);
    // eslint-disable-next-line no-sparse-arrays -- the hole is the input under test
    expect(() => canonicalJson([1, , 3])).toThrow(/hole/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson({ s: Symbol('x') })).toThrow(/symbol/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
    expect(() => canonicalJson({ m: new Map([[1, 2]]) })).toThrow(/non-plain object \(Map\)/);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('accepts shared (non-circular) references', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('is a fixed point of JSON.parse and independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('when hashing the chain', () => {
  const record = {
    seq: 1,
    streamId: 'loop-1',
    streamPosition: 1,
    type: 'TaskCreated',
    schemaVersion: 1,
    data: { title: 'x', taskId: 't' },
    metadata: { by: 'test' },
    createdAt: '2024-01-01T00:00:00.000Z',
  };

  it('has a genesis hash of 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('is sha256 hex of prevHash followed by the canonical record', () => {
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalJson(record))
      .digest('hex');
    expect(chainHash(GENESIS_HASH, record)).toBe(expected);
    expect(chainHash(GENESIS_HASH, record)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when the previous hash or any field changes, and not when key order does', () => {
    const base = chainHash(GENESIS_HASH, record);
    expect(chainHash('1'.repeat(64), record)).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...record, seq: 2 })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...record, data: { title: 'y', taskId: 't' } })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, reverseKeys(record) as object)).toBe(base);
  });

  it('builds the same record text by splicing canonical payload texts', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.nat(),
          streamId: fc.string(),
          streamPosition: fc.nat(),
          type: fc.string(),
          schemaVersion: fc.nat(),
          createdAt: fc.string(),
          data: fc.jsonValue(),
          metadata: fc.dictionary(fc.string(), fc.jsonValue()),
        }),
        (r) => {
          const { data, metadata, ...fields } = r;
          expect(canonicalRecordText(fields, canonicalJson(data), canonicalJson(metadata))).toBe(canonicalJson(r));
        },
      ),
      { numRuns: 300 },
    );
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .reverse()
        .map((k) => [k, reverseKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
