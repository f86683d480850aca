/**
 * The event log as JSON lines: one stored row per line, verbatim (never upcast), in global order,
 * with a fixed key order so that an exported log diffs cleanly under git:
 *
 * ```
 * {"seq":1,"streamId":"session-…","streamPosition":1,"type":"LoopStarted","schemaVersion":1,
 *  "data":{…},"metadata":{…},"createdAt":"…","prevHash":"000…","hash":"…"}
 * ```
 *
 * `data` and `metadata` are canonical JSON (keys sorted), exactly the text the store keeps.
 * This module formats and parses lines and checks a sequence of them (hash chain, gapless seqs
 * and stream positions); it does no I/O. Hashing is delegated to `adapters/store/hash.ts`.
 */
import { canonicalJson } from '../../events/canonical.js';
import { GENESIS_HASH, chainHash, type HashedRecord } from './hash.js';
import { AutopilotError } from '../../domain/errors.js';
import type { StoredRow } from './sqlite-store.js';

/**
 * The export format's row: one line of the file. Unlike a {@link StoredRow} its payloads are JSON
 * values (not stored text), and it may carry the content of a blob the stored row only refers to.
 */
export interface LogRow extends HashedRecord {
  metadata: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /**
   * When `data` is a blob reference (see `events/blobs.ts`): the blob's content, so that the file
   * carries everything the log needs. Not part of the hashed record; checked against the reference.
   */
  blob?: unknown;
}

/** A checked row and the (1-based) line of the file it came from. */
export interface NumberedRow {
  line: number;
  row: LogRow;
}

/** The keys of a line, in the order they are written. */
export const LOG_ROW_KEYS = ['seq', 'streamId', 'streamPosition', 'type', 'schemaVersion', 'data', 'metadata', 'createdAt', 'prevHash', 'hash'] as const satisfies readonly (keyof LogRow)[];

/** The optional key written last, only on a line whose `data` is a blob reference. */
export const BLOB_KEY = 'blob';

/** A line that is malformed or breaks the log's invariants; names the line and, when known, the field. */
export class JsonlError extends AutopilotError {
  override readonly name = 'JsonlError';
  readonly line: number;
  readonly field: string | undefined;

  constructor(line: number, problem: string, field?: string, options?: { cause?: unknown }) {
    super('jsonl', `line ${line}: ${field === undefined ? '' : `field "${field}" `}${problem}`, { ...(field === undefined ? {} : { key: field }), cause: options?.cause });
    this.line = line;
    this.field = field;
  }
}

/** One line (without its newline) for `row`: keys in {@link LOG_ROW_KEYS} order, `data` and `metadata` as canonical JSON. */
export function formatLogRow(row: LogRow): string {
  return formatLine(row, canonicalJson(row.data), canonicalJson(row.metadata), row.blob === undefined ? undefined : canonicalJson(row.blob));
}

/**
 * One line for a row as the store keeps it, its payload texts re-emitted canonically: for a row
 * the store wrote (payloads already canonical) the payload bytes are unchanged.
 * @throws TypeError naming the seq when a stored payload is not valid JSON.
 */
export function formatStoredRow(row: StoredRow, blobJson?: string): string {
  const canonical = (text: string, field: string): string => {
    try {
      return canonicalJson(JSON.parse(text));
    } catch (error) {
      throw new TypeError(`seq ${row.seq}: the stored ${field} is not valid JSON (${(error as Error).message})`, { cause: error });
    }
  };
  return formatLine(row, canonical(row.dataJson, 'data'), canonical(row.metadataJson, 'metadata'), blobJson);
}

function formatLine(row: Omit<LogRow, 'data' | 'metadata' | 'blob'>, dataJson: string, metadataJson: string, blobJson: string | undefined): string {
  const s = JSON.stringify;
  return (
    `{"seq":${s(row.seq)},"streamId":${s(row.streamId)},"streamPosition":${s(row.streamPosition)},"type":${s(row.type)},` +
    `"schemaVersion":${s(row.schemaVersion)},"data":${dataJson},"metadata":${metadataJson},` +
    `"createdAt":${s(row.createdAt)},"prevHash":${s(row.prevHash)},"hash":${s(row.hash)}${blobJson === undefined ? '' : `,"${BLOB_KEY}":${blobJson}`}}`
  );
}

const HASH = /^[0-9a-f]{64}$/;
const KNOWN_KEYS = new Set<string>([...LOG_ROW_KEYS, BLOB_KEY]);

/**
 * Parses one line into a {@link LogRow}, checking its shape only (not its place in the chain).
 * @throws JsonlError naming `line` and the offending field.
 */
