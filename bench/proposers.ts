/**
 * bench:proposers (issue 7): the built-in optimizer (domain/proposers/tpe.ts), seeded random
 * search and Optuna's TPESampler (Debian's python3-optuna under /usr/bin/python3, by ask/tell
 * through bench/optuna_ask_tell.py) on the same objectives, search spaces and budgets:
 *
 * - `cartpole`: the built-in CartPole trainer in quick mode over the shipped policy (maximized);
 * - `branin`, `hartmann6`, `rosenbrock4-log`, `mixed`: standard test functions written as policies
 *   (bench/objectives/functions.ts), minimized, noise-free, with known optima.
 *
 * Each method gets `--seeds` bench seeds x `--budget` evaluations (random search 3x the budget).
 * Printed: the median over seeds of the best-so-far at 1/3, 2/3 and all of the budget (regret from
 * the optimum for the test functions), random search at 3x, and the built-in / Optuna ratio at the
 * full budget. Targets: the built-in optimizer at or above Optuna on all objectives but one, and on
 * CartPole at the budget at least as good as random search at 3x. Exit 0 when both pass, 1 on FAIL,
 * 2 on a usage error or when Optuna is missing.
 *
 *   npm run bench:proposers [-- --only cartpole,branin --seeds 10 --budget 30 --jobs 2 --first-seed 0 --json]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../orchestrator/workspace.js';
import { cartpole } from './objectives/cartpole.js';
import { testFunctions } from './objectives/functions.js';
import type { Objective } from './objectives/objective.js';
import { parseArgs, UsageError, type Args } from './proposers/args.js';
import { runBuiltin, runOptuna, runRandom, STARTUP, type Method, type Sequence } from './proposers/methods.js';
import { OptunaServer, optunaVersion, PYTHON } from './proposers/optuna.js';
import { beatsLongRandom, ceilingNote, summarize, table, type ObjectiveSummary } from './proposers/report.js';

/** Runs `tasks` with at most `jobs` in flight; results in task order. */
async function pool<T>(tasks: ReadonlyArray<() => Promise<T>>, jobs: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return out;
}

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

async function main(): Promise<number> {
  let a: Args;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench:proposers: ${e.message}\n`);
    return 2;
  }
  const optuna = optunaVersion();
  if (!optuna.ok) {
    process.stderr.write(`bench:proposers needs Optuna for ${PYTHON}: apt-get install -y python3-optuna\n${optuna.message}\n`);
    return 2;
  }
  const all = [cartpole(), ...testFunctions()];
  const unknown = (a.only ?? []).filter((n) => !all.some((o) => o.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`bench:proposers: unknown objective(s) ${unknown.join(', ')}; known: ${all.map((o) => o.name).join(', ')}\n`);
    return 2;
  }
  const objectives = all.filter((o) => a.only === null || a.only.includes(o.name));
  const checkpoints = [...new Set([Math.round(a.budget / 3), Math.round((2 * a.budget) / 3), a.budget])];
  const log = (s: string) => process.stderr.write(`${s}\n`);
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
      `(random search ${3 * a.budget}); Optuna ${optuna.version} TPESampler(multivariate=True, n_startup_trials=${STARTUP}); built-in TPE ${STARTUP} startup trials`,
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
    `wall time ${wall.toFixed(0)} s (${Object.entries(walls).map(([n, s]) => `${n} ${s.toFixed(0)} s`).join(', ')}), ${a.jobs} job(s) at a time`,
  ];
  const out = join(PROJECT_ROOT, 'bench', 'out', 'proposers');
  mkdirSync(out, { recursive: true });
  const result = { date: new Date().toISOString(), optuna: optuna.version, args: a, checkpoints, summaries, target1, target2, wall_s: wall, walls, raw };
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(result)}\n`);
  process.stdout.write(a.json ? `${JSON.stringify(result)}\n` : `${lines.join('\n')}\n`);
  return pass ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`bench:proposers: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
