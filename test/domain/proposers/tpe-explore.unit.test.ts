/**
 * The TPE's steps and pooled replicates (issue 15): the first model proposals are broad (as
 * Optuna 3.1's TPE would propose), then exploit steps, and once the search has found no better run
 * for `patience` proposals, every `jumpEvery`-th proposal a jump that redraws one to three keys of a
 * good run far from their values and keeps the rest, the others broad; runs of one config are one
 * observation with their n-weighted mean.
 */
import { describe, expect, it } from 'vitest';
import type { Scalar } from '../../../domain/config/config.js';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { proposeTpe, TPE_DEFAULTS, type Observation } from '../../../domain/proposers/tpe.js';
import { MIN_JUMP, staleSteps, stepKind } from '../../../domain/proposers/tpe/explore.js';
import { fitModel } from '../../../domain/proposers/tpe/model.js';
import { defaultGamma } from '../../../domain/proposers/tpe.js';
import { pooledPoints } from '../../../domain/proposers/tpe/points.js';
import { buildSpace } from '../../../domain/proposers/tpe/space.js';
import { proposeRandom } from '../../../domain/proposers/random.js';

const policy = parsePolicy({
  version: 1,
  keys: {
    'k.lr': { type: 'number', min: 1e-5, max: 1e-1, distribution: 'log_normal' },
    'k.gamma': { type: 'number', min: 0.9, max: 0.9999, distribution: 'logit_normal' },
    'k.clip': { type: 'number', min: 0.05, max: 0.45, distribution: 'uniform' },
    'k.batch': { type: 'integer', min: 64, max: 16384, distribution: 'uniform_pow2' },
    'k.epochs': { type: 'integer', min: 1, max: 10 },
    'k.act': { type: 'enum', choices: ['tanh', 'relu', 'gelu'] },
  },
});
const space = buildSpace(policy);
const score = (o: Record<string, Scalar>) => -((Math.log10(o['k.lr'] as number) + 3) ** 2) - ((o['k.clip'] as number) - 0.2) ** 2;

/** `n` random runs (seeded), scored by `score`. */
function history(n: number): Observation[] {
  return Array.from({ length: n }, (_, i) => {
    const overrides = proposeRandom(policy, 500 + i).overrides as Record<string, Scalar>;
    return { runId: String(i + 1).padStart(3, '0'), overrides, value: score(overrides) };
  });
}

/** `n` random runs where run 003 is by far the best: the model has found nothing better since the random start. */
function staleHistory(n: number): Observation[] {
  return history(n).map((r) => (r.runId === '003' ? { ...r, value: 100 } : r));
}

