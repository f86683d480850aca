import { describe, expect, it } from 'vitest';
import { maxInFlight, overhead, runTimings, sessionSpanMs, type LogEvent } from '../../../bench/parallel/overhead.js';
import { sessionProblem, wallReport, type WallSession } from '../../../bench/parallel/wall.js';

const T0 = Date.parse('2026-12-07T12:00:00.000Z');
const ev = (type: string, ms: number, data: Record<string, unknown> = {}): LogEvent => ({ type, at: new Date(T0 + ms).toISOString(), data });

/** Two slots: 001 alone, then 002 and 003 together; 003's first attempt fails and is retried. */
const LOG: LogEvent[] = [
  ev('LoopStarted', 0),
  ev('RunPlanned', 10, { runId: '001' }),
  ev('RunStarted', 20, { runId: '001' }),
  ev('RunFinished', 2120, { runId: '001', durationMs: 2100 }),
  ev('JournalWritten', 2200, { runId: '001' }),
  ev('RunPlanned', 2210, { runId: '002' }),
  ev('RunPlanned', 2220, { runId: '003' }),
  ev('RunStarted', 2250, { runId: '002' }),
  ev('RunStarted', 2260, { runId: '003' }),
  ev('RunFinished', 2400, { runId: '003', durationMs: 140 }),
  ev('RunStarted', 2450, { runId: '003' }),
  ev('RunFinished', 4300, { runId: '002', durationMs: 2050 }),
  ev('JournalWritten', 4400, { runId: '002' }),
  ev('RunFinished', 4500, { runId: '003', durationMs: 2050 }),
  ev('JournalWritten', 4620, { runId: '003' }),
  // Planned but never journaled (a stop): not a run of the measure.
  ev('RunPlanned', 4630, { runId: '004' }),
  ev('LoopCompleted', 5000, { runsCompleted: 3 }),
];

describe('bench:parallel part (c), from a session log', () => {
  it('times each journaled run from its plan to its journal, less every attempt of its trainer', () => {
    expect(runTimings(LOG)).toEqual([
      { runId: '001', spanMs: 2190, trainerMs: 2100, overheadMs: 90, attempts: 1 },
      { runId: '002', spanMs: 2190, trainerMs: 2050, overheadMs: 140, attempts: 1 },
      { runId: '003', spanMs: 2400, trainerMs: 2190, overheadMs: 210, attempts: 2 },
    ]);
  });

  it('counts the attempts in flight at once in log order', () => {
    expect(maxInFlight(LOG)).toBe(2);
    expect(maxInFlight(LOG.slice(0, 5))).toBe(1);
  });

  it('sums up per run and per session against the trainer’s nominal time', () => {
    const o = overhead(LOG, 2, 2000);
    expect(sessionSpanMs(LOG)).toBe(5000);
    expect(o).toMatchObject({ runs: 3, k: 2, sessionMs: 5000, trainerTotalMs: 6340 });
    expect(o.perRun).toEqual({ medianMs: 140, p90Ms: 210, medianFraction: 0.07, p90Fraction: 0.105, trainerMedianMs: 2100 });
    // 003 ran two attempts: 2400 − 2 × 2000.
    expect(o.beyondNominal).toEqual({ medianMs: 190, p90Ms: 190 });
    expect(o.idleSlotPerRunMs).toBeCloseTo((2 * 5000 - 6340) / 3, 9);
  });

  it('refuses a log with no completed session', () => {
    expect(sessionSpanMs(LOG.slice(0, -1))).toBeNull();
    expect(() => overhead(LOG.slice(0, -1), 2, 2000)).toThrow(/no completed session/);
  });
});

const session = (k: number, wallMs: number, over: Partial<WallSession> = {}): WallSession => ({
  k,
  runs: 24,
  wallMs,
  exitCode: 0,
  runsCompleted: 24,
  maxInFlight: k,
  events: [],
  load: 0,
  kept: null,
  ...over,
});

describe('bench:parallel part (a)’s verdict', () => {
  it('passes at most 0.3x of k = 1 at the most runs in flight, and fails above', () => {
    expect(wallReport([session(1, 60_000), session(2, 31_000), session(4, 18_000)])).toMatchObject({ ratios: { 1: 1, 2: 31 / 60, 4: 0.3 }, pass: true });
    const slow = wallReport([session(1, 60_000), session(2, 31_000), session(4, 18_100)]);
    expect(slow.pass).toBe(false);
    expect(slow.lines.at(-1)).toMatch(/^FAIL wall time at k = 4 at most 0\.3x that at k = 1: 0\.30x$/);
  });

  it('fails a session that stopped short or never overlapped its runs, whatever its time', () => {
    expect(sessionProblem(session(4, 1, { runsCompleted: 20 }))).toMatch(/20 of 24 runs/);
    expect(sessionProblem(session(4, 1, { maxInFlight: 1 }))).toMatch(/at most 1 run/);
    expect(sessionProblem(session(2, 1, { exitCode: 1, kept: '/tmp/x' }))).toMatch(/exited with 1 .*\/tmp\/x/);
    expect(wallReport([session(1, 60_000), session(4, 10_000, { maxInFlight: 1 })]).pass).toBe(false);
  });
});
