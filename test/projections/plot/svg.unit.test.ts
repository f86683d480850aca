import { describe, expect, it } from 'vitest';
import { renderChart, type ChartSpec } from '../../../projections/plot/svg.js';
import { linearTicks, logTicks } from '../../../projections/plot/ticks.js';
import { xmlText } from '../../../projections/plot/xml.js';
import { xmlProblem } from '../../support/xml.js';

/** A chart with every kind of series (fixed data, so its SVG is fixed too). */
const spec: ChartSpec = {
  title: 'Optimizer progress: mean_reward (maximize)',
  subtitle: '5 evaluated run(s), 1 failed; whiskers: 95% t-interval of the mean',
  xLabel: 'run',
  yLabel: 'mean_reward',
  integerX: true,
  series: [
    {
      kind: 'points',
      name: 'run mean',
      points: [
        { x: 1, y: 120, lo: 100, hi: 140 },
        { x: 2, y: 180, lo: 150, hi: 210 },
        { x: 4, y: 160 },
        { x: 5, y: 260, lo: 230, hi: 290 },
        { x: 6, y: 240, lo: 200, hi: 280 },
      ],
    },
    { kind: 'step', name: 'incumbent', points: [{ x: 1, y: 120 }, { x: 2, y: 180 }, { x: 5, y: 260 }] },
    { kind: 'crosses', name: 'failed run', points: [{ x: 3, y: null }] },
    { kind: 'line', name: 'reference', points: [{ x: 1, y: 110 }, { x: 6, y: 230 }] },
  ],
  empty: 'no evaluated runs yet',
};

describe('renderChart', () => {
  it('draws the same SVG for the same data (golden files)', async () => {
    const svg = renderChart(spec);
    expect(renderChart(structuredClone(spec))).toBe(svg);
    await expect(svg).toMatchFileSnapshot('../../fixtures/plots/chart.svg');
    await expect(renderChart({ ...spec, logY: true })).toMatchFileSnapshot('../../fixtures/plots/chart-log.svg');
  });

  it('writes well-formed XML with a marker, a whisker, the step and a cross for the data', () => {
    const svg = renderChart(spec);
    expect(xmlProblem(svg)).toBeNull();
    expect(svg.match(/<circle /g)).toHaveLength(6); // five runs and the legend's marker
    expect(svg).toMatch(/<path d="M[\d. ]+H[\d.]+V[\d.]+H[\d.]+V[\d.]+H[\d.]+"/); // the incumbent's two steps, then to the right edge
    expect(svg).toContain('>failed run</text>');
  });

  it('keeps hostile text from the log inert', () => {
    const hostile = `</text></svg><script>alert("x")</script>&amp;'\u0000\u001b`;
    const svg = renderChart({ ...spec, title: hostile, xLabel: hostile, yLabel: hostile, series: [{ kind: 'line', name: hostile, points: [{ x: 1, y: 1 }] }], empty: hostile });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('</svg><');
    expect(svg).toContain('&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;&#39;\uFFFD\uFFFD');
    expect(xmlText('\uD800 ok \uD83D\uDE00')).toBe('\uFFFD ok \uD83D\uDE00');
  });

  it('says so when there is nothing to plot', () => {
    const svg = renderChart({ ...spec, series: [{ kind: 'points', name: 'run mean', points: [] }] });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toContain('>no evaluated runs yet</text>');
    expect(svg).not.toContain('<circle');
  });

  it('leaves values at or below 0 out of a log axis, and says how many', () => {
    const svg = renderChart({ ...spec, logY: true, series: [{ kind: 'points', name: 'run mean', points: [{ x: 1, y: 10 }, { x: 2, y: 0 }, { x: 3, y: -4, lo: -6, hi: -2 }, { x: 4, y: 1000 }] }] });
    expect(svg).toContain('4 value(s) ≤ 0 left out of the log axis');
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('mean_reward (log)');
  });
});

describe('ticks', () => {
  it('picks 1-2-5 steps on a linear axis and widens the domain to them', () => {
    expect(linearTicks({ min: 0.13, max: 0.87 })).toEqual({ ticks: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], domain: { min: 0.1, max: 0.9 } });
    expect(linearTicks({ min: 3, max: 97 }).ticks).toEqual([0, 20, 40, 60, 80, 100]);
    expect(linearTicks({ min: -0.3, max: 0.3 }).ticks).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  });

  it('gives whole-number ticks for run indexes, and an axis around a single value', () => {
    expect(linearTicks({ min: 1, max: 3 }, 6, { integer: true }).ticks).toEqual([1, 2, 3]);
    expect(linearTicks({ min: 1, max: 1 }, 6, { integer: true }).ticks).toEqual([0, 1, 2]);
    expect(linearTicks({ min: 50, max: 50 }).ticks).toEqual([44, 46, 48, 50, 52, 54, 56]);
  });

  it('uses decades on a log axis, 1-2-5 within a decade or two, and thins many decades', () => {
    expect(logTicks({ min: 1, max: 1e5 })).toEqual({ ticks: [1, 10, 100, 1000, 10000, 100000], domain: { min: 1, max: 100000 } });
    expect(logTicks({ min: 3, max: 7 })).toEqual({ ticks: [2, 5, 10], domain: { min: 2, max: 10 } });
    expect(logTicks({ min: 0.004, max: 0.03 }).ticks).toEqual([0.002, 0.005, 0.01, 0.02, 0.05]);
    expect(logTicks({ min: 0.004, max: 0.3 }).ticks).toEqual([0.001, 0.01, 0.1, 1]);
    const wide = logTicks({ min: 1e-12, max: 1e12 }).ticks;
    expect(wide.length).toBeLessThanOrEqual(9);
    expect(wide[0]).toBe(1e-12);
  });
});
