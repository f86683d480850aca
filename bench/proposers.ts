/**
 * Benchmark of the built-in proposers against Optuna's TPE (issue 7): on seeded synthetic
 * objectives over the shipped policy's keys, each optimizer gets the same budget of runs, and the
 * best score it found is compared, seed by seed, in the same process:
 *
 * - `tpe`: the project's TPE (domain/proposers/tpe.ts), warm-started from the runs so far;
 * - `optuna`: Optuna's TPESampler(multivariate=True), driven by ask/tell through
 *   bench/optuna_ask_tell.py under /usr/bin/python3 (Debian's python3-optuna);
 * - `random`: the project's seeded random search (the baseline of both).
 *
 * Optuna gets the space a careful user would give it: log scales where the policy samples in
 * decades, 1 − x on a log scale for discount factors, exponents for powers of two. A failed run
 * (the objective returns null) is told to Optuna as a failed trial and to the project's TPE as a
 * failed observation. Scores carry seeded noise; the best is taken over the noisy scores, as a
 * loop would see them, and the regret is measured on the noise-free objective of that run.
 *
 *   npm run bench:proposers [-- --seeds 20 --budget 40 --json]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Scalar } from '../domain/config.js';
import { parsePolicy, type Policy } from '../domain/policy.js';
import { proposeRandom } from '../domain/proposers/random.js';
import { proposeTpe, type Observation } from '../domain/proposers/tpe.js';
import { createRng } from '../domain/rng.js';
import { PROJECT_ROOT } from '../orchestrator/workspace.js';

const PYTHON = '/usr/bin/python3';
const SERVER = join(PROJECT_ROOT, 'bench', 'optuna_ask_tell.py');

type Params = Record<string, Scalar>;

/** A seeded synthetic objective over policy keys: larger is better; null = the run failed. */
interface Objective {
  name: string;
  optimum: number;
  f: (o: Params) => number | null;
}

const num = (o: Params, k: string) => o[k] as number;

const OBJECTIVES: Objective[] = [
  {
    // Separable, with a cliff: best near lr 3e-3, gamma 0.99, 4 epochs, width 64; lr above 0.02 diverges.
    name: 'separable-with-failures',
    optimum: 1.2,
    f: (o) => {
      if (num(o, 'train.learning_rate') > 0.02) return null;
      const a = (Math.log10(num(o, 'train.learning_rate')) + 2.5) / 0.6;
      const b = (Math.log10(1 - num(o, 'train.gamma')) + 2) / 0.5;
      const c = (num(o, 'train.update_epochs') - 4) / 3;
      return 1 - a * a - b * b - 0.3 * c * c + (o['train.hidden_size'] === 64 ? 0.2 : 0);
    },
  },
  {
    // Coupled: the best learning rate grows with the square root of the batch, and clipping with the entropy bonus.
    name: 'coupled',
    optimum: 1,
    f: (o) => {
      const lr = Math.log10(num(o, 'train.learning_rate'));
      const batch = Math.log2(num(o, 'train.batch_size'));
      const best = -3.4 + 0.5 * 0.30103 * (batch - 9);
      const a = (lr - best) / 0.3;
      const ent = Math.log10(num(o, 'train.ent_coef'));
      const b = (num(o, 'train.clip_coef') - (0.1 + 0.05 * (ent + 5))) / 0.08;
      const c = (Math.log10(1 - num(o, 'train.gae_lambda')) + 1.3) / 0.4;
      return 1 - a * a - b * b - 0.5 * c * c;
    },
  },
];

/** The space Optuna searches, and how its parameters map back to policy keys. */
interface OptunaSpace {
  space: Record<string, { kind: 'float' | 'int' | 'cat'; low?: number; high?: number; log?: boolean; choices?: Scalar[] }>;
  toOverrides: (params: Record<string, number | string | boolean>) => Params;
}

