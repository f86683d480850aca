import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { verifyLog } from '../../../adapters/store/verify.js';
import type { EventCodec, EventEnvelope } from '../../../events/store.js';
import { testCodec } from '../../events/support/test-codec.js';
import { tempDirs } from '../../events/support/temp.js';

/**
 * Real concurrency: separate node processes importing the compiled store (dist/, built by the
 * test global setup) race on one SQLite file.
 */
const builtStore = fileURLToPath(new URL('../../../dist/adapters/store/sqlite-store.js', import.meta.url));
const sourceStore = fileURLToPath(new URL('../../../adapters/store/sqlite-store.ts', import.meta.url));
const storeUrl = pathToFileURL(builtStore).href;

beforeAll(() => {
  if (!existsSync(builtStore) || statSync(builtStore).mtimeMs < statSync(sourceStore).mtimeMs) {
    throw new Error(`${builtStore} is missing or older than its source; run: npx tsc -p tsconfig.build.json`);
  }
});

const temp = tempDirs();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
  temp.cleanup();
});

// A codec without zod, so the scripts need nothing but the built store.
const PRELUDE = `
import { createInterface } from 'node:readline';
const [storeUrl, dbPath, ...args] = process.argv.slice(2);
const { openSqliteStore } = await import(storeUrl);
const codec = {
  schemaVersion: () => 1,
  decode: (row) => ({ type: row.type, data: row.data, metadata: row.metadata }),
  encode: (event) => event,
};
const send = (message) => process.stdout.write(JSON.stringify(message) + '\\n');
const waitUntil = (at) => { while (Date.now() < at) {} };
`;

/** Appends one event per command from stdin, all racers starting at the same wall-clock instant. */
const RACER = `${PRELUDE}
const [streamId, name] = args;
const store = openSqliteStore(dbPath, codec);
send({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  const { round, expectedVersion, at } = JSON.parse(line);
  waitUntil(at);
  try {
    const result = store.append(streamId, [{ type: 'Raced', data: { round, name }, metadata: {} }], { expectedVersion });
    send({ round, name, ok: true, result });
  } catch (error) {
    send({ round, name, ok: false, error: error.name, actual: error.actual, message: error.message });
  }
}
store.close();
`;

/** Read-version-then-append in a tight loop, counting wins and conflicts. */
const GREEDY = `${PRELUDE}
const [streamId, iterations, at] = args;
const store = openSqliteStore(dbPath, codec);
let wins = 0, conflicts = 0;
const errors = [];
waitUntil(Number(at));
for (let i = 0; i < Number(iterations); i++) {
  const version = store.streamVersion(streamId);
  try {
    store.append(streamId, [{ type: 'Greedy', data: { pid: process.pid, i }, metadata: {} }], { expectedVersion: version });
    wins++;
  } catch (error) {
    if (error.name === 'ConcurrencyError') conflicts++; else errors.push(String(error));
  }
}
store.close();
send({ wins, conflicts, errors });
`;

/** A single writer appending batches in a loop with exact expected versions. */
const WRITER = `${PRELUDE}
const [batches, batchSize] = args.map(Number);
const store = openSqliteStore(dbPath, codec);
const errors = [];
let appended = 0;
const versions = { w0: store.streamVersion('w0'), w1: store.streamVersion('w1') };
for (let i = 0; i < batches; i++) {
  const streamId = i % 2 === 0 ? 'w0' : 'w1';
  const events = Array.from({ length: batchSize }, (_, j) => ({ type: 'Written', data: { i, j, pad: 'x'.repeat(200) }, metadata: { i } }));
  try {
    versions[streamId] = store.append(streamId, events, { expectedVersion: versions[streamId] }).nextExpectedVersion;
    appended += batchSize;
  } catch (error) {
    errors.push(String(error));
  }
}
store.close();
send({ appended, errors });
`;

/** A read-only reader polling until it has seen \`target\` events. */
const READER = `${PRELUDE}
const [target] = args.map(Number);
const store = openSqliteStore(dbPath, codec, { readonly: true });
const errors = [];
let seen = 0, polls = 0;
const deadline = Date.now() + 90_000;
while (seen < target && Date.now() < deadline) {
  polls++;
  try {
    for (const event of store.readAll({ fromSeq: seen + 1 })) {
      if (event.seq !== seen + 1) throw new Error('gap at ' + event.seq);
      seen = event.seq;
    }
    store.readStream('w0');
  } catch (error) {
    errors.push(String(error));
    if (errors.length > 20) break;
  }
}
store.close();
send({ seen, polls, errors });
`;

