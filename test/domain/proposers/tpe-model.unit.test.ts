import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { describe, expect, it } from 'vitest';
import { parsePolicy, type KeySpec } from '../../../domain/policy/policy.js';
import { nearestRunWidths } from '../../../domain/proposers/tpe/bandwidth.js';
import { ageWeights, fitParzen, logDensity, logMass, minKernelWidth, sampleParzen, type Coordinate } from '../../../domain/proposers/tpe/parzen.js';
import { buildSpace, dimOf, type NumericDim } from '../../../domain/proposers/tpe/space.js';
import { shortNames } from '../../../domain/proposers/tpe/explain.js';
import { createRng } from '../../../domain/rng.js';

const specOf = (spec: unknown) => parsePolicy({ version: 1, keys: { 'a.k': spec } }).keys['a.k'] as KeySpec;
const numericDim = (spec: unknown) => dimOf('a.k', specOf(spec)) as NumericDim;

describe('when mapping keys to the search space', () => {
  it('uses the scale random search samples in', () => {
    const scale = (spec: unknown) => (dimOf('a.k', specOf(spec)) as { scale?: string }).scale;
    expect(scale({ type: 'number', min: 1e-5, max: 0.1 })).toBe('log');
    expect(scale({ type: 'number', min: 0.8, max: 0.99, distribution: 'uniform' })).toBe('linear');
    expect(scale({ type: 'number', min: 0.9, max: 0.9999, distribution: 'logit_normal' })).toBe('log1m');
    expect(scale({ type: 'integer', min: 1, max: 8 })).toBe('int');
    expect(scale({ type: 'integer', min: 1, max: 1000, distribution: 'log_normal' })).toBe('int_log');
    expect(scale({ type: 'integer', min: 4, max: 64, distribution: 'uniform_pow2' })).toBe('pow2');
    expect(dimOf('a.k', specOf({ type: 'enum', choices: ['adam'] }))).toEqual({ kind: 'constant', key: 'a.k', value: 'adam' });
    expect(dimOf('a.k', specOf({ type: 'integer', min: 8, max: 8, distribution: 'uniform_pow2' }))).toEqual({ kind: 'constant', key: 'a.k', value: 8 });
  });

  it('maps every allowed value back to itself, ends included', () => {
    const cases: Array<[unknown, number[]]> = [
      [{ type: 'number', min: 1e-5, max: 0.1 }, [1e-5, 0.0003, 0.1]],
      [{ type: 'number', min: 0.9, max: 0.9999, distribution: 'logit_normal' }, [0.9, 0.99, 0.9999]],
      [{ type: 'number', min: -3, max: 5, distribution: 'uniform' }, [-3, 0.25, 5]],
      [{ type: 'integer', min: 1, max: 8 }, [1, 2, 7, 8]],
      [{ type: 'integer', min: 1, max: 1000, distribution: 'log_normal' }, [1, 2, 31, 1000]],
      [{ type: 'integer', min: 4, max: 64, distribution: 'uniform_pow2' }, [4, 8, 64]],
    ];
    for (const [spec, values] of cases) {
      const dim = numericDim(spec);
      for (const v of values) expect(dim.snap(dim.toUnit(v) as number)).toBe(v);
      expect(dim.toUnit('x')).toBeNull();
    }
  });

  it('gives integer cells that tile [0, 1]', () => {
    const dim = numericDim({ type: 'integer', min: 1, max: 100, distribution: 'log_normal' });
    let total = 0;
    for (let v = 1; v <= 100; v++) total += dim.cell(v)?.width ?? 0;
    expect(total).toBeCloseTo(1, 12);
    expect(dim.cell(1)?.centre).toBeCloseTo((dim.cell(1)?.width ?? 0) / 2, 12);
  });

  it('leaves targets of product and equal rules to the rules', () => {
    const policy = parsePolicy({
      version: 1,
      keys: { 'a.x': { type: 'integer', min: 1, max: 4 }, 'a.y': { type: 'integer', min: 1, max: 4 }, 'a.p': { type: 'integer', min: 1, max: 16 } },
      rules: [{ rule: 'product', key: 'a.p', of: ['a.x', 'a.y'] }],
    });
    const space = buildSpace(policy);
    expect(space.derived).toEqual(['a.p']);
    expect(space.modelled.map((d) => d.key)).toEqual(['a.x', 'a.y']);
  });

  it('names keys by their shortest unique dotted suffix', () => {
    const names = shortNames(['train.learning_rate', 'env.num_envs', 'vec.num_envs', 'a.b.c', 'x.b.c']);
    expect([...names.values()]).toEqual(['learning_rate', 'env.num_envs', 'vec.num_envs', 'a.b.c', 'x.b.c']);
  });
});

