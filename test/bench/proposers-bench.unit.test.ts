import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { branin, hartmann6, mixed, rosenbrock, testFunctions } from '../../bench/objectives/functions.js';
import { trainerSeed } from '../../bench/objectives/cartpole.js';
import { parseArgs, UsageError } from '../../bench/proposers/args.js';
import type { Sequence } from '../../bench/proposers/methods.js';
import { optunaSpace } from '../../bench/proposers/optuna.js';
import { beatsLongRandom, bestSoFar, ceilingNote, firstReach, median, summarize, table } from '../../bench/proposers/report.js';
import type { Scalar } from '../../domain/config/config.js';
import { parsePolicy } from '../../domain/policy/policy.js';
import { proposeRandom } from '../../domain/proposers/random.js';
import { createRng } from '../../domain/rng.js';
import { validateOverrides } from '../../domain/policy/validate.js';
import { ROOT } from '../support/workspace.js';

describe('when the bench scores test functions', () => {
  it('gives the known optima at the known minimizers', () => {
    for (const [x1, x2] of [
      [-Math.PI, 12.275],
      [Math.PI, 2.275],
      [9.42478, 2.475],
    ] as const)
      expect(branin(x1, x2)).toBeCloseTo(0.397887, 5);
    expect(hartmann6([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])).toBeCloseTo(-3.32237, 4);
    expect(rosenbrock([1, 1, 1, 1])).toBe(0);
    const best = { mix: { lr: 0.001, gamma: 1 - 10 ** -2.5, epochs: 4, width: 128, batch: 256, optimizer: 'adam', norm: true } };
    expect(mixed(best)).toBeCloseTo(0, 12);
  });

  it('expresses each as a policy whose random proposals validate and score at or above the optimum', async () => {
    const objectives = testFunctions();
    expect(objectives.map((o) => o.name)).toEqual(['branin', 'hartmann6', 'rosenbrock4-log', 'mixed']);
    for (const o of objectives) {
      for (let seed = 0; seed < 50; seed++) {
        const checked = validateOverrides(proposeRandom(o.policy, seed).overrides, o.base, o.policy);
        if (!checked.ok) throw new Error(`${o.name}: ${checked.errors.map((e) => e.message).join('; ')}`);
        const value = await o.evaluate(checked.config, { seed, index: 0 });
        expect(value).not.toBeNull();
        expect(value as number).toBeGreaterThanOrEqual((o.optimum as number) - 1e-6);
      }
    }
    const kinds = testFunctions().flatMap((o) => Object.values(o.policy.keys).map((k) => `${k.type}:${'distribution' in k ? k.distribution : ''}`));
    for (const k of ['number:uniform', 'number:log_normal', 'number:logit_normal', 'integer:int_uniform', 'integer:log_normal', 'integer:uniform_pow2', 'enum:', 'boolean:'])
      expect(kinds).toContain(k);
  });

  it('gives every CartPole evaluation of a bench seed its own trainer seed, the same for every method', () => {
    expect(trainerSeed({ seed: 0, index: 0 })).toBe(1);
    expect(trainerSeed({ seed: 3, index: 89 })).toBe(3090);
    expect(new Set(Array.from({ length: 10 * 90 }, (_, i) => trainerSeed({ seed: Math.floor(i / 90), index: i % 90 }))).size).toBe(900);
  });
});

describe("when the bench gives Optuna the policy's space", () => {
  const shipped = parsePolicy(JSON.parse(readFileSync(join(ROOT, 'autopilot', 'policy.json'), 'utf8')));

  it('uses log scales, 1 − x for logit keys, exponents for powers of two, and categoricals', () => {
    const mix = testFunctions().find((o) => o.name === 'mixed');
    const { space } = optunaSpace(mix?.policy ?? shipped);
    expect(space['mix.lr']).toEqual({ kind: 'float', low: 1e-5, high: 0.1, log: true });
    expect(space['one_minus:mix.gamma']).toEqual({ kind: 'float', low: expect.closeTo(1e-4, 12), high: expect.closeTo(0.1, 12), log: true });
    expect(space['mix.epochs']).toEqual({ kind: 'int', low: 1, high: 10, log: false });
    expect(space['mix.width']).toEqual({ kind: 'int', low: 4, high: 512, log: true });
    expect(space['log2:mix.batch']).toEqual({ kind: 'int', low: 4, high: 12, log: false });
    expect(space['mix.optimizer']).toEqual({ kind: 'cat', choices: ['sgd', 'adam', 'rmsprop', 'lion'] });
    expect(space['mix.norm']).toEqual({ kind: 'cat', choices: [false, true] });
  });

  it('maps any parameters Optuna may suggest back to overrides the validator accepts, ends included', () => {
    for (const policy of [shipped, ...testFunctions().map((o) => o.policy)]) {
      const { space, toOverrides } = optunaSpace(policy);
      const rng = createRng(7);
      for (let trial = 0; trial < 200; trial++) {
        const params: Record<string, Scalar> = {};
        for (const [name, p] of Object.entries(space)) {
          if (p.kind === 'cat') params[name] = p.choices[Math.floor(rng() * p.choices.length)] as Scalar;
          else {
            const r = trial < 2 ? trial : rng();
            const x = p.log ? Math.exp(Math.log(p.low) + r * (Math.log(p.high) - Math.log(p.low))) : p.low + r * (p.high - p.low);
            params[name] = p.kind === 'int' ? Math.min(p.high, Math.max(p.low, Math.round(x))) : x;
          }
        }
        const overrides = toOverrides(params);
        expect(Object.keys(overrides).sort()).toEqual(Object.keys(policy.keys).sort());
        const checked = validateOverrides(overrides, {}, policy);
        if (!checked.ok) throw new Error(checked.errors.map((e) => e.message).join('; '));
        // And back (how the in-process suite gives Optuna the runs so far): the same parameters, in range.
        const again = optunaSpace(policy).toParams(overrides);
        for (const [name, p] of Object.entries(space)) {
          if (p.kind === 'cat') expect(again[name]).toBe(params[name]);
          else {
            expect(again[name], name).toBeCloseTo(params[name] as number, 9);
            expect(again[name] as number).toBeGreaterThanOrEqual(p.low);
            expect(again[name] as number).toBeLessThanOrEqual(p.high);
          }
        }
      }
    }
  });
});

