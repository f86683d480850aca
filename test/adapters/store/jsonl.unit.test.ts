import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainHash } from '../../../adapters/store/hash.js';
import { ChainChecker, JsonlError, LOG_ROW_KEYS, checkedRows, formatLogRow, formatStoredRow, parseLogRow, splitLines, type LogRow } from '../../../adapters/store/jsonl.js';

type Draft = Pick<LogRow, 'streamId' | 'type' | 'data'> & Partial<Pick<LogRow, 'seq' | 'streamPosition' | 'schemaVersion'>>;

/** Rows with correct seqs, positions and hashes (unless a draft overrides seq or position). */
function chain(drafts: Draft[]): LogRow[] {
  const positions = new Map<string, number>();
  let prevHash = GENESIS_HASH;
  return drafts.map((d, i) => {
    const streamPosition = d.streamPosition ?? (positions.get(d.streamId) ?? 0) + 1;
    positions.set(d.streamId, streamPosition);
    const record = {
      seq: d.seq ?? i + 1,
      streamId: d.streamId,
      streamPosition,
      type: d.type,
      schemaVersion: d.schemaVersion ?? 1,
      data: d.data,
      metadata: { session: '0001', at: `2026-01-01T00:00:0${i}.000Z` },
      createdAt: `2026-01-01T00:00:0${i}.500Z`,
    };
    const row = { ...record, prevHash, hash: chainHash(prevHash, record) };
    prevHash = row.hash;
    return row;
  });
}

const sample = (): LogRow[] =>
  chain([
    { streamId: 'session-0001', type: 'LoopStarted', data: { runsRequested: 2, mode: 'quick' } },
    { streamId: 'run-001', type: 'RunPlanned', data: { runId: '001', index: 1 } },
    { streamId: 'session-0001', type: 'StateEntered', data: { from: null, to: 'bootstrap', event: 'x' } },
    { streamId: 'run-001', type: 'RunFinished', data: { runId: '001', metrics: { mean_reward: 1.5 } } },
  ]);

const lines = (rows: LogRow[]): string[] => rows.map(formatLogRow);

/** The JsonlError thrown by `body` (fails the test when nothing or something else is thrown). */
function jsonlError(body: () => unknown): JsonlError {
  try {
    body();
  } catch (e) {
    if (e instanceof JsonlError) return e;
    throw e;
  }
  throw new Error('expected a JsonlError');
}

const checkAll = (input: Iterable<string>) => [...checkedRows(input)];

describe('when a row is formatted', () => {
  it('writes the keys in a fixed order and the payloads canonically, on one line', () => {
    const [row] = chain([{ streamId: 's', type: 'T', data: { z: 1, a: { y: [1, 'two'], b: null } } }]);
    const text = formatLogRow(row!);
    expect(text).not.toContain('\n');
    expect(Object.keys(JSON.parse(text) as object)).toEqual([...LOG_ROW_KEYS]);
    expect(text).toContain('"data":{"a":{"b":null,"y":[1,"two"]},"z":1},"metadata":{"at":');
  });

  it('parses back to the same row', () => {
    for (const row of sample()) expect(parseLogRow(formatLogRow(row), 1)).toEqual(row);
  });

  it('splices stored canonical payload text unchanged, and re-emits non-canonical text canonically', () => {
    const [row] = sample();
    const { data, metadata, ...fields } = row!;
    const canonical = formatStoredRow({ ...fields, dataJson: '{"mode":"quick","runsRequested":2}', metadataJson: JSON.stringify(metadata) });
    expect(canonical).toBe(formatLogRow(row!));
    const spaced = formatStoredRow({ ...fields, dataJson: ' { "runsRequested" : 2, "mode": "quick" } ', metadataJson: JSON.stringify(metadata) });
    expect(spaced).toBe(formatLogRow(row!));
    expect(data).toEqual({ mode: 'quick', runsRequested: 2 });
  });

  it('refuses a stored payload that is not JSON, naming the seq', () => {
    const { data: _d, metadata: _m, ...fields } = sample()[1]!;
    expect(() => formatStoredRow({ ...fields, dataJson: '{broken', metadataJson: '{}' })).toThrow(/seq 2: the stored data is not valid JSON/);
  });
});

