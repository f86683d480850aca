/**
 * Standard multimodal test functions laid over a PPO-like search space, for bench:proposers'
 * through-the-loop suite (issue 15). Seven policy keys, one of each kind a training config has:
 * log learning rate, logit discount, log entropy bonus, uniform clip, power-of-two minibatch,
 * integer epochs and a categorical activation. Each key's unit coordinate u (its position in the
 * scale random search samples it in) becomes one coordinate z of the function, with the global
 * optimum at a training-like config; the activation moves the learning rate's optimum and costs
 * a little when it is not the best one.
 *
 * The baseline config (run 001 of every session) sits at a local optimum that is not the global
 * one, as a researcher's hand-tuned config often does. The trainer reports `mean_reward` as
 * per-episode samples N(-f(config), sd²); the true value of a config is -f (0 at the optimum),
 * and regret is f.
 *
 * Reported objectives: ackley, rastrigin, levy. Tuning objectives (settings are chosen on these,
 * never on the reported ones): griewank, salomon, styblinski-tang.
 */
import { getPath, type Config, type Scalar } from '../../domain/config/config.js';
import { parsePolicy, type Policy } from '../../domain/policy/policy.js';

/** One key of the space: its policy spec, how a value maps to u, the optimum's u, and the baseline's value. */
interface Axis {
  key: string;
  spec: Record<string, unknown>;
  toUnit(v: number): number;
  /** u of the global optimum. */
  best: number;
  /** z per unit of u: how many ripples of the function the range spans. */
  span: number;
}

const log10 = Math.log10;
const LR = { min: 1e-5, max: 1e-1 };
const GAMMA = { min: 0.9, max: 0.9999 };
const ENT = { min: 1e-5, max: 1e-1 };
const CLIP = { min: 0.05, max: 0.45 };
const MINIBATCH = { min: 64, max: 16_384 };
const EPOCHS = { min: 1, max: 10 };

/** The activation's choices: how far it moves the learning rate's optimum (in z) and what it costs. */
export const ACTIVATIONS: Record<string, { shift: number; cost: number }> = {
  tanh: { shift: 0, cost: 0 },
  relu: { shift: 1, cost: 0.3 },
  gelu: { shift: -1, cost: 0.15 },
  elu: { shift: 2, cost: 0.6 },
};

const unitLog = (r: { min: number; max: number }) => (v: number) => (log10(v) - log10(r.min)) / (log10(r.max) - log10(r.min));
const unitLogit = (r: { min: number; max: number }) => (v: number) => (-log10(1 - v) + log10(1 - r.min)) / (-log10(1 - r.max) + log10(1 - r.min));

/**
 * The six numeric axes: each continuous key spans `span` in z; the values of minibatch and epochs
 * are `step` apart in z (half the function's period: every other value sits on a ripple's crest,
 * so the discrete keys have local optima of their own).
 */
function axes(span: number, step: number): Axis[] {
  const lr = unitLog(LR);
  const gamma = unitLogit(GAMMA);
  const ent = unitLog(ENT);
  return [
    { key: 'train.learning_rate', spec: { type: 'number', ...LR, distribution: 'log_normal' }, toUnit: lr, best: lr(3e-4), span },
    { key: 'train.gamma', spec: { type: 'number', ...GAMMA, distribution: 'logit_normal' }, toUnit: gamma, best: gamma(0.995), span },
    { key: 'train.ent_coef', spec: { type: 'number', ...ENT, distribution: 'log_normal' }, toUnit: ent, best: ent(3e-3), span },
    { key: 'train.clip_coef', spec: { type: 'number', ...CLIP, distribution: 'uniform' }, toUnit: (v) => (v - CLIP.min) / (CLIP.max - CLIP.min), best: 0.375, span },
    // Nine powers of two, 64 … 16384: u = index / 8; the optimum is 1024 (index 4).
    { key: 'train.minibatch_size', spec: { type: 'integer', ...MINIBATCH, distribution: 'uniform_pow2' }, toUnit: (v) => (Math.log2(v) - 6) / 8, best: 4 / 8, span: 8 * step },
    // Ten epochs, 1 … 10: u = (e - 1) / 9; the optimum is 4 epochs.
    { key: 'train.update_epochs', spec: { type: 'integer', ...EPOCHS, distribution: 'int_uniform' }, toUnit: (v) => (v - 1) / 9, best: 3 / 9, span: 9 * step },
  ];
}

