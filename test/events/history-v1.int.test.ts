/**
 * A log written when every event type was at schema version 1 (`test/fixtures/history-v1.jsonl`,
 * exported from a 3-run loop on the fake trainer) must still import, verify, decode and rebuild
 * with the current catalogue. When an event type moves to a new version, this is the test that
 * proves old logs replay through its upcaster: it asserts only what an additive change keeps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { AutopilotEvent, catalogueCodec } from '../../events/catalogue.js';
import { readStoredRows, openSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { StoredEvent } from '../../events/store.js';
import { verifyLog } from '../../adapters/store/verify.js';
import { foldView } from '../../projections/view.js';
import { proposalSeed } from '../../domain/proposers/seed.js';
import { CLI, ROOT, copyShippedWorkspace } from '../support/workspace.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'history-v1.jsonl');
const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

const fixtureLines = (): { seq: number; type: string; schemaVersion: number }[] =>
  readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { seq: number; type: string; schemaVersion: number });

function readAllEvents(ws: string): StoredEvent<AutopilotEvent>[] {
  const store = openSqliteStore(join(ws, 'events.db'), catalogueCodec, { readonly: true });
  try {
    return [...store.readAll()];
  } finally {
    store.close();
  }
}

/** Projection files under runs/ and journal/ plus the proposals archive (relative path → content). */
function projectionFiles(ws: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const top of ['journal', 'runs', 'proposals']) {
    for (const entry of readdirSync(join(ws, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name === '.gitkeep' || entry.name === 'next_config.json') continue;
      const path = join(entry.parentPath, entry.name);
      files.set(path.slice(ws.length + 1), readFileSync(path, 'utf8'));
    }
  }
  return files;
}

describe('when the schema-version-1 history is imported with the current catalogue', () => {
  let ws: string;
  let imported: Map<string, string>;

  beforeAll(async () => {
    ws = copyShippedWorkspace();
    const r = await run(['import', FIXTURE, '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    imported = projectionFiles(ws);
  });

  it('is a fixture of version-1 rows only', () => {
    const lines = fixtureLines();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.schemaVersion !== 1)).toEqual([]);
  });

  it('verifies: the chain and the stream versions are intact', () => {
    expect(verifyLog(join(ws, 'events.db'))).toMatchObject({ ok: true, events: fixtureLines().length, streams: 4 });
  });

  it('keeps every row at its stored schema version 1', () => {
    const rows = [...readStoredRows(join(ws, 'events.db'))];
    expect(rows.map((r) => [r.seq, r.type, r.schemaVersion])).toEqual(fixtureLines().map((l) => [l.seq, l.type, 1]));
  });

  it('decodes every event to the current version of its type', () => {
    const events = readAllEvents(ws);
    expect(events).toHaveLength(fixtureLines().length);
    for (const stored of events) {
      expect(stored.schemaVersion, `seq ${stored.seq}`).toBe(1);
      // The decoded event is a valid event of the current catalogue, whatever version its type is at now.
      expect(AutopilotEvent.safeParse(stored.event).success, `seq ${stored.seq} ${stored.event.type}`).toBe(true);
      expect(catalogueCodec.schemaVersion(stored.event.type)).toBeGreaterThanOrEqual(1);
    }
  });

  it('folds into three completed runs with their verdicts and the incumbent', () => {
    const view = foldView(readAllEvents(ws));
    expect([...view.runs.keys()]).toEqual(['001', '002', '003']);
    expect([...view.runs.values()].map((r) => [r.runId, r.kind, r.journal?.status, r.evaluation?.verdict])).toEqual([
      ['001', 'baseline', 'completed', 'baseline'],
      ['002', 'proposal', 'completed', 'inconclusive'],
      ['003', 'proposal', 'completed', 'inconclusive'],
    ]);
    for (const r of view.runs.values()) {
      expect(r.accepted?.runId).toBe(r.runId);
      expect(r.launches.map((l) => l.outcome)).toEqual(['finished']);
      expect(r.finished?.metrics.mean_reward).toEqual(expect.any(Number));
    }
    expect(view.incumbent?.ref).toMatchObject({ runId: '001', metric: 'mean_reward', n: 32 });
    expect([...view.sessions.values()].map((s) => [s.session, s.status, s.runsRequested])).toEqual([['0001', 'completed', 3]]);
  });

  it('has no proposer seed, and each random proposal still derives from its session and run alone', () => {
    const events = readAllEvents(ws);
    expect(events.filter((e) => e.event.type === 'LoopStarted').map((e) => (e.event.data as { proposerSeed?: unknown }).proposerSeed)).toEqual([undefined]);
    const proposals = events.flatMap((e) => (e.event.type === 'ProposalReceived' && e.event.data.seed !== null ? [e.event] : []));
    expect(proposals.length).toBeGreaterThan(0);
    for (const p of proposals) {
      // (The overrides are not redrawn: the shipped policy has gained a key since the fixture was made.)
      expect(p.data.seed).toBe(proposalSeed(undefined, p.metadata.session, p.data.runId, p.data.attempt));
    }
  });

  it('rebuilds the same projection files again', async () => {
    expect(imported.get('runs/best.json')).toContain('"001"');
    expect([...imported.keys()].filter((k) => k.startsWith('runs/002/')).length).toBeGreaterThan(0);
    const r = await run(['rebuild', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(projectionFiles(ws)).toEqual(imported);
  });

  it('reports the runs and the incumbent in status', async () => {
    const s = JSON.parse((await run(['status', '--workspace', ws, '--json'])).stdout) as {
      runs: { run_id: string; verdict: string }[];
      incumbent: { run_id: string };
    };
    expect(s.runs.map((r) => [r.run_id, r.verdict])).toEqual([
      ['001', 'baseline'],
      ['002', 'inconclusive'],
      ['003', 'inconclusive'],
    ]);
    expect(s.incumbent.run_id).toBe('001');
  });
});
