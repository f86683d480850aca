import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AutopilotEvent, DataOf } from '../../../events/catalogue.js';
import { curveSpec, curveSvg } from '../../../projections/plot/curves.js';
import { foldForPlots } from '../../../projections/plot/fold.js';
import { meanInterval, t975 } from '../../../projections/plot/mean-interval.js';
import { progressSpec, progressSvg } from '../../../projections/plot/progress.js';
import type { Point } from '../../../projections/plot/svg.js';
import { historyFixture } from '../../support/histories.js';
import { xmlProblem } from '../../support/xml.js';
import { LogBuilder } from '../support.js';

/** The committed loop-3 history (three evaluated runs, two incumbent changes), rebuilt as stored events. */
function loop3(): LogBuilder {
  const log = new LogBuilder();
  for (const line of readFileSync(historyFixture('loop-3'), 'utf8').trim().split('\n')) {
    const row = JSON.parse(line) as { type: AutopilotEvent['type']; data: DataOf<AutopilotEvent['type']>; metadata: { session: string } };
    log.add(row.type, row.data, row.metadata.session);
  }
  return log;
}

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
      const [lo, hi] = meanInterval(r.finished!.samples['mean_reward']!)!;
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

describe('learning curves', () => {
  it('draws the metric against agent steps, one line per attempt', () => {
    const b = loop3();
    b.add('RunPlanned', { runId: '004', index: 4, kind: 'proposal', mode: 'quick' });
    for (const [attempt, steps, reward] of [[1, 100, 5], [1, 200, 7], [2, 100, 6], [2, 200, 9], [2, 300, 12]] as const)
      b.add('RunProgress', { runId: '004', attempt, metrics: { agent_steps: steps, mean_reward: reward } });
    const { view, log } = foldForPlots(b.events);
    const spec = curveSpec(view, '004', log.progress.get('004')!);
    expect(spec.xLabel).toBe('agent_steps');
    expect(spec.series.map((s) => [s.name, s.points.map((p) => [p.x, p.y])])).toEqual([
      ['attempt 1', [[100, 5], [200, 7]]],
      ['attempt 2', [[100, 6], [200, 9], [300, 12]]],
    ]);
    expect(xmlProblem(curveSvg(view, '004', log.progress.get('004')!))).toBeNull();
  });

  it('falls back to the order of the reports without step counts, and says when the metric is missing', () => {
    const { view } = foldForPlots(loop3().events);
    const reports = [{ attempt: 1, metrics: { mean_reward: 1 } }, { attempt: 1, metrics: { mean_reward: 2 } }];
    expect(curveSpec(view, '001', reports).series[0]!.points).toEqual([{ x: 1, y: 1 }, { x: 2, y: 2 }]);
    expect(curveSvg(view, '001', [{ attempt: 1, metrics: { '</svg><script>': 1 } }])).toContain("no mean_reward in run 001&#39;s progress reports");
  });
});

describe('meanInterval', () => {
  it('is the 95% t-interval of the mean', () => {
    // mean 3, sd √2.5, n 5: half-width t(0.975, 4) · 1.58114 / √5 = 2.77645 · 0.707107 = 1.96324
    const [lo, hi] = meanInterval([1, 2, 3, 4, 5])!;
    expect(lo).toBeCloseTo(3 - 1.96324, 4);
    expect(hi).toBeCloseTo(3 + 1.96324, 4);
    expect(meanInterval([4])).toBeNull();
    expect(t975(31)).toBeCloseTo(2.0395, 3);
    expect(t975(60)).toBeCloseTo(2.0003, 3);
    expect(t975(1000)).toBeCloseTo(1.9623, 3);
  });
});