/** What bench:proposers runs through the loop: a policy, a base config, the baseline and the true score. */
export interface LoopObjective {
  name: string;
  description: string;
  /** The policy as JSON, as the workspace's policy.json holds it. */
  policyJson: Record<string, unknown>;
  policy: Policy;
  /** The baseline config (run 001): a local optimum, not the global one. */
  baseline: Config;
  /** f of a merged config (minimized; 0 at the global optimum). */
  f(config: Config): number;
  /** Per-episode noise sd of the reported mean_reward. */
  noiseSd: number;
  /** Episodes per run (values in the run's sample). */
  episodes: number;
  /** Reported in the bench (true) or used only to choose settings (false). */
  reported: boolean;
}

/**
 * A standard test function in z (global minimum 0 at z = 0); `span` is the z a continuous key's
 * range covers, `step` the z between neighbouring discrete values, `period` the spacing of its
 * local minima (the activation moves the learning rate's optimum by whole periods). The baseline
 * starts at `baselineZ` and slides into the local minimum there (see {@link polish}).
 */
interface TestFunction {
  name: string;
  description: string;
  f(z: readonly number[]): number;
  span: number;
  step: number;
  period: number;
  baselineZ: readonly number[];
  baselineActivation: string;
  reported: boolean;
}

/** Ackley (a = 20, b = 0.2, c = 2π): a nearly flat outer region full of shallow local minima around one deep funnel. */
export function ackley(z: readonly number[]): number {
  const d = z.length;
  const sq = z.reduce((s, x) => s + x * x, 0) / d;
  const cos = z.reduce((s, x) => s + Math.cos(2 * Math.PI * x), 0) / d;
  return -20 * Math.exp(-0.2 * Math.sqrt(sq)) - Math.exp(cos) + 20 + Math.E;
}

/** Rastrigin: a bowl rippled by cosines, a local minimum near every integer point. */
export function rastrigin(z: readonly number[]): number {
  return z.reduce((s, x) => s + x * x - 10 * Math.cos(2 * Math.PI * x) + 10, 0);
}

/** Levy, shifted so its minimum is at z = 0: deep local minima every 4 units on each axis. */
export function levy(z: readonly number[]): number {
  const w = z.map((x) => 1 + x / 4);
  const first = Math.sin(Math.PI * (w[0] as number)) ** 2;
  let mid = 0;
  for (let i = 0; i + 1 < w.length; i++) {
    const wi = w[i] as number;
    mid += (wi - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * wi + 1) ** 2);
  }
  const wd = w.at(-1) as number;
  return first + mid + (wd - 1) ** 2 * (1 + Math.sin(2 * Math.PI * wd) ** 2);
}

/** Griewank, with its usual 1/4000 bowl made steeper (1/40) so the range holds a few dozen local minima. */
export function griewank(z: readonly number[]): number {
  let sum = 0;
  let prod = 1;
  z.forEach((x, i) => {
    sum += (x * x) / 40;
    prod *= Math.cos(x / Math.sqrt(i + 1));
  });
  return sum - prod + 1;
}

/** Salomon: a funnel of concentric ripples, one every unit of radius. */
export function salomon(z: readonly number[]): number {
  const r = Math.sqrt(z.reduce((s, x) => s + x * x, 0));
  return 1 - Math.cos(2 * Math.PI * r) + 0.1 * r;
}

/** Styblinski-Tang, shifted so its global minimum (z_i = -2.9035) is at 0 and scaled to 0 there; the other minimum per axis is 5.65 away. */
export function styblinskiTang(z: readonly number[]): number {
  const at = (x: number) => x ** 4 - 16 * x * x + 5 * x;
  const best = at(-2.903534);
  return z.reduce((s, x) => s + (at(x - 2.903534) - best) / 2, 0);
}

