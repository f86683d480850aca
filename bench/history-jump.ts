/**
 * bench:history's measurements of a jump into the history (what the inspector does): `replayReport`
 * at a seq with every snapshot and without the rows and machine snapshots, the runs table from its
 * snapshot and from event 1, and the audit of a late run from its streams and from the whole log.
 * Each pair is checked to give the same result. The "without" side hides the snapshots from the
 * reader (the workspace is not changed).
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import { performance } from 'node:perf_hooks';
import type { EventStore, SnapshotStore } from '../events/store.js';
import { auditRun } from '../projections/audit/fold.js';
import { rowsOf } from '../projections/inspector/rows.js';
import { MACHINE_SNAPSHOT, ROWS_SNAPSHOT } from '../projections/snapshots.js';
import { auditRunFromStreams } from '../orchestrator/audit-streams.js';
import { replayReport } from '../orchestrator/replay.js';
import { latestRows } from '../orchestrator/rows-at.js';

type Reader = EventStore<AutopilotEvent> & SnapshotStore;

/** One pair of measurements (ms, medians), and where the fast side started from. */
export interface JumpPair {
  fast: number;
  slow: number;
  detail: string;
}

/** What {@link measureJumps} measured. */
export interface JumpResult {
  replay: JumpPair;
  rows: JumpPair;
  audit: JumpPair & { runId: string };
}

/** The reader with the snapshots `hidden` unseen, as on a log written before they existed. */
function hiding(reader: Reader, hidden: readonly string[]): Reader {
  return { ...reader, loadSnapshot: (name, seq) => (hidden.includes(name) ? null : reader.loadSnapshot(name, seq)) };
}

function medianOf(n: number, f: () => unknown): { ms: number; result: unknown } {
  const times: number[] = [];
  let result: unknown;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const m = times.length >> 1;
  return { ms: times.length % 2 ? times[m]! : (times[m - 1]! + times[m]!) / 2, result };
}

/** Times both sides `repeat` times and throws unless they give the same JSON. */
function pair(repeat: number, what: string, fast: () => unknown, slow: () => unknown): { fast: number; slow: number } {
  const f = medianOf(repeat, fast);
  const s = medianOf(repeat, slow);
  if (JSON.stringify(f.result) !== JSON.stringify(s.result)) throw new Error(`${what}: the fast path and the full fold differ`);
  return { fast: f.ms, slow: s.ms };
}

/** Measures the jumps on `reader` at `at` (replay) and for the last run the log plans (audit). */
export function measureJumps(reader: Reader, at: number, repeat: number): JumpResult {
  const replay = pair(
    repeat,
    'replay',
    () => replayReport(reader, at),
    () => replayReport(hiding(reader, [MACHINE_SNAPSHOT, ROWS_SNAPSHOT]), at),
  );
  const fromSnapshot = latestRows(reader);
  const rows = pair(
    repeat,
    'rows',
    () => rowsOf(latestRows(reader).rows),
    () => rowsOf(latestRows(hiding(reader, [ROWS_SNAPSHOT])).rows),
  );
  const runId = [...fromSnapshot.rows.runs.keys()].at(-1);
  if (runId === undefined) throw new Error('the history holds no run');
  const audit = pair(
    repeat,
    'audit',
    () => auditRunFromStreams(reader, runId),
    () => auditRun(reader.readAll(), runId),
  );
  return {
    replay: { ...replay, detail: 'with the machine snapshot vs the machine folded from the session start' },
    rows: { ...rows, detail: `from the rows snapshot at ${fromSnapshot.snapshotSeq ?? 'none'} vs from event 1` },
    audit: { ...audit, runId, detail: `run ${runId}: its run and session streams vs the whole log` },
  };
}