function script(dir: string, name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

interface Child {
  process: ChildProcess;
  /** Resolves with the next JSON line the child prints. */
  next(): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function run(file: string, args: string[]): Child {
  const child = spawn(process.execPath, [file, storeUrl, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    next: () =>
      new Promise((resolve, reject) => {
        const line = lines.shift();
        if (line !== undefined) return resolve(JSON.parse(line) as Record<string, unknown>);
        waiters.push((l) => resolve(JSON.parse(l) as Record<string, unknown>));
        void exited.then((code) => reject(new Error(`child exited (${String(code)}) before answering: ${stderr}`)));
      }),
  };
}

function createStore(): string {
  const path = join(temp.make(), 'events.db');
  openSqliteStore(path, testCodec).close();
  return path;
}

describe('when separate processes race on the same expected version', () => {
  it('lets exactly one of them win every round', async () => {
    const path = createStore();
    const dir = temp.make();
    const file = script(dir, 'racer.mjs', RACER);
    const racers = ['p0', 'p1', 'p2', 'p3'].map((name) => run(file, [path, 'race', name]));
    for (const racer of racers) expect(await racer.next()).toEqual({ ready: true });

    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      const at = Date.now() + 150;
      for (const racer of racers) racer.process.stdin!.write(`${JSON.stringify({ round, expectedVersion: round, at })}\n`);
      const answers = await Promise.all(racers.map((racer) => racer.next()));
      const winners = answers.filter((a) => a.ok === true);
      const losers = answers.filter((a) => a.ok !== true);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.result).toEqual({ firstSeq: round + 1, lastSeq: round + 1, nextExpectedVersion: round + 1 });
      for (const loser of losers) expect(loser).toMatchObject({ error: 'ConcurrencyError', actual: round + 1 });
    }
    for (const racer of racers) racer.process.stdin!.end();
    expect(await Promise.all(racers.map((r) => r.exited))).toEqual([0, 0, 0, 0]);

    expect(verifyLog(path)).toMatchObject({ ok: true, events: rounds, streams: 1 });
  });

  it('never loses or duplicates an append when writers read-then-append freely', async () => {
    const path = createStore();
    const file = script(temp.make(), 'greedy.mjs', GREEDY);
    const at = String(Date.now() + 500);
    const greedy = [0, 1, 2].map(() => run(file, [path, 'contended', '60', at]));
    const results = await Promise.all(greedy.map((g) => g.next()));
    expect(await Promise.all(greedy.map((g) => g.exited))).toEqual([0, 0, 0]);

    for (const result of results) expect(result.errors).toEqual([]);
    const wins = results.reduce((sum, r) => sum + (r.wins as number), 0);
    const conflicts = results.reduce((sum, r) => sum + (r.conflicts as number), 0);
    expect(wins + conflicts).toBe(180);
    const store = openSqliteStore(path, testCodec, { readonly: true });
    expect(store.streamVersion('contended')).toBe(wins);
    expect(store.lastSeq()).toBe(wins);
    store.close();
    expect(verifyLog(path)).toMatchObject({ ok: true, events: wins, streams: 1 });
  });
});

describe('when readers read while a writer appends in a loop', () => {
  it('never sees SQLITE_BUSY and never makes the writer fail', async () => {
    const path = createStore();
    const dir = temp.make();
    const batches = 300;
    const batchSize = 3;
    const total = batches * batchSize;
    const passThrough: EventCodec<EventEnvelope> = {
      schemaVersion: () => 1,
      decode: (row) => ({ type: row.type, data: row.data, metadata: row.metadata as Record<string, unknown> }),
      encode: (event) => event,
    };
    const reader = openSqliteStore(path, passThrough, { readonly: true });
    const writer = run(script(dir, 'writer.mjs', WRITER), [path, String(batches), String(batchSize)]);
    const readerChild = run(script(dir, 'reader.mjs', READER), [path, String(total)]);

    let writerDone = false;
    void writer.exited.then(() => (writerDone = true));
    const errors: string[] = [];
    let seen = 0;
    let polls = 0;
    let verifies = 0;
    while (!writerDone || seen < total) {
      polls++;
      try {
        for (const event of reader.readAll({ fromSeq: seen + 1 })) {
          if (event.seq !== seen + 1) throw new Error(`gap before seq ${event.seq}`);
          seen = event.seq;
        }
        const w0 = reader.streamVersion('w0');
        const w1 = reader.streamVersion('w1');
        expect(w0 + w1).toBeLessThanOrEqual(reader.lastSeq());
        if (polls % 5 === 0) {
          const result = verifyLog(path);
          if (!result.ok) errors.push(JSON.stringify(result));
          verifies++;
        }
      } catch (error) {
        errors.push(String(error));
      }
      if (writerDone && seen < total && reader.lastSeq() === seen) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    reader.close();

    const written = await writer.next();
    const read = await readerChild.next();
    expect(await writer.exited).toBe(0);
    expect(await readerChild.exited).toBe(0);
    expect(written).toEqual({ appended: total, errors: [] });
    expect(read).toMatchObject({ seen: total, errors: [] });
    expect(errors).toEqual([]);
    expect(seen).toBe(total);
    expect(verifies).toBeGreaterThan(0);
    expect(verifyLog(path)).toMatchObject({ ok: true, events: total, streams: 2 });
  });
});