describe('when a line is malformed', () => {
  const good = (): Record<string, unknown> => JSON.parse(formatLogRow(sample()[0]!)) as Record<string, unknown>;
  const withField = (key: string, value: unknown) => JSON.stringify({ ...good(), [key]: value });
  const without = (key: string) => {
    const o = good();
    delete o[key];
    return JSON.stringify(o);
  };

  it('names the line of invalid JSON', () => {
    const e = jsonlError(() => checkAll([formatLogRow(sample()[0]!), '{"seq":2,']));
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^line 2: is not valid JSON/);
  });

  it('names the line of a value that is not an object', () => {
    expect(jsonlError(() => parseLogRow('[1,2]', 7)).message).toBe('line 7: is not a JSON object');
  });

  it.each([
    ['seq', '1', /must be a positive integer \(got "1"\)/],
    ['seq', 0, /must be a positive integer/],
    ['streamPosition', 1.5, /must be a positive integer/],
    ['schemaVersion', null, /must be a positive integer/],
    ['streamId', '', /must be a non-empty string/],
    ['type', 3, /must be a non-empty string/],
    ['createdAt', false, /must be a non-empty string/],
    ['metadata', [], /must be a JSON object/],
    ['prevHash', 'abc', /must be 64 lowercase hex digits/],
    ['hash', 'F'.repeat(64), /must be 64 lowercase hex digits/],
  ])('names the field %s when it holds %j', (key, value, message) => {
    const e = jsonlError(() => parseLogRow(withField(key, value), 3));
    expect(e.line).toBe(3);
    expect(e.field).toBe(key);
    expect(e.message).toContain(`line 3: field "${key}"`);
    expect(e.message).toMatch(message);
  });

  it.each([...LOG_ROW_KEYS])('names the missing field %s', (key) => {
    const e = jsonlError(() => parseLogRow(without(key), 4));
    expect(e).toMatchObject({ line: 4, field: key });
  });

  it('refuses a field that is not part of the format', () => {
    const e = jsonlError(() => parseLogRow(withField('event', {}), 5));
    expect(e).toMatchObject({ line: 5, field: 'event' });
    expect(e.message).toBe('line 5: field "event" is not part of the format');
  });

  it('accepts data of any JSON type, null included', () => {
    expect(parseLogRow(withField('data', null), 1).data).toBeNull();
  });
});

describe('when the lines form an intact log', () => {
  it('yields every row with its line number', () => {
    const rows = sample();
    expect(checkAll(lines(rows))).toEqual(rows.map((row, i) => ({ line: i + 1, row })));
  });

  it('skips blank lines, keeps counting them, and ignores CRLF line ends', () => {
    const [a, b] = lines(sample());
    const got = checkAll([`${a!}\r`, '', '   ', `${b!}\r`]);
    expect(got.map((r) => [r.line, r.row.seq])).toEqual([
      [1, 1],
      [4, 2],
    ]);
  });

  it('reports count, streams and head hash through the checker', () => {
    const rows = sample();
    const checker = new ChainChecker();
    Array.from(checkedRows(lines(rows), checker));
    expect({ count: checker.count, streams: checker.streams, head: checker.headHash }).toEqual({ count: 4, streams: 2, head: rows[3]!.hash });
  });

  it('accepts an empty file', () => {
    expect(checkAll(splitLines(''))).toEqual([]);
    expect(new ChainChecker().headHash).toBe(GENESIS_HASH);
  });

  it('splits a text with or without a final newline', () => {
    expect(splitLines('a\nb\n')).toEqual(['a', 'b']);
    expect(splitLines('a\nb')).toEqual(['a', 'b']);
  });
});

