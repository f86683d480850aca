/**
 * `autopilot verify` on a real loop's log tampered with the way an attacker would: the append-only
 * triggers dropped, then a payload edited, a row deleted, two rows swapped.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tamper } from '../events/support/temp.js';
import { cli, readEvents, type LoggedEvent } from '../support/chaos.js';
import { historyWorkspace } from '../support/histories.js';
import { swapPayloads, swapRows } from '../support/tampering.js';

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

/** The seq of the first event of `type` (for `runId`, when given). */
function seqOf(type: string, runId?: string): number {
  const e = log.find((x) => x.type === type && (runId === undefined || x.data.runId === runId));
  if (!e) throw new Error(`no ${type}${runId ? ` for run ${runId}` : ''} in the log`);
  return e.seq;
}

/** Runs `sql` on a fresh copy's log (append-only triggers dropped), then expects verify, text and JSON, to fail at `seq`. */
async function expectTamperedAt(sql: string, seq: number): Promise<void> {
  const ws = copy();
  tamper(join(ws, 'events.db'), sql);
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
    const seq = seqOf('RunFinished', '001');
    await expectTamperedAt(`UPDATE messages SET message_data = json_set(message_data, '$.metrics.mean_reward', 999) WHERE global_position = ${seq}`, seq);
  });

  it('exits 1 naming the seq when a verdict is rewritten', async () => {
    const seq = seqOf('RunEvaluated', '002');
    const forged = log[seq - 1]!.data.verdict === 'improved' ? 'regressed' : 'improved';
    await expectTamperedAt(`UPDATE messages SET message_data = json_set(message_data, '$.verdict', '${forged}') WHERE global_position = ${seq}`, seq);
  });
});

describe('when a row is deleted', () => {
  it('exits 1 naming the missing seq', async () => {
    const seq = seqOf('ProposalAccepted', '002');
    await expectTamperedAt(`DELETE FROM messages WHERE global_position = ${seq}`, seq);
  });

  it('exits 1 naming the last seq when the last row is deleted', async () => {
    await expectTamperedAt(`DELETE FROM messages WHERE global_position = ${log.length}`, log.length);
  });
});

describe('when two rows are swapped', () => {
  it('exits 1 naming the earlier seq when two whole rows swap places', async () => {
    const [a, b] = [seqOf('RunStarted', '001'), seqOf('RunStarted', '002')];
    await expectTamperedAt(swapRows(a, b), a);
  });

  it('exits 1 naming the earlier seq when two rows swap payloads', async () => {
    const [a, b] = [seqOf('RunFinished', '001'), seqOf('RunFinished', '002')];
    await expectTamperedAt(swapPayloads(a, b), a);
  });
});