describe('when the bench reports', () => {
  const seq = (values: Array<number | null>, rejected = 0): Sequence => ({ values, rejected });

  it('takes the best so far in the objective direction, skipping failures, and medians over seeds', () => {
    expect(bestSoFar([3, null, 1, 2], 2, 'minimize')).toBe(3);
    expect(bestSoFar([3, null, 1, 2], 4, 'minimize')).toBe(1);
    expect(bestSoFar([3, null, 5], 3, 'maximize')).toBe(5);
    expect(bestSoFar([null], 1, 'maximize')).toBe(-Infinity);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(firstReach([100, 500, 500], 500, 'maximize')).toBe(2);
    expect(firstReach([100, null], 500, 'maximize')).toBeNull();
  });

  it('shows regret for a known optimum, compares the built-in with Optuna at the budget and random search at 3x', () => {
    const runs = {
      builtin: [seq([5, 2, 1.5]), seq([4, 1.2, 1.1])],
      optuna: [seq([5, 3, 2]), seq([4, 1.1, 1.05])],
      random: [seq([5, 4, 3, 2, 1.8, 1.7, 1.6, 1.5, 1.4]), seq([6, 5, 4, 3, 2, 1.9, 1.8, 1.7, 1.6])],
    };
    const s = summarize('f', 'minimize', 1, runs, [1, 2, 3], 9);
    expect(s.medians.builtin).toEqual([3.5, expect.closeTo(0.6, 12), expect.closeTo(0.3, 12)]);
    expect(s.medians.optuna.at(-1)).toBeCloseTo(0.525, 12);
    expect(s.ratio).toBeCloseTo(0.3 / 0.525, 12);
    expect(s.atLeastOptuna).toBe(true);
    expect([s.wins, s.losses]).toEqual([1, 1]);
    expect(s.randomLong.median).toBeCloseTo(0.5, 12);
    expect(beatsLongRandom(s)).toBe(true);
    expect(table([s])).toMatch(/\| f \(regret, lower is better\) \| 3\.5 \/ 0\.6 \/ 0\.3 \| .* \| 0\.57x \(at or above Optuna\) \| 1 \/ 1 \|/);
  });

  it('counts a tie at a ceiling as at or above, and says how soon each method reached it', () => {
    const capped = (first: number, n: number) => seq(Array.from({ length: n }, (_, i) => (i + 1 >= first ? 500 : 100 + i)));
    const runs = { builtin: [capped(3, 3), capped(2, 3)], optuna: [capped(2, 3), capped(1, 3)], random: [capped(5, 9), capped(12, 9)] };
    const s = summarize('cartpole', 'maximize', null, runs, [1, 2, 3], 9, 500);
    expect(s.ratio).toBe(1);
    expect(s.atLeastOptuna).toBe(true);
    expect(beatsLongRandom(s)).toBe(true);
    expect(ceilingNote(s)).toBe('cartpole: scores cap at 500; median evaluation that first reached it: built-in 2.5 (2 of 2 seeds), Optuna 1.5 (2 of 2 seeds), random never (1 of 2 seeds)');
  });
});

describe('when the bench reads its command line', () => {
  it('has defaults for the issue (10 seeds x 30 evaluations, 2 jobs) and refuses unknown or bad flags', () => {
    expect(parseArgs([])).toEqual({ suite: 'all', only: null, seeds: 10, firstSeed: 0, budget: 30, jobs: 2, json: false, tpe: {} });
    expect(parseArgs(['--suite', 'loop']).suite).toBe('loop');
    expect(() => parseArgs(['--suite', 'both'])).toThrow(/--suite must be one of core, loop, all/);
    expect(parseArgs(['--only', 'cartpole,branin', '--seeds', '3', '--json', '--first-seed', '100'])).toMatchObject({
      only: ['cartpole', 'branin'],
      seeds: 3,
      firstSeed: 100,
      json: true,
    });
    expect(() => parseArgs(['--seed', '3'])).toThrow(UsageError);
    expect(() => parseArgs(['--seeds', '0'])).toThrow(/--seeds must be an integer >= 1/);
    expect(() => parseArgs(['--budget'])).toThrow(UsageError);
  });

  it("takes the built-in TPE's options as JSON for the in-process suite only, numbers only", () => {
    expect(parseArgs(['--suite', 'sim', '--tpe', '{"jumpEvery":1,"broadSteps":3,"exploit":false}'])).toMatchObject({ suite: 'sim', tpe: { jumpEvery: 1, broadSteps: 3, exploit: false } });
    expect(() => parseArgs(['--suite', 'loop', '--tpe', '{"jumpEvery":1}'])).toThrow(/--tpe is only for --suite sim/);
    expect(() => parseArgs(['--suite', 'sim', '--tpe', 'jumpEvery=1'])).toThrow(/--tpe must be a JSON object such as/);
    expect(() => parseArgs(['--suite', 'sim', '--tpe', '{"jumpEvery":"1"}'])).toThrow(/numeric or boolean TPE options/);
    expect(() => parseArgs(['--suite', 'sim', '--tpe', '[1]'])).toThrow(/numeric or boolean TPE options/);
  });
});
