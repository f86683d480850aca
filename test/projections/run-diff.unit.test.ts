/** `autopilot diff` as a pure function: the config diff, and the comparison the evaluate step would make, reproduced bit for bit. */
import { describe, expect, it } from 'vitest';
import { diffRuns, renderRunDiff } from '../../projections/run-diff.js';
import { foldView } from '../../projections/view.js';
import { evaluationSeed } from '../../domain/stats/index.js';
import { diffConfigs } from '../../domain/config/diff.js';
import { isAutopilotError } from '../../domain/errors.js';
import { historyEvents } from '../support/history-events.js';

const events = historyEvents('loop-3');
const view = foldView(events);
const metric = { name: 'mean_reward', direction: 'maximize' as const };
// The statistics run 002 was judged with, as its RunEvaluated records them (welch-t is the interval setting `welch`).
const evaluated = view.runs.get('002')!.evaluation!;
const stats = { alpha: evaluated.alpha!, sidedness: evaluated.sidedness!, resamples: evaluated.resamples!, interval: 'welch' as const };

describe('diff 001 002 on the loop-3 history', () => {
  const d = diffRuns(view, '001', '002', metric, stats);

  it("gives 002's config against 001's, key by key", () => {
    expect(d.changes).toEqual(diffConfigs(view.runs.get('001')!.accepted!.config, view.runs.get('002')!.accepted!.config));
    expect(d.changes.map((c) => c.key)).toContain('train.learning_rate');
  });

  it("compares 002 with 001 exactly as 002's RunEvaluated did: same seed, interval and verdict", () => {
    const { runId: _runId, at: _at, ...recorded } = evaluated;
    expect(d.comparison).toEqual(recorded);
    expect(d.comparison?.seed).toBe(evaluationSeed('002'));
  });

  it('prints the changes, the verdict with its interval, and the seed', () => {
    const text = renderRunDiff(d);
    expect(text).toContain(`Config of run 002 against run 001: ${d.changes.length} change(s)`);
    expect(text).toMatch(/ {2}train\.learning_rate: [\d.e-]+ -> 0\.000149741\n/);
    expect(text).toContain('Run 002 compared with run 001 on mean_reward:');
    expect(text).toMatch(/ {2}improved — mean_reward 395\.8\d* \(n=32\) vs run 001 381\.8\d* \(n=32\)/);
    expect(text).toMatch(/ {2}interval of the gain \(positive: run 002 better\): \[12\.3\d*, 15\.6\d*\]\n/);
    expect(text).toContain(`  seed ${evaluationSeed('002')} (the evaluation seed of run 002, as its RunEvaluated would draw it)\n`);
  });

  it('says why there is no comparison when a run has no sample, and refuses an unknown run', () => {
    const none = diffRuns(view, '001', '002', { name: 'nothing', direction: 'maximize' }, stats);
    expect(none.comparison).toBeNull();
    expect(renderRunDiff(none)).toContain('  none: no sample of nothing for run 001 and run 002\n');
    let code: string | null = null;
    try {
      diffRuns(view, '001', '042', metric, stats);
    } catch (e) {
      code = isAutopilotError(e) ? e.code : 'other';
    }
    expect(code).toBe('not-found');
  });
});
