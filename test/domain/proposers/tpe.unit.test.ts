import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Config, Scalar } from '../../../domain/config/config.js';
import { checkValue } from '../../../domain/policy/key-spec.js';
import { parsePolicy, powersOfTwoIn, type KeySpec, type Policy } from '../../../domain/policy/policy.js';
import { proposeRandom } from '../../../domain/proposers/random.js';
import { defaultGamma, proposeTpe, type Observation, type TpeOptions } from '../../../domain/proposers/tpe.js';
import { createRng } from '../../../domain/rng.js';
import { validateOverrides } from '../../../domain/policy/validate.js';
import { baseConfig, policy as fixturePolicy } from '../fixtures.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

const shipped = parsePolicy(readJson('autopilot/policy.json'));
const shippedBase = readJson('autopilot/configs/baseline_quick.json') as Config;
const drone = parsePolicy(readJson('examples/puffer_drone_pp/policy.json'));
const droneQuick = readJson('examples/puffer_drone_pp/configs/baseline_quick.json') as Config;
const droneFull = readJson('examples/puffer_drone_pp/configs/baseline_full.json') as Config;

const runId = (i: number) => String(i + 1).padStart(3, '0');

/** A history of `n` random-search runs scored by `score` (null: failed). */
function historyOf(policy: Policy, n: number, score: (o: Record<string, Scalar>, i: number) => number | null, seed = 1): Observation[] {
  return Array.from({ length: n }, (_, i) => {
    const overrides = proposeRandom(policy, seed * 1_000 + i).overrides as Record<string, Scalar>;
    return { runId: runId(i), overrides, value: score(overrides, i) };
  });
}

const lrScore = (o: Record<string, Scalar>) => -Math.abs(Math.log10(o['train.learning_rate'] as number) + 2.5);
const maximize = (seed: number, extra: Partial<TpeOptions> = {}): TpeOptions => ({ seed, direction: 'maximize', ...extra });

function expectValid(policy: Policy, base: Config, overrides: Record<string, Scalar>): void {
  const result = validateOverrides(overrides, base, policy);
  if (!result.ok) throw new Error(`rejected ${JSON.stringify(overrides)}: ${result.errors.map((e) => e.message).join('; ')}`);
}

