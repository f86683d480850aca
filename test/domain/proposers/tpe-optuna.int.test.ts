/**
 * The built-in TPE's broad step is Optuna 3.1's estimator, checked against Optuna itself: on the
 * same history, its good and bad groups, l(x) and g(x) equal those Optuna's
 * TPESampler(multivariate=True) builds (test/fixtures/optuna-parzen.py runs Debian's
 * python3-optuna 3.1), at random points, at the runs themselves and at the broad step's proposals.
 * Needs python3-optuna for /usr/bin/python3 (`npm run test:all` installs it); fails without it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optunaSpace, PYTHON } from '../../../bench/proposers/optuna.js';
import type { Scalar } from '../../../domain/config/config.js';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { proposeRandom } from '../../../domain/proposers/random.js';
import { defaultGamma, proposeTpe, type Observation } from '../../../domain/proposers/tpe.js';
import { fitModel } from '../../../domain/proposers/tpe/model.js';
import { logDensity } from '../../../domain/proposers/tpe/parzen.js';
import { coordinates, pooledPoints } from '../../../domain/proposers/tpe/points.js';
import { buildSpace } from '../../../domain/proposers/tpe/space.js';

const SCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'optuna-parzen.py');

const policy = parsePolicy({
  version: 1,
  keys: {
    'train.learning_rate': { type: 'number', min: 1e-5, max: 1e-1, distribution: 'log_normal' },
    'train.gamma': { type: 'number', min: 0.9, max: 0.9999, distribution: 'logit_normal' },
    'train.clip_coef': { type: 'number', min: 0.05, max: 0.45, distribution: 'uniform' },
    'train.minibatch_size': { type: 'integer', min: 64, max: 16384, distribution: 'uniform_pow2' },
    'train.update_epochs': { type: 'integer', min: 1, max: 10 },
    'model.activation': { type: 'enum', choices: ['tanh', 'relu', 'gelu', 'elu'] },
  },
});
const space = buildSpace(policy);
const optuna = optunaSpace(policy);

/** Optuna's parameters for a config: the inverse of optunaSpace's toOverrides. */
function toParams(o: Record<string, Scalar>): Record<string, Scalar> {
  return Object.fromEntries(
    Object.keys(optuna.space).map((name) => {
      const [kind, key] = name.includes(':') ? (name.split(':') as [string, string]) : ['', name];
      const v = o[key] as Scalar;
      return [name, kind === 'one_minus' ? 1 - (v as number) : kind === 'log2' ? Math.log2(v as number) : v];
    }),
  );
}

const score = (o: Record<string, Scalar>) =>
  -((Math.log10(o['train.learning_rate'] as number) + 3.5) ** 2) -
  4 * ((o['train.clip_coef'] as number) - 0.2) ** 2 -
  ((o['train.update_epochs'] as number) - 4) ** 2 / 20 +
  (o['model.activation'] === 'relu' ? 0.3 : 0);

function history(n: number, seed: number): Observation[] {
  return Array.from({ length: n }, (_, i) => {
    const overrides = proposeRandom(policy, seed * 1000 + i).overrides as Record<string, Scalar>;
    return { runId: String(i + 1).padStart(3, '0'), overrides, value: score(overrides) };
  });
}

function optunaModel(runs: readonly Observation[], points: ReadonlyArray<Record<string, Scalar>>) {
  const input = { space: optuna.space, direction: 'maximize', trials: runs.map((r) => ({ params: toParams(r.overrides), value: r.value })), points: points.map(toParams) };
  const r = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${SCRIPT} failed (install Debian's python3-optuna: npm run test:all does): ${r.error?.message ?? ''}${r.stderr}`);
  return JSON.parse(r.stdout) as { below: number[]; l: number[]; g: number[] };
}

describe("the broad step's estimator", () => {
  it.each([
    [8, 1],
    [20, 2],
    [31, 3],
  ])('equals Optuna 3.1 on a history of %i runs (seed %i): the same good group, l(x) and g(x)', (n, seed) => {
    const runs = history(n, seed);
    const points = pooledPoints(space, runs);
    const model = fitModel(space, points, 'maximize', defaultGamma, 'broad');
    const at = [
      ...Array.from({ length: 30 }, (_, i) => proposeRandom(policy, 90_000 + seed * 100 + i).overrides as Record<string, Scalar>),
      ...runs.map((r) => r.overrides),
      ...Array.from({ length: 10 }, (_, s) => proposeTpe(policy, runs, { seed: s, direction: 'maximize', startupTrials: 1, broadSteps: 100 })[0]!.overrides),
    ];
    const theirs = optunaModel(runs, at);
    expect(model.good.map((p) => points.indexOf(p))).toEqual(theirs.below);
    at.forEach((o, i) => {
      const c = coordinates(space, o);
      expect(logDensity(model.l, c), `l at point ${i}`).toBeCloseTo(theirs.l[i] as number, 9);
      expect(logDensity(model.g, c), `g at point ${i}`).toBeCloseTo(theirs.g[i] as number, 9);
    });
  });
});
