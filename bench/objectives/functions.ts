/**
 * Four standard test functions written as policies, so every proposer searches them through the
 * policy's distributions (uniform, log, logit, integer, log-integer, power of two, boolean, enum),
 * as it would a training config. All are minimized, noise-free, with a known optimum.
 */
import { getPath, type Config } from '../../domain/config/config.js';
import { parsePolicy, type Policy } from '../../domain/policy/policy.js';
import type { Objective } from './objective.js';

/** The number at `key` of a merged config (the validator guarantees it is there). */
function num(config: Config, key: string): number {
  const v = getPath(config, key);
  if (typeof v !== 'number') throw new Error(`${key} is not a number in the merged config`);
  return v;
}

function objective(name: string, description: string, policy: unknown, optimum: number, f: (c: Config) => number): Objective {
  const parsed: Policy = parsePolicy(policy);
  return { name, description, policy: parsed, base: {}, direction: 'minimize', optimum, evaluate: (config) => new Promise((resolve) => resolve(f(config))) };
}

/** Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]; three global minima of 0.397887. */
export function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((p) => p * 1e-4));

/** Hartmann-6 on [0, 1]^6; global minimum -3.32237. */
export function hartmann6(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += (H6_A[i]?.[j] ?? 0) * ((x[j] ?? 0) - (H6_P[i]?.[j] ?? 0)) ** 2;
    sum += (H6_ALPHA[i] ?? 0) * Math.exp(-inner);
  }
  return -sum;
}

/** Rosenbrock's valley in any dimension; minimum 0 at (1, …, 1). */
export function rosenbrock(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] ?? 0;
    const b = x[i + 1] ?? 0;
    sum += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
  }
  return sum;
}

const H6_KEYS = ['h6.x1', 'h6.x2', 'h6.x3', 'h6.x4', 'h6.x5', 'h6.x6'];
const RB_KEYS = ['rb.k1', 'rb.k2', 'rb.k3', 'rb.k4'];

/** Best log10 learning rate of each optimizer of the mixed function, and what choosing it costs. */
const MIXED_OPTIMIZERS: Record<string, { lr: number; cost: number }> = {
  sgd: { lr: -1.5, cost: 0.6 },
  adam: { lr: -3, cost: 0 },
  rmsprop: { lr: -3.5, cost: 0.3 },
  lion: { lr: -4, cost: 0.15 },
};

/**
 * A training-like surrogate over every kind of key: log learning rate, logit discount,
 * integer epochs, log-integer width, power-of-two batch, an enum optimizer and a boolean.
 * The best learning rate depends on the optimizer, the batch (square-root scaling) and the
 * normalization switch. Minimum 0 (adam, norm on, lr 1e-3, batch 256, gamma 0.99684, 4 epochs, width 128).
 */
export function mixed(c: Config): number {
  const optimizer = MIXED_OPTIMIZERS[String(getPath(c, 'mix.optimizer'))] ?? { lr: 0, cost: 10 };
  const norm = getPath(c, 'mix.norm') === true;
  const log2Batch = Math.log2(num(c, 'mix.batch'));
  const bestLr = optimizer.lr + 0.5 * Math.log10(2) * (log2Batch - 8) - (norm ? 0 : 0.5);
  const a = (Math.log10(num(c, 'mix.lr')) - bestLr) / 0.5;
  const b = (-Math.log10(1 - num(c, 'mix.gamma')) - 2.5) / 0.5;
  const e = (num(c, 'mix.epochs') - 4) / 3;
  const w = (Math.log2(num(c, 'mix.width')) - 7) / 2;
  const s = (log2Batch - 8) / 3;
  return a * a + b * b + e * e + w * w + 0.5 * s * s + optimizer.cost + (norm ? 0 : 0.2);
}

/** The four test functions of bench:proposers. */
export function testFunctions(): Objective[] {
  const uniform = (min: number, max: number) => ({ type: 'number', min, max, distribution: 'uniform' });
  return [
    objective('branin', 'Branin, 2 uniform keys', { version: 1, keys: { 'br.x1': uniform(-5, 10), 'br.x2': uniform(0, 15) } }, 0.397887, (c) => branin(num(c, 'br.x1'), num(c, 'br.x2'))),
    objective('hartmann6', 'Hartmann-6, 6 uniform keys on [0, 1]', { version: 1, keys: Object.fromEntries(H6_KEYS.map((k) => [k, uniform(0, 1)])) }, -3.32237, (c) =>
      hartmann6(H6_KEYS.map((k) => num(c, k))),
    ),
    objective(
      'rosenbrock4-log',
      'Rosenbrock-4 in x = log10(k) + 2, 4 log-scaled keys k in [1e-4, 1]',
      { version: 1, keys: Object.fromEntries(RB_KEYS.map((k) => [k, { type: 'number', min: 1e-4, max: 1, distribution: 'log_normal' }])) },
      0,
      (c) => rosenbrock(RB_KEYS.map((k) => Math.log10(num(c, k)) + 2)),
    ),
    objective(
      'mixed',
      'training-like surrogate: log, logit, int, log-int, pow2, enum and boolean keys',
      {
        version: 1,
        keys: {
          'mix.lr': { type: 'number', min: 1e-5, max: 0.1, distribution: 'log_normal' },
          'mix.gamma': { type: 'number', min: 0.9, max: 0.9999, distribution: 'logit_normal' },
          'mix.epochs': { type: 'integer', min: 1, max: 10, distribution: 'int_uniform' },
          'mix.width': { type: 'integer', min: 4, max: 512, distribution: 'log_normal' },
          'mix.batch': { type: 'integer', min: 16, max: 4096, distribution: 'uniform_pow2' },
          'mix.optimizer': { type: 'enum', choices: Object.keys(MIXED_OPTIMIZERS) },
          'mix.norm': { type: 'boolean' },
        },
      },
      0,
      mixed,
    ),
  ];
}
