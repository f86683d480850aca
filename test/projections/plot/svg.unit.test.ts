import { describe, expect, it } from 'vitest';
import { renderChart, type ChartSpec } from '../../../projections/plot/svg.js';
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
    {
      kind: 'step',
      name: 'incumbent',
      points: [
        { x: 1, y: 120 },
        { x: 2, y: 180 },
        { x: 5, y: 260 },
      ],
    },
    { kind: 'crosses', name: 'failed run', points: [{ x: 3, y: null }] },
    {
      kind: 'line',
      name: 'reference',
      points: [
        { x: 1, y: 110 },
        { x: 6, y: 230 },
      ],
    },
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
  });

  it('draws a curve of 200,000 points', () => {
    const points = Array.from({ length: 200_000 }, (_, i) => ({ x: i, y: Math.sin(i / 1000) }));
    const svg = renderChart({ ...spec, series: [{ kind: 'line', name: 'long', points }] });
    expect(svg).toContain('>long</text>');
    expect(xmlProblem(svg)).toBeNull();
  });

  it('says so when there is nothing to plot', () => {
    const svg = renderChart({ ...spec, series: [{ kind: 'points', name: 'run mean', points: [] }] });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toContain('>no evaluated runs yet</text>');
    expect(svg).not.toContain('<circle');
  });

  it('leaves values at or below 0 out of a log axis, and says how many', () => {
    const svg = renderChart({
      ...spec,
      logY: true,
      series: [
        {
          kind: 'points',
          name: 'run mean',
          points: [
            { x: 1, y: 10 },
            { x: 2, y: 0 },
            { x: 3, y: -4, lo: -6, hi: -2 },
            { x: 4, y: 1000 },
          ],
        },
      ],
    });
    expect(svg).toContain('4 value(s) ≤ 0 left out of the log axis');
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('mean_reward (log)');
  });
});
