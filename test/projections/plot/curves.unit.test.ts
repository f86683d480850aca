import { describe, expect, it } from 'vitest';
import { curveSpec, curveSvg, MAX_CURVE_POINTS } from '../../../projections/plot/curves.js';
import { foldForPlots, type ProgressReport } from '../../../projections/plot/fold.js';
import { xmlProblem } from '../../support/xml.js';
import { loop3 } from './loop-history.js';

describe('learning curves', () => {
  it('draws the metric against agent steps, one line per attempt', () => {
    const b = loop3();
    b.add('RunPlanned', { runId: '004', index: 4, kind: 'proposal', mode: 'quick' });
    for (const [attempt, steps, reward] of [
      [1, 100, 5],
      [1, 200, 7],
      [2, 100, 6],
      [2, 200, 9],
      [2, 300, 12],
    ] as const)
      b.add('RunProgress', { runId: '004', attempt, metrics: { agent_steps: steps, mean_reward: reward } });
    const { view, log } = foldForPlots(b.events);
    const spec = curveSpec(view, '004', log.progress.get('004')!);
    expect(spec.xLabel).toBe('agent_steps');
    expect(spec.series.map((s) => [s.name, s.points.map((p) => [p.x, p.y])])).toEqual([
      [
        'attempt 1',
        [
          [100, 5],
          [200, 7],
        ],
      ],
      [
        'attempt 2',
        [
          [100, 6],
          [200, 9],
          [300, 12],
        ],
      ],
    ]);
    expect(xmlProblem(curveSvg(view, '004', log.progress.get('004')!))).toBeNull();
  });

  it('draws at most MAX_CURVE_POINTS of an attempt, the last one included, and says so', () => {
    const { view } = foldForPlots(loop3().events);
    const reports = Array.from({ length: 5001 }, (_, i) => ({ attempt: 1, metrics: { agent_steps: i * 10, mean_reward: i } }));
    const spec = curveSpec(view, '001', reports);
    const points = spec.series[0]!.points;
    expect(points.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(points[0]).toEqual({ x: 0, y: 0 });
    expect(points[points.length - 1]).toEqual({ x: 50000, y: 5000 });
    expect(spec.subtitle).toBe(`5001 progress report(s); at most ${MAX_CURVE_POINTS} drawn per attempt`);
  });

  it('keeps a one-report spike when it thins a long curve, as the inspector does', () => {
    const { view } = foldForPlots(loop3().events);
    const reports = Array.from({ length: 9001 }, (_, i) => ({ attempt: 1, metrics: { agent_steps: i, mean_reward: i === 4567 ? 1e6 : i % 7 } }));
    const ys = curveSpec(view, '001', reports).series[0]!.points.map((p) => p.y as number);
    expect(ys.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(Math.max(...ys)).toBe(1e6);
  });

  it('names each axis when attempts count on different ones', () => {
    const { view } = foldForPlots(loop3().events);
    const reports: ProgressReport[] = [
      { attempt: 1, metrics: { agent_steps: 10, mean_reward: 1 } },
      { attempt: 2, metrics: { mean_reward: 2 } },
    ];
    const spec = curveSpec(view, '001', reports);
    expect(spec.xLabel).toBe('agent_steps / progress report');
    expect(spec.series.map((s) => s.points)).toEqual([[{ x: 10, y: 1 }], [{ x: 1, y: 2 }]]);
  });

  it('falls back to the order of the reports without step counts, and says when the metric is missing', () => {
    const { view } = foldForPlots(loop3().events);
    const reports = [
      { attempt: 1, metrics: { mean_reward: 1 } },
      { attempt: 1, metrics: { mean_reward: 2 } },
    ];
    expect(curveSpec(view, '001', reports).series[0]!.points).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 2 },
    ]);
    expect(curveSvg(view, '001', [{ attempt: 1, metrics: { '</svg><script>': 1 } }])).toContain('no mean_reward in run 001&#39;s progress reports');
  });
});
