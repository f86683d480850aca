/**
 * The core suite of bench:proposers (issue 7): the proposers called directly, one sequence of
 * evaluations per method and bench seed, on CartPole and the standard test functions; see
 * bench/proposers.ts for what is printed.
 */
import type { SuiteOutcome } from '../loop/suite.js';
import type { Objective } from '../objectives/objective.js';
import type { Args } from './args.js';
import { runBuiltin, runOptuna, runRandom, STARTUP, type Method, type Sequence } from './methods.js';
import { OptunaServer } from './optuna.js';
import { pool } from './pool.js';
import { beatsLongRandom, ceilingNote, summarize, table, type ObjectiveSummary } from './report.js';

/** Every method on every bench seed of one objective; CartPole's sequences run `jobs` at a time. */
async function runObjective(objective: Objective, server: OptunaServer, a: Args, log: (s: string) => void): Promise<Record<Method, Sequence[]>> {
  const seeds = Array.from({ length: a.seeds }, (_, i) => a.firstSeed + i);
  const longest = 3 * a.budget;
  type Task = { method: Method; seed: number; run: () => Promise<Sequence> };
  // Longest sequences first, so the jobs finish together.
  const tasks: Task[] = [
    ...seeds.map((seed) => ({ method: 'random' as const, seed, run: () => runRandom(objective, seed, longest) })),
    ...seeds.flatMap((seed) => [
      { method: 'builtin' as const, seed, run: () => runBuiltin(objective, seed, a.budget) },
      { method: 'optuna' as const, seed, run: () => runOptuna(server, objective, seed, a.budget) },
    ]),
  ];
  let done = 0;
  const t0 = performance.now();
  const results = await pool(
    tasks.map((t) => async () => {
      const s = await t.run();
      done++;
      if (objective.name === 'cartpole') log(`  cartpole: ${t.method} seed ${t.seed} done (${done}/${tasks.length}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      return s;
    }),
    a.jobs,
  );
  const runs: Record<Method, Sequence[]> = { builtin: [], optuna: [], random: [] };
  tasks.forEach((t, i) => runs[t.method].push(results[i] as Sequence));
  return runs;
}

/** Runs the core suite on `objectives` and reports it with its targets. */
export async function runCoreSuite(objectives: readonly Objective[], a: Args, optuna: string, log: (s: string) => void): Promise<SuiteOutcome> {
  const checkpoints = [...new Set([Math.round(a.budget / 3), Math.round((2 * a.budget) / 3), a.budget])];
  const server = new OptunaServer();
  const summaries: ObjectiveSummary[] = [];
  const walls: Record<string, number> = {};
  const raw: Record<string, Record<Method, Sequence[]>> = {};
  const t0 = performance.now();
  try {
    for (const objective of objectives) {
      const t = performance.now();
      const runs = await runObjective(objective, server, a, log);
      walls[objective.name] = (performance.now() - t) / 1000;
      raw[objective.name] = runs;
      summaries.push(summarize(objective.name, objective.direction, objective.optimum, runs, checkpoints, 3 * a.budget, objective.ceiling ?? null));
      log(`${objective.name}: ${walls[objective.name]?.toFixed(1)} s`);
    }
  } finally {
    server.close();
  }
  const wall = (performance.now() - t0) / 1000;

  const atLeast = summaries.filter((s) => s.atLeastOptuna).length;
  const needed = Math.max(1, summaries.length - 1);
  const target1 = atLeast >= needed;
  const cp = summaries.find((s) => s.name === 'cartpole');
  const target2 = cp === undefined ? null : beatsLongRandom(cp);
  const rejectedByBuiltin = summaries.reduce((n, s) => n + s.rejected.builtin, 0);
  const pass = target1 && target2 !== false && rejectedByBuiltin === 0;

  const lines = [
    `bench:proposers ${new Date().toISOString().slice(0, 10)}: ${a.seeds} seeds (${a.firstSeed}..${a.firstSeed + a.seeds - 1}) x ${a.budget} evaluations ` +
      `(random search ${3 * a.budget}); Optuna ${optuna} TPESampler(multivariate=True, n_startup_trials=${STARTUP}); built-in TPE ${STARTUP} startup trials`,
    `medians over seeds of the best-so-far at ${checkpoints.join(' / ')} evaluations; test functions as regret from the known optimum (lower is better), ` +
      `cartpole as mean reward (higher is better); ratio: built-in / Optuna (regret: <= 1 is at or above Optuna; reward: >= 1 is)`,
    '',
    table(summaries),
    '',
    ...summaries.flatMap((s) => ceilingNote(s) ?? []),
    `${target1 ? 'PASS' : 'FAIL'} built-in at or above Optuna's TPE at ${a.budget} evaluations on ${atLeast} of ${summaries.length} objectives (needed ${needed})`,
    target2 === null
      ? '(cartpole not run: no random-search target)'
      : `${target2 ? 'PASS' : 'FAIL'} cartpole: built-in at ${a.budget} (${cp?.medians.builtin.at(-1)}) at least random search at ${3 * a.budget} (${cp?.randomLong.median})`,
    rejectedByBuiltin === 0 ? 'validator rejections of built-in proposals: 0' : `FAIL validator rejected ${rejectedByBuiltin} built-in proposals`,
    `wall time ${wall.toFixed(0)} s (${Object.entries(walls)
      .map(([n, s]) => `${n} ${s.toFixed(0)} s`)
      .join(', ')}), ${a.jobs} job(s) at a time`,
  ];
  return { lines, result: { suite: 'core', checkpoints, summaries, target1, target2, wall_s: wall, walls, raw }, pass };
}
