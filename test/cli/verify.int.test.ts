/**
 * `autopilot verify` on a real loop's log tampered with the way an attacker would: the append-only
 * triggers dropped, then a payload edited, a row deleted, two rows swapped.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, readEvents, type LoggedEvent } from '../support/chaos.js';
import { historyWorkspace } from '../support/histories.js';

let original: string;
let log: LoggedEvent[];
const copies: string[] = [];

beforeAll(async () => {
  // A two-run loop's log, imported from its committed fixture (test/support/histories.ts).
  original = await historyWorkspace('loop-2');
  log = await readEvents(original);
});

afterAll(() => {
  for (const dir of [...copies, original]) if (dir) rmSync(dirname(dir), { recursive: true, force: true });
});

/** A fresh copy of the looped workspace, so each test tampers with its own log. */
function copy(): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'autopilot-tamper-')), 'autopilot');
  cpSync(original, ws, { recursive: true });
  copies.push(ws);
  return ws;
}

/** Runs SQL on the workspace's log with the append-only triggers dropped first. */
function tamper(ws: string, sql: string): void {
  const db = new Database(join(ws, 'events.db'));
  try {
    db.exec('DROP TRIGGER IF EXISTS messages_no_update; DROP TRIGGER IF EXISTS messages_no_delete;');
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** The seq of the first event of `type` (for `runId`, when given). */
function seqOf(type: string, runId?: string): number {
  const e = log.find((x) => x.type === type && (runId === undefined || x.data.runId === runId));
  if (!e) throw new Error(`no ${type}${runId ? ` for run ${runId}` : ''} in the log`);
  return e.seq;
}

async function expectBrokenAt(ws: string, seq: number): Promise<void> {
  const [text, json] = await Promise.all([cli(['verify', '--workspace', ws]), cli(['verify', '--workspace', ws, '--json'])]);
  expect(text.exitCode, text.stdout + text.stderr).toBe(1);
  expect(text.stdout).toContain(`BROKEN at seq ${seq}:`);
  expect(json.exitCode, json.stdout).toBe(1);
  expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBadSeq: seq });
}

describe('when the log of a real loop is untouched', () => {
  it('verifies: exit 0, ok with every event counted', async () => {
    expect(log.length).toBeGreaterThan(20);
    const r = await cli(['verify', '--workspace', copy(), '--json']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, events: log.length, lastSeq: log.length });
  });

  it('refuses edits while the append-only triggers are in place', () => {
    const db = new Database(join(copy(), 'events.db'));
    try {
      expect(() => db.exec('UPDATE messages SET message_data = message_data WHERE global_position = 1')).toThrow(/append-only/);
      expect(() => db.exec('DELETE FROM messages WHERE global_position = 1')).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});

describe('when an event payload is edited', () => {
  it('exits 1 naming that event’s seq', async () => {
    const ws = copy();
    const seq = seqOf('RunFinished', '001');
    tamper(ws, `UPDATE messages SET message_data = json_set(message_data, '$.metrics.mean_reward', 999) WHERE global_position = ${seq}`);
    await expectBrokenAt(ws, seq);
  });

  it('exits 1 naming the seq when a verdict is rewritten', async () => {
    const ws = copy();
    const seq = seqOf('RunEvaluated', '002');
    const forged = log[seq - 1]!.data.verdict === 'improved' ? 'regressed' : 'improved';
    tamper(ws, `UPDATE messages SET message_data = json_set(message_data, '$.verdict', '${forged}') WHERE global_position = ${seq}`);
    await expectBrokenAt(ws, seq);
  });
});

describe('when a row is deleted', () => {
  it('exits 1 naming the missing seq', async () => {
    const ws = copy();
    const seq = seqOf('ProposalAccepted', '002');
    tamper(ws, `DELETE FROM messages WHERE global_position = ${seq}`);
    await expectBrokenAt(ws, seq);
  });

  it('exits 1 naming the last seq when the last row is deleted', async () => {
    const ws = copy();
    tamper(ws, `DELETE FROM messages WHERE global_position = ${log.length}`);
    await expectBrokenAt(ws, log.length);
  });
});

describe('when two rows are swapped', () => {
  it('exits 1 naming the earlier seq when two whole rows swap places', async () => {
    const ws = copy();
    const [a, b] = [seqOf('RunStarted', '001'), seqOf('RunStarted', '002')];
    tamper(
      ws,
      `UPDATE messages SET global_position = -1 WHERE global_position = ${a};
       UPDATE messages SET global_position = ${a} WHERE global_position = ${b};
       UPDATE messages SET global_position = ${b} WHERE global_position = -1;`,
    );
    await expectBrokenAt(ws, a);
  });

  it('exits 1 naming the earlier seq when two rows swap payloads', async () => {
    const ws = copy();
    const [a, b] = [seqOf('RunFinished', '001'), seqOf('RunFinished', '002')];
    tamper(
      ws,
      `UPDATE messages SET message_data = CASE global_position
         WHEN ${a} THEN (SELECT message_data FROM messages WHERE global_position = ${b})
         ELSE (SELECT message_data FROM messages WHERE global_position = ${a}) END
       WHERE global_position IN (${a}, ${b})`,
    );
    await expectBrokenAt(ws, a);
  });
});
