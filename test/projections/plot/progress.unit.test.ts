import { describe, expect, it } from 'vitest';
import { foldForPlots } from '../../../projections/plot/fold.js';
import { meanInterval } from '../../../domain/stats/mean-interval.js';
import { progressSpec, progressSvg } from '../../../projections/plot/progress.js';
import type { Point } from '../../../projections/plot/svg.js';
import { xmlProblem } from '../../support/xml.js';
import type { LogBuilder } from '../support.js';
import { loop3 } from './loop-history.js';

/** loop-3, then run 004 failed and journaled as failed. */
function withFailedRun(): LogBuilder {
  const log = loop3();
  log.add('RunPlanned', { runId: '004', index: 4, kind: 'proposal', mode: 'quick' });
  log.add('RunFailed', { runId: '004', attempt: 1, reason: 'crashed', exitCode: 1, signal: null, durationMs: 5, message: 'exit 1' });
  log.add('JournalWritten', { runId: '004', status: 'failed', action: 'a', observation: 'o', outcome: 'failed', next: 'n' });
  return log;
}

describe('progress chart', () => {
  it('plots every evaluated run with its t-interval, the incumbent changes and the failed run', () => {
    const { view, log } = foldForPlots(withFailedRun().events);
    const spec = progressSpec(view, log);
    const [runs, incumbent, failed] = spec.series;
    expect(runs!.points.map((p) => p.x)).toEqual([1, 2, 3]);
    for (const r of view.runs.values()) {
      if (!r.evaluation) continue;
      const p = runs!.points.find((q) => q.x === r.index) as Point;
      expect(p.y).toBe(r.evaluation.candidate.mean);
      const [lo, hi] = meanInterval(r.finished!.samples['mean_reward']!).interval!;
      expect([p.lo, p.hi]).toEqual([lo, hi]);
    }
    expect(incumbent!.points).toEqual(log.incumbents.map((c) => ({ x: c.at, y: c.mean })));
    expect(incumbent!.points.length).toBe(2);
    expect(failed!.points).toEqual([{ x: 4, y: null }]);
    expect(spec.title).toBe('Optimizer progress: mean_reward (maximize)');
    expect(xmlProblem(progressSvg(view, log, { logY: true }))).toBeNull();
  });

  it('says "no evaluated runs yet" for a log without one', () => {
    const { view, log } = foldForPlots([]);
    expect(progressSvg(view, log)).toContain('>no evaluated runs yet</text>');
  });
});