describe('when computing normal masses', () => {
  it('matches the CDF difference in the body and stays finite far in the tails', () => {
    expect(logMass(-1, 2)).toBeCloseTo(Math.log(normalCdf(2, 0, 1) - normalCdf(-1, 0, 1)), 12);
    expect(logMass(0.5, 3)).toBeCloseTo(Math.log(normalCdf(3, 0, 1) - normalCdf(0.5, 0, 1)), 12);
    expect(logMass(-60, -59)).toBeCloseTo(logMass(59, 60), 10);
    // Φ(-59) is about e^-1745: beyond doubles, but its log is near -x²/2 - log(x·√(2π)).
    expect(logMass(-60, -59)).toBeCloseTo(-0.5 * 59 * 59 - Math.log(59 * Math.sqrt(2 * Math.PI)), 1);
    expect(logMass(1, 1 + 1e-9)).toBeCloseTo(-0.5 - 0.5 * Math.log(2 * Math.PI) + Math.log(1e-9), 6);
    expect(logMass(1, 1)).toBe(-Infinity);
  });
});

describe('when fitting Parzen estimators', () => {
  it('weighs observations like Optuna: flat for the newest 25, a ramp for older ones', () => {
    expect(ageWeights(3)).toEqual([1, 1, 1]);
    const w = ageWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30, 12);
    expect(w[4]).toBeCloseTo(1, 12);
    expect(w.slice(5)).toEqual(Array.from({ length: 25 }, () => 1));
  });

  it('is a density on [0, 1] for a continuous key and a distribution over cells and choices', () => {
    const cont = numericDim({ type: 'number', min: 0, max: 1, distribution: 'uniform' });
    const disc = numericDim({ type: 'integer', min: 1, max: 6 });
    const cat = dimOf('a.c', specOf({ type: 'enum', choices: ['a', 'b', 'c'] }));
    if (cat.kind !== 'categorical') throw new Error('expected a categorical');
    const points: Coordinate[][] = [
      [{ u: 0.1 }, { cell: disc.cell(2) ?? { centre: 0, width: 0 } }, { index: 0 }],
      [{ u: 0.95 }, null, { index: 2 }],
    ];
    const parzen = fitParzen([cont, disc, cat], points, [0, 1]);
    const steps = 20_000;
    let integral = 0;
    for (let i = 0; i < steps; i++) integral += Math.exp(logDensity(parzen, [{ u: (i + 0.5) / steps }, null, null])) / steps;
    expect(integral).toBeCloseTo(1, 4);
    let mass = 0;
    for (let v = 1; v <= 6; v++) for (let c = 0; c < 3; c++) mass += Math.exp(logDensity(parzen, [null, { cell: disc.cell(v) ?? { centre: 0, width: 0 } }, { index: c }]));
    expect(mass).toBeCloseTo(1, 10);
  });

  it('draws near the observations, and from the prior about 1 / (n + 1) of the time', () => {
    const dim = numericDim({ type: 'number', min: 0, max: 1, distribution: 'uniform' });
    const parzen = fitParzen([dim], [[{ u: 0.2 }], [{ u: 0.3 }], [{ u: 0.25 }]], [0, 1, 2]);
    const rng = createRng(4);
    const draws = Array.from({ length: 4_000 }, () => sampleParzen(parzen, rng));
    const prior = draws.filter((d) => d.component === 3).length / draws.length;
    expect(prior).toBeGreaterThan(0.2);
    expect(prior).toBeLessThan(0.3);
    const near = draws.filter((d) => d.component < 3).map((d) => d.units[0] as number);
    const mean = near.reduce((s, u) => s + u, 0) / near.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.35);
    expect(draws.every((d) => (d.units[0] as number) >= 0 && (d.units[0] as number) <= 1)).toBe(true);
  });
});

