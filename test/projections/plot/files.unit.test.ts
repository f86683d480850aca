import { describe, expect, it } from 'vitest';
import { isPlotFile, learningCurveFile, PROGRESS_PLOT } from '../../../projections/plot/files.js';

describe('plot files', () => {
  it('are the progress chart in journal/plots and the learning curve in a run folder', () => {
    expect(PROGRESS_PLOT).toBe('journal/plots/progress');
    expect(learningCurveFile('007')).toBe('runs/007/learning_curve');
  });

  it('are told apart from anything else in a run folder, their temp files included', () => {
    for (const name of ['learning_curve.svg', 'learning_curve.png', 'learning_curve.svg.tmp-123-a1b2']) expect(isPlotFile(name), name).toBe(true);
    for (const name of ['learning_curve.svg.bak', 'learning_curve.pdf', 'sub/learning_curve.svg', 'trainer_summary.json']) expect(isPlotFile(name), name).toBe(false);
  });
});