describe('when the chain was tampered with', () => {
  it('names the line whose payload was edited', () => {
    const text = lines(sample());
    text[2] = text[2]!.replace('"to":"bootstrap"', '"to":"train"');
    const e = jsonlError(() => checkAll(text));
    expect(e).toMatchObject({ line: 3, field: 'hash' });
    expect(e.message).toBe('line 3: field "hash" does not match the row: its payload or fields were altered');
  });

  it('names the line whose metadata or timestamp was edited', () => {
    const text = lines(sample());
    text[1] = text[1]!.replace('"createdAt":"2026-01-01T00:00:01.500Z"', '"createdAt":"2026-01-01T00:00:01.501Z"');
    expect(jsonlError(() => checkAll(text))).toMatchObject({ line: 2, field: 'hash' });
  });

  it('names the next line when an edited row had its hash recomputed', () => {
    const rows = sample();
    const edited = { ...rows[1]!, data: { runId: '001', index: 9 } };
    const { prevHash: _p, hash: _h, ...record } = edited;
    rows[1] = { ...edited, hash: chainHash(edited.prevHash, record) };
    const e = jsonlError(() => checkAll(lines(rows)));
    expect(e).toMatchObject({ line: 3, field: 'prevHash' });
    expect(e.message).toBe('line 3: field "prevHash" does not link to the hash of seq 2');
  });

  it('refuses a first row that does not start from the genesis hash', () => {
    const rows = sample();
    rows[0] = { ...rows[0]!, prevHash: 'a'.repeat(64) };
    expect(jsonlError(() => checkAll(lines(rows)))).toMatchObject({ line: 1, field: 'prevHash' });
  });

  it('reads nothing past the first bad line', () => {
    const text = lines(sample());
    text[1] = '{';
    let read = 0;
    function* counting() {
      for (const l of text) {
        read += 1;
        yield l;
      }
    }
    expect(() => checkAll(counting())).toThrow(JsonlError);
    expect(read).toBe(2);
  });
});

describe('when the sequence has gaps', () => {
  it('names the line after a deleted one, with the missing seq', () => {
    const text = lines(sample());
    text.splice(1, 1);
    const e = jsonlError(() => checkAll(text));
    expect(e).toMatchObject({ line: 2, field: 'seq' });
    expect(e.message).toBe('line 2: field "seq" is 3: seq 2 is missing');
  });

  it('names a line whose seq repeats or goes back', () => {
    const text = lines(sample());
    text.splice(2, 0, text[1]!);
    expect(jsonlError(() => checkAll(text)).message).toBe('line 3: field "seq" is 2, expected 3 (repeated or out of order)');
  });

  it('names a line whose stream position skips ahead, even when its hash is consistent', () => {
    const rows = chain([
      { streamId: 'a', type: 'T', data: 1 },
      { streamId: 'b', type: 'T', data: 2 },
      { streamId: 'a', type: 'T', data: 3, streamPosition: 3 },
    ]);
    const e = jsonlError(() => checkAll(lines(rows)));
    expect(e).toMatchObject({ line: 3, field: 'streamPosition' });
    expect(e.message).toBe('line 3: field "streamPosition" is 3, expected 2: the positions of stream "a" must run 1, 2, 3… without gaps');
  });

  it('names a new stream that does not start at position 1', () => {
    const rows = chain([{ streamId: 'a', type: 'T', data: 1, streamPosition: 2 }]);
    expect(jsonlError(() => checkAll(lines(rows)))).toMatchObject({ line: 1, field: 'streamPosition' });
  });

  it('names a log that does not start at seq 1', () => {
    const rows = chain([{ streamId: 'a', type: 'T', data: 1, seq: 2 }]);
    expect(jsonlError(() => checkAll(lines(rows))).message).toBe('line 1: field "seq" is 2: seq 1 is missing');
  });
});
