import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticHistory } from '../../bench/synthetic-history.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { loadBaseline, loadPolicy, loadSettings, workspacePaths } from '../../adapters/workspace.js';
import { summarizeView } from '../../projections/replay.js';
import { emptySummary, evolveSummary, foldSummary, parseSummary, serializeSummary, summaryOfView, summaryReport } from '../../projections/summary.js';
import { emptyView, evolveView } from '../../projections/view.js';
import { ROOT } from '../support/workspace.js';
import { asStored } from './support.js';

const paths = workspacePaths(join(ROOT, 'autopilot'));

/** A long synthetic history (every rare path the benchmark plants), as stored events. */
function history(runs: number): StoredEvent<AutopilotEvent>[] {
  const events = [
    ...syntheticHistory({
      runs,
      runsPerSession: 20,
      seed: 11,
      workspace: '/tmp/bench/autopilot',
      policy: loadPolicy(paths),
      baselines: { quick: loadBaseline(paths, 'quick'), full: loadBaseline(paths, 'full') },
      trainerCommand: loadSettings(paths).trainer.command,
    }),
  ].flatMap((b) => b.events);
  return asStored(events);
}

describe('when the summary is folded on its own, from nothing or from a snapshot', () => {
  const events = history(400);

  it('equals the summary of the full view after every event', () => {
    let view = emptyView();
    let fromStart = emptySummary();
    // A snapshot every 997 events, serialized and parsed back, as a replay would load it.
    let fromSnapshot = emptySummary();
    let compared = 0;
    for (const stored of events) {
      view = evolveView(view, stored);
      fromStart = evolveSummary(fromStart, stored);
      fromSnapshot = evolveSummary(fromSnapshot, stored);
      if (stored.seq % 997 === 0) fromSnapshot = parseSummary(serializeSummary(summaryOfView(view)));
      // Comparing after every event is quadratic; every 13th and every session end covers the shapes.
      if (stored.seq % 13 === 0 || stored.event.type === 'LoopCompleted' || stored.event.type === 'LoopHalted') {
        const expected = summarizeView(view);
        expect(summaryReport(fromStart), `after seq ${stored.seq}`).toEqual(expected);
        expect(summaryReport(fromSnapshot), `after seq ${stored.seq}`).toEqual(expected);
        expect(fromStart.firstSeq).toEqual(view.firstSeq);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
    expect(summaryReport(foldSummary(events))).toEqual(summarizeView(view));
  });

  it('keeps what status shows: run states, verdicts, sessions and the incumbent', () => {
    const s = summaryReport(foldSummary(events));
    expect(s.runs).toHaveLength(400);
    expect(new Set(s.runs.map((r) => r.status))).toEqual(new Set(['completed', 'failed']));
    expect(s.sessions.map((x) => x.status)).toContain('halted');
    expect(s.incumbent).not.toBeNull();
  });

  it('rejects a snapshot of another shape instead of folding on from it', () => {
    expect(() => parseSummary('{"lastSeq": 3}')).toThrow();
    expect(() => parseSummary('not json')).toThrow();
  });

  it('refuses an event for a run that was never planned, as the full view does', () => {
    const [planned] = events.filter((e) => e.event.type === 'RunStarted');
    expect(() => evolveSummary(emptySummary(), planned!)).toThrow(/before RunPlanned/);
  });
});