/** Drop-wave over any number of dimensions, shifted to 0 at its minimum: ripples every half unit of radius around one funnel. */
export function dropWave(z: readonly number[]): number {
  const r2 = z.reduce((s, x) => s + x * x, 0);
  return 1 - (1 + Math.cos(12 * Math.sqrt(r2))) / (0.5 * r2 + 2);
}

/** Alpine N.1: |z sin z + 0.1 z| per axis, a local minimum near every multiple of π, deeper toward 0. */
export function alpine(z: readonly number[]): number {
  return z.reduce((s, x) => s + Math.abs(x * Math.sin(x) + 0.1 * x), 0);
}

const FUNCTIONS: TestFunction[] = [
  {
    name: 'ackley',
    description: 'Ackley: shallow local minima around one deep funnel',
    f: ackley,
    span: 6,
    step: 0.5,
    period: 1,
    baselineZ: [0, -2, 2, 1, 2, -2],
    baselineActivation: 'relu',
    reported: true,
  },
  {
    name: 'rastrigin',
    description: 'Rastrigin: a bowl rippled by cosines',
    f: rastrigin,
    span: 6,
    step: 0.5,
    period: 1,
    baselineZ: [1, 3, -3, 2, -2, 3],
    baselineActivation: 'gelu',
    reported: true,
  },
  { name: 'levy', description: 'Levy: many deep local minima', f: levy, span: 24, step: 2, period: 4, baselineZ: [4, -8, 8, 8, -6, -8], baselineActivation: 'relu', reported: true },
  {
    name: 'griewank',
    description: 'Griewank with a steep bowl; for choosing settings only',
    f: griewank,
    span: 36,
    step: 3.14,
    period: 6.28,
    baselineZ: [12.56, 17.77, -10.88, 12.56, 9.42, 15.4],
    baselineActivation: 'tanh',
    reported: false,
  },
  {
    name: 'salomon',
    description: 'Salomon: a funnel of ripples; for choosing settings only',
    f: salomon,
    span: 8,
    step: 0.5,
    period: 1,
    baselineZ: [1, 2, -1, 2, 1, -2],
    baselineActivation: 'gelu',
    reported: false,
  },
  {
    name: 'drop-wave',
    description: 'Drop-wave: ripples around one funnel; for choosing settings only',
    f: dropWave,
    span: 6,
    step: 0.26,
    period: 0.52,
    baselineZ: [1, 1, -1, 1, -1, 1],
    baselineActivation: 'gelu',
    reported: false,
  },
  {
    name: 'alpine',
    description: 'Alpine N.1: local minima near every multiple of pi; for choosing settings only',
    f: alpine,
    span: 24,
    step: 1.57,
    period: 3.14,
    baselineZ: [6.28, -9.42, 3.14, 6.28, -6.28, 9.42],
    baselineActivation: 'relu',
    reported: false,
  },
  {
    name: 'styblinski-tang',
    description: 'Styblinski-Tang: two minima per axis; for choosing settings only',
    f: styblinskiTang,
    span: 9,
    step: 1.2,
    period: 5.65,
    baselineZ: [4, 4, 0, 4, 0, 4],
    baselineActivation: 'relu',
    reported: false,
  },
];

/** The value of `key` at unit coordinate u, rounded to 6 significant digits as the proposers round. */
function fromUnit(axis: Axis, u: number): number {
  const spec = axis.spec as { min: number; max: number; distribution: string };
  const { min, max } = spec;
  switch (spec.distribution) {
    case 'log_normal':
      return Number((10 ** (log10(min) + u * (log10(max) - log10(min)))).toPrecision(6));
    case 'logit_normal':
      return Number((1 - 10 ** (log10(1 - min) - u * (log10(1 - min) - log10(1 - max)))).toPrecision(6));
    case 'uniform_pow2':
      return 2 ** Math.round(Math.log2(min) + u * (Math.log2(max) - Math.log2(min)));
    case 'int_uniform':
      return Math.round(min + u * (max - min));
    default:
      return Number((min + u * (max - min)).toPrecision(6));
  }
}

function num(config: Config, key: string): number {
  const v = getPath(config, key);
  if (typeof v !== 'number') throw new Error(`${key} is not a number in the merged config`);
  return v;
}

