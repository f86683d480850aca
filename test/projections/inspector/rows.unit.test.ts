import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import type { StoredEvent } from '../../../events/store.js';
import { emptyRows, evolveRows, foldRows, rowsOf, rowsOfView } from '../../../projections/inspector/rows.js';
import { summarizeView } from '../../../projections/replay.js';
import { emptyView, evolveView, foldView } from '../../../projections/view.js';
import { historyEvents } from '../../support/history-events.js';
import { syntheticEvents } from '../../support/synthetic-log.js';
import { asStored } from '../support.js';

/** The summary's status (what `status` prints) in the rows' words. */
const STATUS_OF_SUMMARY: Record<string, string> = { completed: 'finished', failed: 'failed', interrupted: 'interrupted', running: 'running', finished: 'finished' };

/** Every run the view knows is one row, in the view's order, with the status and verdict `status` shows. */
function expectSameRunsAsView(events: StoredEvent<AutopilotEvent>[], label: string): void {
  const rows = rowsOf(foldRows(events));
  const view = foldView(events);
  expect(
    rows.map((r) => r.id),
    label,
  ).toEqual([...view.runs.keys()]);
  expect(new Set(rows.map((r) => r.id)).size, label).toBe(rows.length);
  const summary = summarizeView(view).runs;
  for (const [i, s] of summary.entries()) {
    const row = rows[i]!;
    // `in progress` is the summary's word for both not launched yet and between attempts.
    if (s.status === 'in progress') expect(['planned', 'running'], `${label} run ${row.id}`).toContain(row.status);
    else expect(row.status, `${label} run ${row.id}`).toBe(STATUS_OF_SUMMARY[s.status]);
    expect(row.verdict, `${label} run ${row.id}`).toBe(s.verdict);
    expect(row.attempts, `${label} run ${row.id}`).toBe(s.attempts);
  }
  expect(rows, label).toEqual(rowsOfView(view));
}

describe('the runs table of the committed histories', () => {
  const loop3 = historyEvents('loop-3');

  it('lists each run once, in run order, with what the log says of it', () => {
    const rows = rowsOf(foldRows(loop3));
    expect(rows.map((r) => [r.id, r.kind, r.status, r.verdict, r.attempts])).toEqual([
      ['001', 'baseline', 'finished', 'baseline', 1],
      ['002', 'proposal', 'finished', expect.any(String), 1],
      ['003', 'replicate', 'finished', 'baseline', 1],
    ]);
    const [base, proposal] = rows;
    expect(base?.delta).toBeNull();
    expect(base?.changed).toEqual([]);
    expect(base?.metric?.n).toBe(32);
    expect(base?.metric?.mean).toBeCloseTo(381.8302996224267, 9);
    expect(proposal?.proposer).toBe('builtin');
    expect(proposal?.changed.length).toBeGreaterThan(0);
    expect(proposal?.delta).toMatchObject({ value: 13.996008328488756, interval: [12.366775317933897, 15.625241339043617], incumbent: '001' });
    expect(rows.every((r) => r.live === null && r.durationMs !== null && r.startedAt !== null && r.session === '0001')).toBe(true);
  });

  it('gives each run its own mean inside its own t-interval', () => {
    for (const row of rowsOf(foldRows(loop3))) {
      const [lo, hi] = row.metric?.interval ?? [Number.NaN, Number.NaN];
      expect(lo).toBeLessThan(row.metric?.mean ?? Number.NaN);
      expect(hi).toBeGreaterThan(row.metric?.mean ?? Number.NaN);
    }
  });

  it('agrees with the view after every event of both histories', () => {
    for (const name of ['loop-2', 'loop-3'] as const) {
      const events = historyEvents(name);
      for (let n = 0; n <= events.length; n++) expectSameRunsAsView(events.slice(0, n), `${name} after ${n} events`);
    }
  });

  it('shows a run in flight as running, with its latest progress', () => {
    const events = historyEvents('loop-2');
    const progressAt = events.findIndex((e) => e.event.type === 'RunProgress');
    const [row] = rowsOf(foldRows(events.slice(0, progressAt + 1)));
    expect(row?.status).toBe('running');
    expect(row?.live).toEqual({ step: 1000, metrics: { agent_steps: 1000, mean_reward: expect.any(Number), total_timesteps: 1000 } });
    const planned = rowsOf(foldRows(events.slice(0, 3)));
    expect(planned.map((r) => [r.status, r.startedAt, r.metric])).toEqual([['planned', null, null]]);
  });

  it('marks a run its session left unjournaled as interrupted, and a run planned again afresh in its place', () => {
    const events = historyEvents('loop-2');
    const progressAt = events.findIndex((e) => e.event.type === 'RunProgress' && e.event.data.runId === '002');
    const cut = events.slice(0, progressAt + 1).map((e) => e.event);
    const metadata = { session: '0001', at: '2026-12-07T03:00:00.000Z' };
    const halted = asStored([...cut, { type: 'LoopHalted', data: { reason: 'stop requested', runsCompleted: 1 }, metadata }]);
    expectSameRunsAsView(halted, 'halted mid-run');
    expect(rowsOf(foldRows(halted)).map((r) => [r.id, r.status, r.live])).toEqual([
      ['001', 'finished', null],
      ['002', 'interrupted', null],
    ]);
    const replanned = asStored([...halted.map((e) => e.event), { type: 'RunPlanned', data: { runId: '002', index: 2, kind: 'proposal', mode: 'quick' }, metadata }]);
    expectSameRunsAsView(replanned, 'planned again');
    expect(rowsOf(foldRows(replanned)).map((r) => [r.id, r.status, r.attempts, r.proposer])).toEqual([
      ['001', 'finished', 1, 'baseline'],
      ['002', 'planned', 0, null],
    ]);
  });

  it('refuses an event for a run that was never planned, as the view does', () => {
    const started = loop3.find((e) => e.event.type === 'RunStarted');
    expect(() => evolveRows(emptyRows(), started!)).toThrow(/before RunPlanned/);
  });
});

describe('the runs table of long synthetic histories', () => {
  const events = asStored(syntheticEvents(240, 20, 11));

  it("is the view's: same runs, once each, same status and verdict", () => {
    expectSameRunsAsView(events, 'synthetic');
    const statuses = new Set(rowsOf(foldRows(events)).map((r) => r.status));
    expect(statuses).toContain('failed');
    expect(statuses).toContain('finished');
  });

  it("folded in one go equals folded prefix by prefix, and the view's rows at every cut (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: events.length }), { minLength: 1, maxLength: 6 }), (cuts) => {
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        let state = emptyRows();
        let view = emptyView();
        let at = 0;
        for (const cut of sorted) {
          const slice = events.slice(at, cut);
          state = foldRows(slice, state);
          for (const e of slice) view = evolveView(view, e);
          at = cut;
          expect(rowsOf(state)).toEqual(rowsOfView(view));
        }
        state = foldRows(events.slice(at), state);
        expect(rowsOf(state)).toEqual(rowsOf(foldRows(events)));
      }),
      { seed: 17, numRuns: 25 },
    );
  });
});
