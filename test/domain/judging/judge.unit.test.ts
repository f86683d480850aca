import { describe, expect, it } from 'vitest';
import { judgeRun } from '../../../domain/judging/judge.js';
import type { Replication } from '../../../domain/judging/replication.js';
import { errorControl } from '../../../domain/judging/error-control.js';
import { parseSettings } from '../../../domain/config/settings.js';

const stats = parseSettings({ trainer: { command: ['x'] }, metric: { name: 'score', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 9, no_output_seconds: 9 } } }).statistics;
const metric = { name: 'score', direction: 'maximize' as const };
const incumbent = { runId: '001', metric: 'score', mean: 10, n: 4, sample: [9, 10, 11, 10], override: {} };
const first = [20, 21, 19, 20];
const replication: Replication = {
  parent: '002',
  reason: 'improved',
  target: 1,
  done: 0,
  runs: ['002'],
  sample: first,
  override: { lr: 1 },
  remeasures: ['003'],
  remeasureSample: [30, 31, 29, 30],
};

describe('what a run is judged on and against', () => {
  it('judges a confirming replicate on its own sample against the incumbent’s fresh re-runs, one-sided at the confirmation level', () => {
    const d = judgeRun({ runId: '004', kind: 'replicate', parent: '002' }, [20, 20.5, 19.5, 20], replication, incumbent, metric, stats, 30);
    // Against its first draw the incumbent would lose; against its fresh re-run (mean 30) it wins.
    expect(d).toMatchObject({ verdict: 'regressed', against: ['003'], candidate: { n: 4 }, incumbent: { runId: '001', mean: 30, n: 4 }, sidedness: 'one-sided' });
    expect(d.alpha).toBe(errorControl(stats, 30).confirmation);
    expect(d.pooled).toBeUndefined();
  });

  it('judges a re-run of the incumbent against nothing: its values join the incumbent’s', () => {
    const d = judgeRun({ runId: '003', kind: 'replicate', parent: '001' }, [30, 31], { ...replication, remeasures: [], remeasureSample: [] }, incumbent, metric, stats, 30);
    expect(d).toMatchObject({ verdict: 'baseline', incumbent: null, candidate: { n: 2 } });
    expect(d.method).toBe('none (a re-run of the incumbent 001 for the confirmation of 002)');
  });

  it('pools a replicate with its parent under the old rule, against the incumbent’s recorded sample', () => {
    const d = judgeRun({ runId: '004', kind: 'replicate', parent: '002' }, [20, 20.5], replication, incumbent, metric, { ...stats, confirmation: 'pooled' }, 30);
    expect(d).toMatchObject({ verdict: 'improved', pooled: ['002', '004'], candidate: { n: 6 }, incumbent: { runId: '001', n: 4 }, sidedness: 'two-sided', alpha: 0.05 });
    expect(d.against).toBeUndefined();
  });
});