function setPath(config: Record<string, unknown>, key: string, value: Scalar): void {
  const [head, ...rest] = key.split('.');
  if (rest.length === 0) config[head as string] = value;
  else setPath((config[head as string] ??= {}) as Record<string, unknown>, rest.join('.'), value);
}

/** Every value a key may take near `value`: the neighbouring discrete values, or a fine grid of u within a period. */
function neighbours(axis: Axis, value: number, period: number): number[] {
  const spec = axis.spec as { min: number; max: number; distribution: string };
  if (spec.distribution === 'uniform_pow2') return [value / 2, value * 2].filter((v) => v >= spec.min && v <= spec.max);
  if (spec.distribution === 'int_uniform') return [value - 1, value + 1].filter((v) => v >= spec.min && v <= spec.max);
  // A small window, so the descent stays in the basin it starts in instead of jumping a crest.
  const u = axis.toUnit(value);
  const half = period / 16 / axis.span;
  return Array.from({ length: 41 }, (_, i) => fromUnit(axis, Math.min(1, Math.max(0, u - half + (2 * half * i) / 40))));
}

/**
 * Coordinate descent from `start` over the values the policy allows (each key in turn, the
 * activation among its choices) until no single key can improve f: a local minimum of the space
 * the proposers search, so the baseline is one by construction, not by hope.
 */
function polish(list: readonly Axis[], start: Record<string, unknown>, f: (c: Config) => number, period: number): Record<string, unknown> {
  const config = structuredClone(start);
  let current = f(config as Config);
  for (let sweep = 0; sweep < 1000; sweep++) {
    let moved = false;
    for (const axis of list) {
      for (const v of neighbours(axis, num(config as Config, axis.key), period)) {
        const trial = structuredClone(config);
        setPath(trial, axis.key, v);
        const value = f(trial as Config);
        if (value < current - 1e-12) {
          setPath(config, axis.key, v);
          current = value;
          moved = true;
        }
      }
    }
    for (const choice of Object.keys(ACTIVATIONS)) {
      const trial = structuredClone(config);
      setPath(trial, 'model.activation', choice);
      const value = f(trial as Config);
      if (value < current - 1e-12) {
        setPath(config, 'model.activation', choice);
        current = value;
        moved = true;
      }
    }
    if (!moved) return config;
  }
  throw new Error('polish did not settle in 1000 sweeps');
}

function build(t: TestFunction): LoopObjective {
  const list = axes(t.span, t.step);
  const shiftOf = (config: Config) => (ACTIVATIONS[String(getPath(config, 'model.activation'))] ?? { shift: 0 }).shift * t.period;
  const costOf = (config: Config) => (ACTIVATIONS[String(getPath(config, 'model.activation'))] ?? { cost: 10 }).cost;
  const f = (config: Config): number => t.f(list.map((a, i) => (a.toUnit(num(config, a.key)) - a.best) * a.span - (i === 0 ? shiftOf(config) : 0))) + costOf(config);
  const policyJson = {
    version: 1,
    keys: {
      ...Object.fromEntries(list.map((a) => [a.key, a.spec])),
      'model.activation': { type: 'enum', choices: Object.keys(ACTIVATIONS) },
    },
  };
  const start: Record<string, unknown> = {};
  setPath(start, 'model.activation', t.baselineActivation);
  const shift = shiftOf(start as Config);
  list.forEach((a, i) => setPath(start, a.key, fromUnit(a, Math.min(1, Math.max(0, a.best + ((t.baselineZ[i] as number) + (i === 0 ? shift : 0)) / a.span)))));
  setPath(start, 'train.seed', 1);
  const baseline = polish(list, start, f, t.period);
  const gap = f(baseline as Config);
  return {
    name: t.name,
    description: t.description,
    policyJson,
    policy: parsePolicy(policyJson),
    baseline: baseline as Config,
    f,
    // Per-episode noise of a third of the baseline's regret: 16 episodes measure a run to a twelfth of it.
    noiseSd: gap / 3,
    episodes: 16,
    reported: t.reported,
  };
}

/** Every objective of the through-the-loop suite, reported ones first. */
export function loopObjectives(): LoopObjective[] {
  return FUNCTIONS.map(build);
}