describe('when choosing kernel widths', () => {
  const x = numericDim({ type: 'number', min: 0, max: 1, distribution: 'uniform' });
  const y = numericDim({ type: 'integer', min: 1, max: 10 });
  const cat = dimOf('a.c', specOf({ type: 'enum', choices: ['a', 'b'] }));
  if (cat.kind !== 'categorical') throw new Error('expected a categorical');

  it("makes each run's kernel as wide as the RMS distance to its nearest other run, over the numeric keys both runs know", () => {
    const cell = (v: number) => ({ cell: y.cell(v) ?? { centre: 0, width: 0 } });
    const all: Coordinate[][] = [
      [{ u: 0.1 }, cell(1), { index: 0 }],
      [{ u: 0.4 }, cell(1), { index: 1 }],
      [{ u: 0.9 }, null, { index: 0 }],
      [null, null, { index: 0 }],
    ];
    const [w0, w1, w2, w3] = nearestRunWidths([x, y, cat], all, [0, 1, 2, 3]);
    // Runs 0 and 1 share y's cell: sqrt((0.3² + 0²) / 2); the choice does not count.
    expect(w0).toBeCloseTo(Math.sqrt(0.09 / 2), 12);
    expect(w1).toBeCloseTo(Math.sqrt(0.09 / 2), 12);
    // Run 2 knows only x: its nearest run on x is run 1, 0.5 away.
    expect(w2).toBeCloseTo(0.5, 12);
    // Run 3 knows no numeric key: nothing to measure, so the estimator's default width.
    expect(w3).toBeNull();
    expect(nearestRunWidths([x], [[{ u: 0.5 }]], [0])).toEqual([null]);
  });

  it('narrows kernels down to a floor, and a narrow kernel keeps more of its mass on its own choice', () => {
    const points: Coordinate[][] = [[{ u: 0.5 }, { index: 0 }]];
    const at = (u: number) => [{ u }, null] as Coordinate[];
    const broad = fitParzen([x, cat], points, [0], [0.2]);
    const narrow = fitParzen([x, cat], points, [0], [0.07]);
    const collapsed = fitParzen([x, cat], points, [0], [0]);
    // Near the point the narrow kernel is denser, a little away it is thinner.
    expect(logDensity(narrow, at(0.5))).toBeGreaterThan(logDensity(broad, at(0.5)));
    expect(logDensity(narrow, at(0.8))).toBeLessThan(logDensity(broad, at(0.8)));
    // Width 0 is floored (0.2 / min(100, n + 2)), so the density stays finite.
    expect(Number.isFinite(logDensity(collapsed, at(0.5)))).toBe(true);
    expect(logDensity(collapsed, at(0.5))).toBeCloseTo(logDensity(fitParzen([x, cat], points, [0], [0.2 / 3]), at(0.5)), 12);
    const other = (p: typeof broad) => Math.exp(logDensity(p, [null, { index: 1 }]));
    expect(other(narrow)).toBeLessThan(other(broad));
  });

  it('scores as Optuna 3.1 does when asked: no 1/sigma on a continuous kernel, a categorical one smoothed by 1 / (n + 1)', () => {
    const truncated = (u: number, mu: number, sigma: number, scaled: boolean) => {
      const z = (u - mu) / sigma;
      const mass = normalCdf((1 - mu) / sigma, 0, 1) - normalCdf((0 - mu) / sigma, 0, 1);
      return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) / mass / (scaled ? sigma : 1);
    };
    const points: Coordinate[][] = [[{ u: 0.3 }, { index: 0 }]];
    const optuna = fitParzen([x, cat], points, [0], [0.1], 0, 'optuna');
    const density = fitParzen([x, cat], points, [0], [0.1], 0);
    for (const u of [0.3, 0.6, 0.95]) {
      // One run and the prior (N(0.5, 1) on [0, 1]), half the weight each.
      expect(Math.exp(logDensity(optuna, [{ u }, null]))).toBeCloseTo(0.5 * truncated(u, 0.3, 0.1, false) + 0.5 * truncated(u, 0.5, 1, false), 12);
      expect(Math.exp(logDensity(density, [{ u }, null]))).toBeCloseTo(0.5 * truncated(u, 0.3, 0.1, true) + 0.5 * truncated(u, 0.5, 1, true), 12);
    }
    // Optuna's run kernel on K choices: (1/2 + 1) / (K/2 + 1) on its choice whatever the width; ours puts at most the width (0.1) elsewhere.
    const k = cat.choices.length;
    const onChoice = (p: typeof optuna) => Math.exp(logDensity(p, [null, { index: 0 }]));
    expect(onChoice(optuna)).toBeCloseTo(0.5 * (1.5 / (k / 2 + 1)) + 0.5 / k, 12);
    expect(onChoice(density)).toBeCloseTo(0.5 * (1.1 / (k * 0.1 + 1)) + 0.5 / k, 12);
  });

  it('keeps the floor it is given, and a discrete kernel at least half its cell wide (the exploration floor)', () => {
    const points: Coordinate[][] = [[{ u: 0.5 }]];
    // The caller's floor (the good group's) applies to an estimator of any size: the bad group's is no sharper.
    const peak = (widths: number[], minWidth?: number) => logDensity(fitParzen([x], points, [0], widths, minWidth), [{ u: 0.5 }]);
    expect(peak([0], minKernelWidth(3))).toBeCloseTo(peak([0.2 / 5], 0), 12);
    expect(peak([0], minKernelWidth(3))).toBeGreaterThan(peak([0]));
    // y has 10 cells of width 0.1: with no width floor, a collapsed kernel on 5 is still 0.05 wide, so 4 and 6 lie 1 to 3 sigma off.
    const cell = (v: number) => [{ cell: y.cell(v) ?? { centre: 0, width: 0 } }] as Coordinate[];
    const parzen = fitParzen([y], [cell(5)], [0], [0], 0);
    const kernelOnly = (v: number) => (Math.exp(logDensity(parzen, cell(v))) - 0.5 * Math.exp(logDensity(fitParzen([y], [], []), cell(v)))) / 0.5;
    const neighbour = normalCdf(3, 0, 1) - normalCdf(1, 0, 1);
    expect(kernelOnly(4)).toBeCloseTo(neighbour, 6);
    expect(kernelOnly(6)).toBeCloseTo(neighbour, 6);
  });
});
