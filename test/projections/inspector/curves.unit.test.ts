import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import { curvesOf, downsample } from '../../../projections/inspector/curves.js';
import { historyEvents } from '../../support/history-events.js';
import { asStored } from '../support.js';

const metadata = { session: '0001', at: '2026-01-01T00:00:00.000Z' };
const progress = (runId: string, attempt: number, metrics: Record<string, number>): AutopilotEvent => ({ type: 'RunProgress', data: { runId, attempt, metrics }, metadata });

describe('downsampling a curve', () => {
  it('leaves a short curve as it is', () => {
    const points = [
      { x: 1, y: 3 },
      { x: 2, y: 1 },
    ];
    expect(downsample(points, 5)).toEqual(points);
    expect(downsample([], 5)).toEqual([]);
  });

  it('keeps the first, the last and both extremes of a long one, within the cap', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: Math.sin(i / 30) * 10 + (i === 517 ? 99 : 0) + (i === 733 ? -99 : 0) }));
    const out = downsample(points, 50);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.length).toBeGreaterThan(40);
    expect(out[0]).toEqual(points[0]);
    expect(out.at(-1)).toEqual(points[999]);
    expect(out).toContainEqual({ x: 517, y: points[517]!.y });
    expect(out).toContainEqual({ x: 733, y: points[733]!.y });
  });

  it('never exceeds the cap, keeps order and only points it was given (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 400 }), fc.integer({ min: 0, max: 60 }), (ys, max) => {
        const points = ys.map((y, x) => ({ x, y }));
        const out = downsample(points, max);
        expect(out.length).toBeLessThanOrEqual(Math.max(4, max));
        for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
        for (const p of out) expect(p).toEqual(points[p.x]);
        if (points.length > 0) {
          expect(out[0]).toEqual(points[0]);
          expect(out.at(-1)).toEqual(points.at(-1));
          expect(Math.max(...out.map((p) => p.y))).toBe(Math.max(...ys));
          expect(Math.min(...out.map((p) => p.y))).toBe(Math.min(...ys));
        }
      }),
      { seed: 17, numRuns: 200 },
    );
  });
});

describe('the learning curves of a run', () => {
  it("read a committed history's progress on the agent_steps axis", () => {
    const events = historyEvents('loop-2');
    const reported = events.flatMap((e) => (e.event.type === 'RunProgress' && e.event.data.runId === '002' ? [e.event.data.metrics] : []));
    expect(curvesOf(events, '002', 'mean_reward')).toEqual([
      { attempt: 1, x: 'agent_steps', points: reported.map((m) => ({ x: m['agent_steps'], y: m['mean_reward'] })), total: reported.length },
    ]);
    expect(curvesOf(events, '999', 'mean_reward')).toEqual([]);
  });

  it('give each attempt its own curve, on the axis its reports share', () => {
    const events = asStored([
      progress('007', 2, { epoch: 1, score: 5 }),
      progress('007', 1, { agent_steps: 100, score: 1 }),
      progress('008', 1, { agent_steps: 100, score: 50 }),
      progress('007', 1, { agent_steps: 200, score: 2, epoch: 3 }),
      progress('007', 2, { epoch: 2, score: 6 }),
      progress('007', 3, { score: 7 }),
      progress('007', 3, { agent_steps: 10, other: 1 }),
      progress('007', 3, { agent_steps: 20, score: 9 }),
    ]);
    expect(curvesOf(events, '007', 'score')).toEqual([
      {
        attempt: 1,
        x: 'agent_steps',
        points: [
          { x: 100, y: 1 },
          { x: 200, y: 2 },
        ],
        total: 2,
      },
      {
        attempt: 2,
        x: 'epoch',
        points: [
          { x: 1, y: 5 },
          { x: 2, y: 6 },
        ],
        total: 2,
      },
      // Mixed reports fall back to their order; the one without the metric keeps its place but no point.
      {
        attempt: 3,
        x: 'order',
        points: [
          { x: 1, y: 7 },
          { x: 3, y: 9 },
        ],
        total: 2,
      },
    ]);
  });

  it('are downsampled to the points asked for, with the count before', () => {
    const events = asStored(Array.from({ length: 300 }, (_, i) => progress('001', 1, { agent_steps: (i + 1) * 10, r: i % 7 })));
    const [curve] = curvesOf(events, '001', 'r', 20);
    expect(curve?.total).toBe(300);
    expect(curve?.points.length).toBeLessThanOrEqual(20);
    expect(curve?.points[0]).toEqual({ x: 10, y: 0 });
    expect(curve?.points.at(-1)).toEqual({ x: 3000, y: 299 % 7 });
  });
});