export function parseLogRow(text: string, line: number): LogRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JsonlError(line, `is not valid JSON: ${(error as Error).message}`, undefined, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new JsonlError(line, 'is not a JSON object');
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!KNOWN_KEYS.has(key)) throw new JsonlError(line, 'is not part of the format', key);

  const integer = (key: 'seq' | 'streamPosition' | 'schemaVersion'): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new JsonlError(line, `must be a positive integer (got ${describe(v)})`, key);
    return v;
  };
  const string = (key: 'streamId' | 'type' | 'createdAt'): string => {
    const v = o[key];
    if (typeof v !== 'string' || v.length === 0) throw new JsonlError(line, `must be a non-empty string (got ${describe(v)})`, key);
    return v;
  };
  const hash = (key: 'prevHash' | 'hash'): string => {
    const v = o[key];
    if (typeof v !== 'string' || !HASH.test(v)) throw new JsonlError(line, `must be 64 lowercase hex digits (got ${describe(v)})`, key);
    return v;
  };

  const seq = integer('seq');
  const streamId = string('streamId');
  const streamPosition = integer('streamPosition');
  const type = string('type');
  const schemaVersion = integer('schemaVersion');
  if (!('data' in o)) throw new JsonlError(line, 'is missing', 'data');
  const metadata = o.metadata;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new JsonlError(line, `must be a JSON object (got ${describe(metadata)})`, 'metadata');
  const createdAt = string('createdAt');
  const row: LogRow = {
    seq,
    streamId,
    streamPosition,
    type,
    schemaVersion,
    data: o.data,
    metadata: metadata as Record<string, unknown>,
    createdAt,
    prevHash: hash('prevHash'),
    hash: hash('hash'),
  };
  if (BLOB_KEY in o) row.blob = o[BLOB_KEY];
  return row;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Checks rows in file order against the log's invariants: seqs gapless from 1, each stream's
 * positions gapless from 1, `prevHash` linking to the previous row (`GENESIS_HASH` first) and
 * `hash` recomputing as `sha256(prevHash + canonicalJson(record))`. The first row that breaks
 * one of them is reported, so an edited payload names its own line.
 */
export class ChainChecker {
  #seq = 0;
  #head: string = GENESIS_HASH;
  readonly #positions = new Map<string, number>();

  /** Rows accepted so far (also the seq of the last one). */
  get count(): number {
    return this.#seq;
  }

  /** Hash of the last accepted row (`GENESIS_HASH` before the first). */
  get headHash(): string {
    return this.#head;
  }

  /** Number of distinct streams seen. */
  get streams(): number {
    return this.#positions.size;
  }

  /** Accepts `row` read at `line`, or throws. @throws JsonlError */
  check(row: LogRow, line: number): void {
    const expectedSeq = this.#seq + 1;
    if (row.seq !== expectedSeq) {
      throw new JsonlError(line, row.seq > expectedSeq ? `is ${row.seq}: seq ${expectedSeq} is missing` : `is ${row.seq}, expected ${expectedSeq} (repeated or out of order)`, 'seq');
    }
    const expectedPosition = (this.#positions.get(row.streamId) ?? 0) + 1;
    if (row.streamPosition !== expectedPosition) {
      throw new JsonlError(line, `is ${row.streamPosition}, expected ${expectedPosition}: the positions of stream "${row.streamId}" must run 1, 2, 3… without gaps`, 'streamPosition');
    }
    if (row.prevHash !== this.#head) {
      throw new JsonlError(line, `does not link to the hash of ${expectedSeq === 1 ? 'the genesis' : `seq ${expectedSeq - 1}`}`, 'prevHash');
    }
    let hash: string;
    try {
      const { seq, streamId, streamPosition, type, schemaVersion, data, metadata, createdAt } = row;
      hash = chainHash(row.prevHash, { seq, streamId, streamPosition, type, schemaVersion, data, metadata, createdAt });
    } catch (error) {
      throw new JsonlError(line, `cannot be hashed: ${(error as Error).message}`, undefined, { cause: error });
    }
    if (hash !== row.hash) throw new JsonlError(line, 'does not match the row: its payload or fields were altered', 'hash');

    this.#seq = row.seq;
    this.#head = row.hash;
    this.#positions.set(row.streamId, row.streamPosition);
  }
}

/**
 * Parses and checks lines in order (blank lines are skipped, a trailing `\r` is ignored), yielding
 * each row with its 1-based line number. Lazy: nothing past the first bad line is read.
 * @throws JsonlError for the first malformed line or broken invariant.
 */
export function* checkedRows(lines: Iterable<string>, checker: ChainChecker = new ChainChecker()): Generator<NumberedRow, void, undefined> {
  let line = 0;
  for (const raw of lines) {
    line += 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    const row = parseLogRow(text, line);
    checker.check(row, line);
    yield { line, row };
  }
}

/** Splits a whole JSONL text into lines (for small inputs and tests; files are read line by line). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