describe('when proposing with TPE', () => {
  it('is deterministic for a seed and differs between seeds, at startup and once the model runs', () => {
    for (const n of [2, 12]) {
      const history = historyOf(shipped, n, lrScore);
      const a = proposeTpe(shipped, history, maximize(5, { batch: 2 }));
      expect(proposeTpe(shipped, structuredClone(history), maximize(5, { batch: 2 }))).toEqual(a);
      expect(proposeTpe(shipped, history, maximize(6, { batch: 2 }))[0]?.overrides).not.toEqual(a[0]?.overrides);
    }
  });

  it('samples at random, and says so, until enough runs have a score; failed runs do not count towards that', () => {
    const history = historyOf(shipped, 6, (o, i) => (i < 4 ? lrScore(o) : null));
    const [proposal] = proposeTpe(shipped, history, maximize(9));
    expect(proposal?.rationale).toMatch(/^explore: 4 scored runs \(2 failed\) < 5 startup trials, seeded random sample \(TPE seed 9\)/);
    expect(Object.keys(proposal?.overrides ?? {}).sort()).toEqual(Object.keys(shipped.keys).sort());
    const [modelled] = proposeTpe(shipped, historyOf(shipped, 5, lrScore), maximize(9));
    expect(modelled?.rationale).toMatch(/^(exploit|explore): /);
    expect(modelled?.rationale).not.toMatch(/startup/);
  });

  it('counts runs in flight towards the startup trials, so that k runs at once do not stretch the random start, but never models without a score', () => {
    const history = historyOf(shipped, 2, lrScore);
    const pending = historyOf(shipped, 3, () => null, 7).map((o) => o.overrides);
    // 2 scored + 2 in flight < 5: still random, saying so.
    expect(proposeTpe(shipped, history, maximize(9, { pending: pending.slice(0, 2) }))[0]?.rationale).toMatch(
      /^explore: 2 scored runs and 2 in flight < 5 startup trials, seeded random sample/,
    );
    // 2 scored + 3 in flight: the model, with the runs in flight as bad (constant liar).
    const [modelled] = proposeTpe(shipped, history, maximize(9, { pending }));
    expect(modelled?.rationale).not.toMatch(/startup/);
    expect(modelled?.rationale).toMatch(/3 pending counted as bad/);
    // Without a scored run there is nothing to model, whatever is in flight.
    expect(proposeTpe(shipped, [], maximize(9, { pending }))[0]?.rationale).toMatch(/^explore: 0 scored runs and 3 in flight < 5 startup trials/);
    const many = historyOf(shipped, 6, () => null, 8).map((o) => o.overrides);
    expect(proposeTpe(shipped, [], maximize(9, { pending: many }))[0]?.rationale).toMatch(/^explore: 0 scored runs and 6 in flight \(no score to model yet\), seeded random sample/);
    // Without runs in flight the start is as long as before.
    expect(proposeTpe(shipped, history, maximize(9))[0]?.rationale).toMatch(/^explore: 2 scored runs < 5 startup trials/);
  });

  it('explains an exploit with the run it is near, its rank and score, the main changes and the model numbers', () => {
    const history = historyOf(shipped, 12, lrScore);
    const proposals = proposeTpe(shipped, history, maximize(3, { batch: 6, broadSteps: 0, patience: 0 }));
    const exploit = proposals.find((p) => p.rationale.startsWith('exploit'));
    expect(exploit?.rationale).toMatch(
      /^exploit: near \d{3} \(#[12] of 12, -?[\d.e-]+; kernel width [\d.]+% of each range\): .*[a-z_]+ (x[\d.]+|\S+→\S+).*\. TPE seed 3, pick \d of 6: good group = best 2 of 12 scored runs(; \d pending counted as bad)?; highest l\/g \([\d.e+]+\) of 30 candidates \(6 from the prior\)\.$/,
    );
    expect(exploit?.hypothesis).toMatch(/inside the region of the good runs \(l\/g = [\d.e+]+\) should score at least the good group's cutoff/);
  });

  it('says explore when the pick was drawn from the broad prior rather than near a good run', () => {
    const history = historyOf(shipped, 12, lrScore);
    // With one candidate from l and none from the prior alone, the first draw is proposed, so l's prior draws (about 1 in 3 here) show up.
    const picks = Array.from({ length: 20 }, (_, seed) => proposeTpe(shipped, history, maximize(seed, { candidates: 1, priorCandidates: 0, broadSteps: 0, patience: 0 }))[0]);
    const explore = picks.find((p) => p?.rationale.startsWith('explore'));
    expect(explore?.rationale).toMatch(
      /^explore: broad draw from the prior, not near one good run; vs best \d{3} \(-?[\d.e-]+\): .+\. TPE seed \d+: good group = best 2 of 12 scored runs; highest l\/g \([\d.e+-]+\) of 1 candidates\.$/,
    );
    expect(explore?.hypothesis).toMatch(/^Tests a region the good runs do not cover yet/);
    expect(picks.some((p) => p?.rationale.startsWith('exploit'))).toBe(true);
  });

  it('weighs each run in flight pendingWeight of a finished run in g, and changes nothing without runs in flight', () => {
    const history = historyOf(shipped, 12, lrScore);
    const pending = historyOf(shipped, 3, () => null, 7).map((o) => o.overrides);
    // Without runs in flight the weight is never used: sequential proposals are the same at any weight.
    for (const pendingWeight of [0, 0.5, 1]) {
      for (const seed of [1, 2, 3]) expect(proposeTpe(shipped, history, maximize(seed, { pendingWeight }))).toEqual(proposeTpe(shipped, history, maximize(seed)));
    }
    const [light] = proposeTpe(shipped, history, maximize(4, { pending }));
    expect(light?.rationale).toContain('3 pending counted as bad (pending at weight 0.3)');
    const [plain] = proposeTpe(shipped, history, maximize(4, { pending, pendingWeight: 1 }));
    expect(plain?.rationale).toContain('3 pending counted as bad;');
    // The weight changes g, so the highest l/g differs.
    expect(plain?.rationale.match(/highest l\/g \(([^)]+)\)/)?.[1]).not.toEqual(light?.rationale.match(/highest l\/g \(([^)]+)\)/)?.[1]);
    expect(() => proposeTpe(shipped, history, maximize(4, { pendingWeight: -0.1 }))).toThrow(RangeError);
    expect(() => proposeTpe(shipped, history, maximize(4, { pendingWeight: Number.NaN }))).toThrow(RangeError);
  });

  it('counts runs in flight as model proposals made, so that k at once do not stretch the broad start', () => {
    const history = historyOf(shipped, 6, lrScore);
    const pending = historyOf(shipped, 2, () => null, 7).map((o) => o.overrides);
    expect(proposeTpe(shipped, history, maximize(4))[0]?.rationale).toMatch(/a broad step \(model proposal 2 of the first 5/);
    expect(proposeTpe(shipped, history, maximize(4, { pending }))[0]?.rationale).toMatch(/a broad step \(model proposal 4 of the first 5/);
    expect(proposeTpe(shipped, history, maximize(4, { pending: [...pending, ...pending] }))[0]?.rationale).not.toMatch(/of the first 5/);
  });

  it('counts stale proposals in rounds of concurrent ones while runs are in flight (tpe-parallel.unit.test.ts)', () => {
    // Run 6 is the best; the 6 after it are worse: stalled at patience 5, but 1 round of 4 with 3 runs in flight.
    const history = historyOf(shipped, 12, (_, i) => (i === 5 ? 10 : -i));
    const pending = historyOf(shipped, 3, () => null, 7).map((o) => o.overrides);
    expect(proposeTpe(shipped, history, maximize(4))[0]?.rationale).toMatch(/6 model proposals since the best run, patience 5/);
    expect(proposeTpe(shipped, history, maximize(4, { pending }))[0]?.rationale).toMatch(/an exploit step \(6 finished runs since the best run = 1 round of 4 concurrent proposals/);
  });

  it('counts failed and pending runs as bad ones, and uses gamma(n) = min(ceil(n / 10), 25) for the good group', () => {
    expect([1, 10, 11, 40, 250, 1000].map(defaultGamma)).toEqual([1, 1, 2, 4, 25, 25]);
    const history = historyOf(shipped, 14, (o, i) => (i % 7 === 6 ? null : lrScore(o)));
    const pending = [proposeRandom(shipped, 77).overrides as Record<string, Scalar>];
    const [first, second] = proposeTpe(shipped, history, maximize(4, { batch: 2, pending }));
    expect(first?.rationale).toContain('good group = best 2 of 12 scored runs; 2 failed and 1 pending counted as bad');
    expect(second?.rationale).toContain('2 failed and 2 pending counted as bad');
    const [custom] = proposeTpe(shipped, history, maximize(4, { gamma: (n) => n / 2 }));
    expect(custom?.rationale).toContain('good group = best 7 of 12 scored runs');
  });

  it('spreads a batch out: the picks differ from each other', () => {
    const history = historyOf(shipped, 10, lrScore);
    const batch = proposeTpe(shipped, history, maximize(8, { batch: 4 }));
    expect(batch).toHaveLength(4);
    expect(new Set(batch.map((p) => JSON.stringify(p.overrides))).size).toBe(4);
    batch.forEach((p, i) => expect(p.rationale).toContain(`pick ${i + 1} of 4`));
  });

  it('moves away from where runs failed, rather than ignoring failures (1-D)', () => {
    const oneKey = parsePolicy({ version: 1, keys: { 'train.x': { type: 'number', min: 0, max: 1, distribution: 'uniform' } } });
    const scored: Observation[] = [0.05, 0.2, 0.35, 0.5, 0.8, 0.95].map((x, i) => ({ runId: runId(i), overrides: { 'train.x': x }, value: x === 0.5 ? 1 : 0 }));
    const failures: Observation[] = [0.55, 0.6, 0.65, 0.7].map((x, i) => ({ runId: runId(10 + i), overrides: { 'train.x': x }, value: null }));
    const leftShare = (history: Observation[]) => {
      let left = 0;
      for (let seed = 0; seed < 200; seed++) if (((proposeTpe(oneKey, history, maximize(seed))[0]?.overrides['train.x'] as number) ?? 1) < 0.5) left++;
      return left / 200;
    };
    expect(leftShare([...scored, ...failures])).toBeGreaterThan(0.7);
    expect(leftShare(scored)).toBeLessThan(0.65);
  });

  it('names keys by their shortest unique suffix and leaves keys set by product and equal rules to the rules', () => {
    const history = historyOf(drone, 20, (o) => -Math.abs((o['vec.num_envs'] as number) - (o['env.num_envs'] as number)));
    const proposals = proposeTpe(drone, history, maximize(2, { batch: 8, base: droneQuick }));
    for (const p of proposals) expect(p.overrides).not.toHaveProperty('train.batch_size');
    const text = proposals.map((p) => p.rationale).join('\n');
    expect(text).toMatch(/(env|vec)\.num_envs/);
    expect(text).not.toMatch(/[^.]\bnum_envs\b/);
  });

  it('rounds real numbers to 6 significant digits without leaving the range', () => {
    const proposals = proposeTpe(shipped, historyOf(shipped, 15, lrScore), maximize(1, { batch: 10 }));
    for (const p of proposals) {
      for (const [key, value] of Object.entries(p.overrides)) {
        const spec = shipped.keys[key] as KeySpec;
        if (spec.type !== 'number') continue;
        expect(typeof value).toBe('number');
        expect(value === spec.min || value === spec.max || Number((value as number).toPrecision(6)) === value).toBe(true);
      }
    }
  });

  it('repeats the best run that still validates when no draw passes the rules, and says so', () => {
    const tight = parsePolicy({
      version: 1,
      keys: {
        'a.x': { type: 'integer', min: 1, max: 1000 },
        'a.y': { type: 'integer', min: 1, max: 1000 },
        'a.p': { type: 'integer', min: 1_000_000, max: 1_000_000 },
      },
      rules: [{ rule: 'product', key: 'a.p', of: ['a.x', 'a.y'] }],
    });
    const base: Config = { a: { x: 1000, y: 1000, p: 1_000_000 } };
    const history: Observation[] = [
      { runId: '001', overrides: { 'a.x': 1000, 'a.y': 1000 }, value: 1 },
      { runId: '002', overrides: { 'a.x': 3, 'a.y': 4 }, value: null },
    ];
    const [proposal] = proposeTpe(tight, history, { seed: 1, direction: 'minimize', base, candidates: 4 });
    expect(proposal?.overrides).toEqual({ 'a.x': 1000, 'a.y': 1000 });
    expect(proposal?.rationale).toMatch(/^fallback: no draw passed validation in 80 tries .* repeating the values of 001/);
    expectValid(tight, base, proposal?.overrides ?? {});
  });

  it('rejects a batch, candidates or startupTrials that make no sense', () => {
    expect(() => proposeTpe(shipped, [], maximize(1, { batch: 0 }))).toThrow(RangeError);
    expect(() => proposeTpe(shipped, [], maximize(1, { batch: 1.5 }))).toThrow(RangeError);
    expect(() => proposeTpe(shipped, [], maximize(1, { candidates: 0 }))).toThrow(RangeError);
    expect(() => proposeTpe(shipped, [], maximize(1, { startupTrials: -1 }))).toThrow(RangeError);
  });
});

/** A random history: runs from random search or jittered earlier TPE picks, some failed, some with missing or odd values. */
function arbitraryHistory(policy: Policy, seed: number, n: number): Observation[] {
  const rng = createRng(seed);
  const keys = Object.keys(policy.keys);
  return Array.from({ length: n }, (_, i) => {
    const overrides = { ...(proposeRandom(policy, seed + i).overrides as Record<string, Scalar>) };
    // Real logs hold baselines with unset keys and values the rules changed; the model must cope.
    if (rng() < 0.2) delete overrides[keys[Math.floor(rng() * keys.length)] as string];
    if (rng() < 0.1) overrides[keys[Math.floor(rng() * keys.length)] as string] = rng() < 0.5 ? 3 : 'odd';
    const r = rng();
    const value = r < 0.15 ? null : r < 0.18 ? Number.NaN : (rng() - 0.5) * 10 ** Math.floor(rng() * 6 - 2);
    return { runId: runId(i), overrides, value };
  });
}

describe('when the validator checks TPE proposals (property)', () => {
  const cases: Array<[string, Policy, Config]> = [
    ['the shipped policy on baseline_quick', shipped, shippedBase],
    ['puffer_drone_pp on baseline_quick', drone, droneQuick],
    ['puffer_drone_pp on baseline_full', drone, droneFull],
    ['the fixture policy (every key type and rule)', fixturePolicy, baseConfig()],
  ];
  it.each(cases)(
    'never rejects one, for %s, over many seeds and histories',
    (_name, policy, base) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          fc.integer({ min: 0, max: 30 }),
          fc.integer({ min: 1, max: 3 }),
          fc.constantFrom<'maximize' | 'minimize'>('maximize', 'minimize'),
          (seed, n, batch, direction) => {
            const history = arbitraryHistory(policy, seed, n);
            for (const p of proposeTpe(policy, history, { seed, direction, batch, base })) expectValid(policy, base, p.overrides);
          },
        ),
        { numRuns: 100 },
      );
    },
    30_000,
  );

  it('gives values every key spec accepts, for arbitrary policies without rules', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const spec: fc.Arbitrary<unknown> = fc.oneof(
      fc.tuple(finite, finite, fc.constantFrom(undefined, 'uniform', 'log_normal')).map(([a, b, distribution]) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        return distribution === 'log_normal' && !(min > 0) ? { type: 'number', min, max } : { type: 'number', min, max, distribution };
      }),
      fc
        .tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
        .map(([a, b]) => ({ type: 'number', min: Math.min(a, b), max: Math.max(a, b), distribution: 'logit_normal' })),
      fc.tuple(fc.maxSafeInteger(), fc.maxSafeInteger(), fc.constantFrom(undefined, 'uniform_pow2', 'log_normal')).map(([a, b, distribution]) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        if (distribution === 'log_normal' && min < 1) return { type: 'integer', min, max };
        if (distribution === 'uniform_pow2') {
          const powers = powersOfTwoIn(min, max);
          return powers.length === 0 ? { type: 'integer', min, max } : { type: 'integer', min: powers[0], max: powers.at(-1), distribution };
        }
        return { type: 'integer', min, max, distribution };
      }),
      fc.constant({ type: 'boolean' }),
      fc.uniqueArray(fc.oneof(finite, fc.string(), fc.boolean()), { minLength: 1, maxLength: 4, comparator: 'SameValueZero' }).map((choices) => ({ type: 'enum', choices })),
    );
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 5 }), fc.integer(), fc.integer({ min: 0, max: 12 }), (specs, seed, n) => {
        const policy = parsePolicy({ version: 1, keys: Object.fromEntries(specs.map((s, i) => [`s.k${i}`, s])) });
        const history = arbitraryHistory(policy, seed >>> 0, n);
        for (const p of proposeTpe(policy, history, { seed, direction: 'minimize', batch: 2, startupTrials: 2 })) {
          for (const [key, value] of Object.entries(p.overrides)) {
            const checked = checkValue(key, value, policy.keys[key] as KeySpec);
            if (!checked.ok) throw new Error(checked.error.message);
          }
          expectValid(policy, {}, p.overrides);
        }
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});

