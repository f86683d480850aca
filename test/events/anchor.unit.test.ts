/** The anchor line format: formatting, parsing (and refusing what is not an anchor), `--anchor` arguments. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANCHOR_HEADER, commitTrailer, formatAnchorLine, headLine, parseAnchorArg, parseAnchorFile, type Anchor } from '../../events/anchor.js';

const H1 = 'a'.repeat(64);
const H2 = '0123456789abcdef'.repeat(4);
const MAC = 'f'.repeat(63) + '0';

describe('formatAnchorLine', () => {
  it('writes seq, hash and time, and the HMAC when there is one', () => {
    expect(formatAnchorLine({ seq: 57, hash: H1, at: '2026-11-30T01:02:03.456Z' })).toBe(`seq=57 sha256=${H1} at=2026-11-30T01:02:03.456Z`);
    expect(formatAnchorLine({ seq: 1, hash: H2, at: '2026-11-30T01:02:03.456Z', hmac: MAC })).toBe(`seq=1 sha256=${H2} at=2026-11-30T01:02:03.456Z hmac-sha256=${MAC}`);
  });

  it('refuses what would not parse back: a bad seq, hash, time or HMAC', () => {
    const ok: Anchor = { seq: 3, hash: H1, at: '2026-11-30T01:02:03.456Z' };
    expect(() => formatAnchorLine({ ...ok, seq: 0 })).toThrow(/seq must be a positive integer/);
    expect(() => formatAnchorLine({ ...ok, seq: 1.5 })).toThrow(/seq must be a positive integer/);
    expect(() => formatAnchorLine({ ...ok, hash: H1.toUpperCase() })).toThrow(/64 lowercase hex/);
    expect(() => formatAnchorLine({ ...ok, hash: 'abc' })).toThrow(/64 lowercase hex/);
    expect(() => formatAnchorLine({ ...ok, at: 'two words' })).toThrow(/one word/);
    expect(() => formatAnchorLine({ ...ok, hmac: 'xyz' })).toThrow(/HMAC must be 64/);
  });

  it('round-trips through parseAnchorFile for any anchor', () => {
    const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
    const anchor = fc.record(
      {
        seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        hash: hex64,
        at: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
        hmac: hex64,
      },
      { requiredKeys: ['seq', 'hash', 'at'] },
    );
    fc.assert(
      fc.property(fc.array(anchor, { maxLength: 5 }), (anchors) => {
        const text = `${ANCHOR_HEADER}\n${anchors.map((a) => `${formatAnchorLine(a)}\n`).join('')}`;
        const parsed = parseAnchorFile(text);
        expect(parsed.malformed).toEqual([]);
        expect(parsed.anchors).toEqual(anchors.map((a, i) => ({ line: i + 2, anchor: a })));
      }),
    );
  });
});

describe('parseAnchorFile', () => {
  it('skips comments and reads a last line without its newline', () => {
    const parsed = parseAnchorFile(`# header\nseq=2 sha256=${H1} at=2026-01-01T00:00:00Z\n# note\nseq=9 sha256=${H2} at=2026-01-01T00:00:01Z`);
    expect(parsed.malformed).toEqual([]);
    expect(parsed.anchors.map((a) => [a.line, a.anchor.seq, a.anchor.hash])).toEqual([
      [2, 2, H1],
      [4, 9, H2],
    ]);
  });

  it('reports every line that is not an anchor with its line number and why, and keeps the good ones', () => {
    const lines = [
      `seq=1 sha256=${H1} at=2026-01-01T00:00:00Z`,
      '',
      `seq=0 sha256=${H1} at=2026-01-01T00:00:00Z`,
      `seq=2 sha256=${H1.slice(1)} at=2026-01-01T00:00:00Z`,
      `seq=3 sha256=${H1} at=yesterday`,
      `seq=4 sha256=${H1} at=2026-01-01T00:00:00Z hmac-sha256=short`,
      `seq=5 sha256=${H1} at=2026-01-01T00:00:00Z extra`,
      `seq=99999999999999999 sha256=${H1} at=2026-01-01T00:00:00Z`,
      `seq=6 sha256=${H1} at=2026-01-01T00:00:00Z hmac-sha256=${MAC}`,
      `seq=7 sha256=${H1} at=2026-01-01T00:00:00Z`,
      `seq=8 sha256=${H1.slice(0, 20)}`, // a line torn by a crash
    ];
    const parsed = parseAnchorFile(`${lines.join('\n')}\n`);
    expect(parsed.anchors.map((a) => [a.line, a.anchor.seq, a.anchor.hmac ?? null])).toEqual([
      [1, 1, null],
      [9, 6, MAC],
      [10, 7, null],
    ]);
    expect(parsed.malformed.map((m) => m.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 11]);
    expect(parsed.malformed.find((m) => m.line === 5)?.why).toMatch(/at=yesterday is not a time/);
    expect(parsed.malformed.find((m) => m.line === 8)?.why).toMatch(/too large/);
    expect(parsed.malformed.find((m) => m.line === 2)?.why).toMatch(/expected "seq=N sha256=HASH at=TIME \[hmac-sha256=MAC\]"/);
  });

  it('reads an empty file as no anchors', () => {
    expect(parseAnchorFile('')).toEqual({ anchors: [], malformed: [] });
  });
});

describe('parseAnchorArg', () => {
  it('takes HASH or SEQ:HASH, in any case, with an optional sha256: prefix', () => {
    expect(parseAnchorArg(H2)).toEqual({ seq: null, hash: H2 });
    expect(parseAnchorArg(`57:${H2.toUpperCase()}`)).toEqual({ seq: 57, hash: H2 });
    expect(parseAnchorArg(` 57:sha256:${H2} `)).toEqual({ seq: 57, hash: H2 });
  });

  it('says what was wrong and what is allowed', () => {
    expect(() => parseAnchorArg('nope')).toThrow(/--anchor "nope" is not a head hash: expected HASH or SEQ:HASH/);
    expect(() => parseAnchorArg(H2.slice(0, 12))).toThrow(/the hash has 12 hex digit\(s\), not 64/);
    expect(() => parseAnchorArg(`0:${H2}`)).toThrow(/seq must be a positive integer/);
    expect(() => parseAnchorArg(`-3:${H2}`)).toThrow(/is not a head hash/);
  });

  it('reads back what headLine prints (as SEQ:HASH) and what commitTrailer writes', () => {
    const head = { seq: 42, hash: H2 };
    expect(headLine(head)).toBe(`head: seq 42 sha256 ${H2}`);
    const [, value] = commitTrailer(head).split(': ');
    expect(parseAnchorArg(value!)).toEqual(head);
  });
});