function optunaSpace(policy: Policy): OptunaSpace {
  const space: OptunaSpace['space'] = {};
  const back: ((p: Record<string, number | string | boolean>, o: Params) => void)[] = [];
  for (const [key, spec] of Object.entries(policy.keys)) {
    if (spec.type === 'number' && spec.distribution === 'logit_normal') {
      space[`one_minus:${key}`] = { kind: 'float', low: 1 - spec.max, high: 1 - spec.min, log: true };
      back.push((p, o) => (o[key] = 1 - (p[`one_minus:${key}`] as number)));
    } else if (spec.type === 'number') {
      const log = spec.distribution === 'log_normal' || (spec.min > 0 && spec.max / spec.min >= 100);
      space[key] = { kind: 'float', low: spec.min, high: spec.max, log };
      back.push((p, o) => (o[key] = p[key] as number));
    } else if (spec.type === 'integer' && spec.distribution === 'uniform_pow2') {
      space[`log2:${key}`] = { kind: 'int', low: Math.ceil(Math.log2(spec.min)), high: Math.floor(Math.log2(spec.max)) };
      back.push((p, o) => (o[key] = 2 ** (p[`log2:${key}`] as number)));
    } else if (spec.type === 'integer') {
      space[key] = { kind: 'int', low: spec.min, high: spec.max, log: spec.distribution === 'log_normal' };
      back.push((p, o) => (o[key] = p[key] as number));
    } else if (spec.type === 'boolean') {
      space[key] = { kind: 'cat', choices: [false, true] };
      back.push((p, o) => (o[key] = p[key] as boolean));
    } else {
      space[key] = { kind: 'cat', choices: spec.choices as Scalar[] };
      back.push((p, o) => (o[key] = p[key] as Scalar));
    }
  }
  return {
    space,
    toOverrides: (p) => {
      const o: Params = {};
      for (const b of back) b(p, o);
      return o;
    },
  };
}

/** Optuna's TPE behind the ask/tell server: one process per seed. */
class OptunaStudy {
  readonly #child;
  readonly #lines: AsyncIterator<string>;
  constructor(space: OptunaSpace['space'], seed: number, startup: number) {
    this.#child = spawn(PYTHON, [SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
    this.#child.stdin.write(`${JSON.stringify({ space, seed, startup, direction: 'maximize' })}\n`);
  }
  async #call(msg: unknown): Promise<Record<string, unknown>> {
    this.#child.stdin.write(`${JSON.stringify(msg)}\n`);
    const next = await this.#lines.next();
    if (next.done) throw new Error('the Optuna server ended');
    return JSON.parse(next.value) as Record<string, unknown>;
  }
  async ask(): Promise<Record<string, number | string | boolean>> {
    return (await this.#call({ op: 'ask' })).params as Record<string, number | string | boolean>;
  }
  async tell(value: number | null): Promise<void> {
    await this.#call({ op: 'tell', value });
  }
  close(): void {
    this.#child.stdin.end();
  }
}

const gauss = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

/** The noise-free value of the run with the best noisy score (what a loop would keep), or -Infinity. */
function bestOf(runs: { noisy: number | null; clean: number | null }[]): number {
  let best: { noisy: number; clean: number } | null = null;
  for (const r of runs) if (r.noisy !== null && r.clean !== null && (best === null || r.noisy > best.noisy)) best = { noisy: r.noisy, clean: r.clean };
  return best?.clean ?? Number.NEGATIVE_INFINITY;
}

const NOISE_SD = 0.05;
const STARTUP = 5;