describe('when TPE competes with random search', () => {
  const gauss = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  /** A smooth synthetic score over the shipped policy: best near lr 3e-3, gamma 0.99, 4 epochs, width 64; lr above 0.02 fails. */
  const objective = (o: Record<string, Scalar>): number | null => {
    const lr = o['train.learning_rate'] as number;
    if (lr > 0.02) return null;
    const a = (Math.log10(lr) + 2.5) / 0.6;
    const b = (Math.log10(1 - (o['train.gamma'] as number)) + 2) / 0.5;
    const c = ((o['train.update_epochs'] as number) - 4) / 3;
    return 1 - a * a - b * b - 0.3 * c * c + (o['train.hidden_size'] === 64 ? 0.2 : 0);
  };
  const BUDGET = 40;
  const SEEDS = 10;

  it('finds a clearly better best score with the same budget of 40 runs, averaged over 10 seeds', () => {
    let tpe = 0;
    let random = 0;
    for (let s = 0; s < SEEDS; s++) {
      const noise = createRng(1_000 + s);
      const history: Observation[] = [];
      while (history.length < BUDGET) {
        const [p] = proposeTpe(shipped, history, { seed: s * 7_919 + history.length, direction: 'maximize' });
        const f = objective(p?.overrides ?? {});
        history.push({ runId: runId(history.length), overrides: p?.overrides ?? {}, value: f === null ? null : f + 0.05 * gauss(noise) });
      }
      tpe += Math.max(...history.map((h) => h.value ?? -Infinity)) / SEEDS;
      const randomNoise = createRng(1_000 + s);
      let best = -Infinity;
      for (let i = 0; i < BUDGET; i++) {
        const f = objective(proposeRandom(shipped, s * 7_919 + i + 99).overrides as Record<string, Scalar>);
        if (f !== null) best = Math.max(best, f + 0.05 * gauss(randomNoise));
      }
      random += best / SEEDS;
    }
    // Measured: TPE about 1.10, random search about 0.87 (the optimum is 1.2).
    expect(tpe).toBeGreaterThan(random + 0.1);
  }, 20_000);
});
