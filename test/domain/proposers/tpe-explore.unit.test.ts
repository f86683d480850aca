/**
 * The TPE's exploration steps and pooled replicates (issue 15): every 2nd model proposal redraws one
 * to three keys of a good run far from their values and keeps the rest; runs of one config are one
 * observation with their n-weighted mean.
 */
import { describe, expect, it } from 'vitest';
import type { Scalar } from '../../../domain/config.js';
import { parsePolicy } from '../../../domain/policy.js';
import { proposeTpe, TPE_DEFAULTS, type Observation } from '../../../domain/proposers/tpe.js';
import { isExploreStep, MIN_JUMP } from '../../../domain/proposers/tpe/explore.js';
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

describe('exploration steps of the TPE', () => {
  it('come on a fixed schedule: every 2nd model proposal by default, none with exploreEvery 0', () => {
    expect(TPE_DEFAULTS.exploreEvery).toBe(2);
    expect([0, 1, 2, 3, 4, 5].map((s) => isExploreStep(s, 2))).toEqual([false, true, false, true, false, true]);
    expect([0, 1, 2, 3, 4, 5].map((s) => isExploreStep(s, 3))).toEqual([false, false, true, false, false, true]);
    expect([0, 1, 2].map((s) => isExploreStep(s, 0))).toEqual([false, false, false]);
  });

  it('redraw 1-3 keys of a good run far from their values, keep the others, and say so in the rationale', () => {
    // 6 scored runs with 5 startup trials: model step 1, an exploration step.
    let seen = 0;
    let jumps = 0;
    for (let seed = 0; seed < 40; seed++) {
      const runs = history(6);
      const [p] = proposeTpe(policy, runs, { seed, direction: 'maximize' });
      expect(p!.rationale).toContain('an exploration step (every 2nd model proposal explores)');
      // The step's 6 draws from the prior compete with its jumps; a prior draw wins now and then.
      if (p!.rationale.startsWith('explore: broad draw from the prior')) continue;
      const m = /^explore: from (\d{3}) \(#\d of 6, [^)]+\), redraws ([a-z_, ]+) from the prior, keeps the rest: /.exec(p!.rationale);
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
    const a = proposeTpe(policy, replicated, { seed: 4, direction: 'maximize', exploreEvery: 0 })[0]!;
    const b = proposeTpe(policy, runs, { seed: 4, direction: 'maximize', exploreEvery: 0 })[0]!;
    expect(a.overrides).toEqual(b.overrides);
  });
});