async function runSeed(policy: Policy, objective: Objective, seed: number, budget: number, space: OptunaSpace) {
  const score = (o: Params, noise: () => number) => {
    // The policy's derived rule (minibatch <= batch) normalizes what Optuna suggests, as validation would.
    const x = { ...o };
    if (typeof x['train.minibatch_size'] === 'number' && typeof x['train.batch_size'] === 'number')
      x['train.minibatch_size'] = Math.min(x['train.minibatch_size'], x['train.batch_size']);
    const clean = objective.f(x);
    return { clean, noisy: clean === null ? null : clean + NOISE_SD * gauss(noise) };
  };
  // tpe
  const tpeNoise = createRng(10_000 + seed);
  const history: Observation[] = [];
  const tpeRuns: { noisy: number | null; clean: number | null }[] = [];
  while (history.length < budget) {
    const [p] = proposeTpe(policy, history, { seed: seed * 7_919 + history.length, direction: 'maximize', startupTrials: STARTUP });
    const o = (p?.overrides ?? {}) as Params;
    const s = score(o, tpeNoise);
    tpeRuns.push(s);
    history.push({ runId: String(history.length + 1).padStart(3, '0'), overrides: o, value: s.noisy });
  }
  // optuna
  const optNoise = createRng(10_000 + seed);
  const study = new OptunaStudy(space.space, seed, STARTUP);
  const optRuns: { noisy: number | null; clean: number | null }[] = [];
  try {
    for (let i = 0; i < budget; i++) {
      const s = score(space.toOverrides(await study.ask()), optNoise);
      optRuns.push(s);
      await study.tell(s.noisy);
    }
  } finally {
    study.close();
  }
  // random
  const rndNoise = createRng(10_000 + seed);
  const rndRuns = Array.from({ length: budget }, (_, i) => score(proposeRandom(policy, seed * 7_919 + i + 99).overrides as Params, rndNoise));
  return { tpe: tpeRuns, optuna: optRuns, random: rndRuns };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const arg = (name: string, dflt: number) => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : dflt;
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got ${argv[i + 1]}`);
    return v;
  };
  const seeds = arg('seeds', 20);
  const budget = arg('budget', 40);
  const json = argv.includes('--json');
  const check = spawnSync(PYTHON, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' });
  if (check.status !== 0) {
    process.stderr.write(`bench:proposers needs Optuna for ${PYTHON}: apt-get install -y python3-optuna\n${check.stderr}`);
    return 2;
  }
  const policy = parsePolicy(JSON.parse(readFileSync(join(PROJECT_ROOT, 'autopilot', 'policy.json'), 'utf8')));
  const space = optunaSpace(policy);
  const checkpoints = [10, 20, budget].filter((b, i, a) => b <= budget && a.indexOf(b) === i);
  const results: unknown[] = [];
  const lines: string[] = [];
  let allPass = true;
  for (const objective of OBJECTIVES) {
    const regret: Record<'tpe' | 'optuna' | 'random', number[][]> = { tpe: [], optuna: [], random: [] };
    let wins = 0;
    let ties = 0;
    const t0 = performance.now();
    for (let seed = 0; seed < seeds; seed++) {
      const r = await runSeed(policy, objective, seed, budget, space);
      for (const k of ['tpe', 'optuna', 'random'] as const) regret[k].push(checkpoints.map((b) => objective.optimum - bestOf(r[k].slice(0, b))));
      const [ours, theirs] = [regret.tpe.at(-1)!.at(-1)!, regret.optuna.at(-1)!.at(-1)!];
      if (ours < theirs - 1e-12) wins++;
      else if (Math.abs(ours - theirs) <= 1e-12) ties++;
    }
    const mean = (k: keyof typeof regret, c: number) => regret[k].reduce((s, x) => s + x[c]!, 0) / seeds;
    const last = checkpoints.length - 1;
    const ratio = mean('tpe', last) / mean('optuna', last);
    const pass = ratio < 1;
    allPass &&= pass;
    results.push({ objective: objective.name, seeds, budget, checkpoints, regret, wins, ties, ratio });
    lines.push(
      `${objective.name}: mean regret at ${checkpoints.join('/')} runs — tpe ${checkpoints.map((_, c) => mean('tpe', c).toFixed(3)).join('/')}, ` +
        `optuna ${checkpoints.map((_, c) => mean('optuna', c).toFixed(3)).join('/')}, random ${checkpoints.map((_, c) => mean('random', c).toFixed(3)).join('/')}; ` +
        `tpe/optuna at ${budget} = ${ratio.toFixed(2)}x; tpe better on ${wins} of ${seeds} seeds (${ties} ties); ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      `${pass ? 'PASS' : 'FAIL'} ${objective.name}: tpe's mean regret at ${budget} runs below Optuna's (${ratio.toFixed(2)}x < 1)`,
    );
  }
  if (json) process.stdout.write(`${JSON.stringify({ optuna: check.stdout.trim(), results })}\n`);
  else process.stdout.write(`Optuna ${check.stdout.trim()} (TPESampler multivariate, ${STARTUP} startup trials) vs the project's TPE, noise sd ${NOISE_SD}\n${lines.join('\n')}\n`);
  return allPass ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`bench:proposers: ${(err as Error).message}\n`);
    process.exitCode = 2;
  },
);