describe('the steps of the TPE', () => {
  it('are broad first, then exploit while the search improves, then jump and broad by turns once it has stalled', () => {
    expect(TPE_DEFAULTS).toMatchObject({ broadSteps: 5, patience: 5, jumpEvery: 3 });
    const schedule = { broadSteps: 5, patience: 5, jumpEvery: 3 };
    // Stalled from step 5 on: steps 6 and 9 (multiples of 3) jump, the others are broad.
    expect([0, 4, 5, 6, 7, 8, 9].map((step) => stepKind(step, 9, schedule))).toEqual(['broad', 'broad', 'broad', 'jump', 'broad', 'broad', 'jump']);
    expect([0, 4].map((stale) => stepKind(6, stale, schedule))).toEqual(['exploit', 'exploit']);
    expect(stepKind(6, 5, schedule)).toBe('jump');
    expect(stepKind(7, 50, { ...schedule, patience: 0 })).toBe('exploit');
    expect(stepKind(0, 0, { ...schedule, broadSteps: 0 })).toBe('exploit');
    expect([6, 7, 8].map((step) => stepKind(step, 9, { ...schedule, jumpEvery: 1 }))).toEqual(['jump', 'jump', 'jump']);
    expect([6, 7, 8].map((step) => stepKind(step, 9, { ...schedule, jumpEvery: 0 }))).toEqual(['broad', 'broad', 'broad']);
    // Without exploit steps the search steps broad while it improves; stalled, it still jumps.
    expect([6, 7, 8].map((step) => stepKind(step, 0, { ...schedule, exploit: false }))).toEqual(['broad', 'broad', 'broad']);
    expect(stepKind(6, 5, { ...schedule, exploit: false })).toBe('jump');
  });

  it('count stale proposals from the best run or the end of the random start, whichever is later', () => {
    // Maximize: the best (9) is at index 6; 3 points came after it.
    expect(staleSteps([1, 2, 3, 4, 5, 6, 9, 1, 2, 3], 'maximize', 5)).toBe(3);
    // The best is in the random start (index 1): only the 4 model proposals after index 4 count.
    expect(staleSteps([1, 9, 3, 4, 5, 6, 7, 1, 2], 'maximize', 5)).toBe(4);
    expect(staleSteps([5, 1, 3], 'minimize', 0)).toBe(1);
    expect(staleSteps([5, 4, 3], 'minimize', 0)).toBe(0);
  });

  it("fit Optuna's wide kernels in a broad step: Scott's width, never under the magic clip 1 / (n + 2), scored as Optuna scores", () => {
    const points = pooledPoints(space, history(12));
    const broad = fitModel(space, points, 'maximize', defaultGamma, 'broad');
    const nearest = fitModel(space, points, 'maximize', defaultGamma, 'nearest');
    const d = space.modelled.length;
    const n = broad.good.length;
    const expected = Math.max(0.2 * n ** (-1 / (d + 4)), 1 / (n + 2));
    for (const c of broad.l.components.slice(0, -1)) expect(c.width).toBeCloseTo(expected, 12);
    expect([broad.l.scoring, broad.g.scoring, nearest.l.scoring, nearest.g.scoring]).toEqual(['optuna', 'optuna', 'density', 'density']);
    // The nearest-run widths are what narrows: on this history they are narrower than Optuna's.
    expect(Math.min(...nearest.l.components.slice(0, -1).map((c) => c.width))).toBeLessThan(expected);
  });

  it('say which step they are in the rationale: a young model explores with wide kernels', () => {
    for (let seed = 0; seed < 10; seed++) {
      const [p] = proposeTpe(policy, history(6), { seed, direction: 'maximize' });
      expect(p!.rationale).toMatch(/^explore: /);
      expect(p!.rationale).toContain("a broad step (model proposal 2 of the first 5, as Optuna's TPE would)");
    }
  });

  it('redraw 1-3 keys of a good run far from their values, keep the others, and say so in the rationale', () => {
    // 14 scored runs, the best in the random start: 9 model proposals without a better run; step 9 is a jump.
    let seen = 0;
    let jumps = 0;
    for (let seed = 0; seed < 40; seed++) {
      const runs = staleHistory(14);
      const [p] = proposeTpe(policy, runs, { seed, direction: 'maximize' });
      expect(p!.rationale).toContain('a jump step (9 model proposals since the best run, patience 5; every 3rd stalled step, the others broad)');
      // The step's 6 draws from the prior compete with its jumps; a prior draw wins now and then.
      if (p!.rationale.startsWith('explore: broad draw from the prior')) continue;
      const m = /^explore: from (\d{3}) \(#\d of 14, [^)]+\), redraws ([a-z_, ]+) from the prior, keeps the rest: /.exec(p!.rationale);
      expect(m, p!.rationale).not.toBeNull();
      jumps++;
      const anchor = runs.find((r) => r.runId === m![1])!;
      const redrawn = m![2]!.split(', ').map((name) => `k.${name}`);
      expect(redrawn.length).toBeGreaterThanOrEqual(1);
      expect(redrawn.length).toBeLessThanOrEqual(3);
      for (const dim of space.modelled) {
        const before = anchor.overrides[dim.key];
        const after = p!.overrides[dim.key];
        if (!redrawn.includes(dim.key)) expect(after, dim.key).toBe(before);
        else if (dim.kind === 'categorical') expect(after).not.toBe(before);
        else {
          const jump = Math.abs((dim.toUnit(after) as number) - (dim.toUnit(before) as number));
          // The farthest of 16 draws is taken when none is far enough: rarely, and never beside the anchor.
          if (jump >= MIN_JUMP) seen++;
          expect(jump, `${dim.key} ${before} -> ${after}`).toBeGreaterThan(0.02);
        }
      }
    }
    expect(jumps).toBeGreaterThan(25);
    expect(seen).toBeGreaterThan(20);
  });

  it('between jumps, propose broad steps that move every key as Optuna would, and say so', () => {
    // 15 and 16 scored runs, stalled: steps 10 and 11 are broad.
    for (const n of [15, 16]) {
      const runs = staleHistory(n);
      const moved = new Set<string>();
      for (let seed = 0; seed < 20; seed++) {
        const [p] = proposeTpe(policy, runs, { seed, direction: 'maximize' });
        expect(p!.rationale).toMatch(/^explore: (wide kernel around|broad draw from the prior)/);
        expect(p!.rationale).toContain(`a broad step (${n - 5} model proposals since the best run, patience 5; as Optuna's TPE would, every 3rd stalled step a jump)`);
        const best = runs.find((r) => r.runId === '003')!;
        const changed = space.modelled.filter((d) => p!.overrides[d.key] !== best.overrides[d.key]).map((d) => d.key);
        for (const k of changed) moved.add(k);
      }
      // Unlike a jump (1-3 keys), broad steps move every key.
      expect(moved.size).toBe(space.modelled.length);
    }
  });

  it('are reproducible: the same history and seed give the same proposal', () => {
    const runs = history(8);
    expect(proposeTpe(policy, runs, { seed: 9, direction: 'maximize' })).toEqual(proposeTpe(policy, runs, { seed: 9, direction: 'maximize' }));
  });
});

describe('pooled replicates', () => {
  it('make runs of one config one observation with the n-weighted mean; failures stay apart', () => {
    const runs = history(3);
    const config = runs[1]!.overrides;
    const more: Observation[] = [
      ...runs.map((r) => ({ ...r, n: 16 })),
      { runId: '004', overrides: { ...config }, value: 10, n: 16 },
      { runId: '005', overrides: { ...config }, value: 20, n: 48 },
      { runId: '006', overrides: { ...config }, value: null },
    ];
    const points = pooledPoints(space, more);
    expect(points.map((p) => p.runs)).toEqual([['001'], ['002', '004', '005'], ['003'], ['006']]);
    const pooled = points[1]!;
    expect(pooled.n).toBe(80);
    expect(pooled.value).toBeCloseTo((runs[1]!.value! * 16 + 10 * 16 + 20 * 48) / 80, 10);
    expect(points[3]!.status).toBe('failed');
  });

  it('give a replicated run no zero-distance twin: the model proposes the same as with the pooled run alone', () => {
    const runs = history(8);
    const replicated = [...runs, { ...runs[2]!, runId: '009' }];
    const a = proposeTpe(policy, replicated, { seed: 4, direction: 'maximize', broadSteps: 0, patience: 0 })[0]!;
    const b = proposeTpe(policy, runs, { seed: 4, direction: 'maximize', broadSteps: 0, patience: 0 })[0]!;
    expect(a.overrides).toEqual(b.overrides);
  });
});
