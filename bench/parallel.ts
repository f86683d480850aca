/**
 * bench:parallel (issue 18, part b): what running trials in parallel costs the built-in optimizer
 * in regret. The loop cannot run trials in parallel yet, so this simulates the schedule it will use
 * (bench/parallel/sim.ts): k workers; whenever one is free the TPE is asked for one proposal with
 * the completed evaluations as history and the configs in flight as `pending` (constant liar); each
 * evaluation takes a seeded uniform 0.5–1.5 time units, so results come back out of order. It stops
 * at `--budget` completed evaluations, on bench:proposers' four test functions (branin, hartmann6,
 * rosenbrock4-log, mixed: noise-free, known optima), its bench seeds and proposal seeds.
 *
 * Printed: per function, the median over seeds of the regret at k = 1, 2, 4 and the ratios to k = 1;
 * then the geometric mean over functions of the k = 4 / k = 1 ratios. Target: at most 1.3x.
 * Parts (a) wall time at k = 1, 2, 4 and (c) orchestration overhead need the loop's parallel trials.
 *
 * Exit 0 on PASS, 1 on FAIL, 2 on a usage error. Results go to bench/out/parallel/results.json.
 *
 *   npm run bench:parallel [-- --only branin,mixed --seeds 10 --first-seed 0 --budget 30 --json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../adapters/workspace.js';
import { testFunctions } from './objectives/functions.js';
import { DURATION } from './parallel/sim.js';
import { geometricMean, overall, parallelTable, summarizeParallel, TARGET, type ParallelSummary } from './parallel/report.js';
import { parseArgs, UsageError, type Args } from './proposers/args.js';
import { STARTUP } from './proposers/methods.js';

/** Numbers of workers; the first is the sequential reference. */
const KS = [1, 2, 4];

/** bench:proposers' command line, less the flags that mean nothing here (one process, the TPE as it ships). */
function parse(argv: readonly string[]): Args {
  const foreign = argv.filter((x) => ['--suite', '--jobs', '--tpe'].includes(x));
  if (foreign.length > 0) throw new UsageError(`${foreign.join(', ')}: not a flag of bench:parallel (flags: --only a,b --seeds N --first-seed N --budget N --json)`);
  return parseArgs(argv);
}

async function main(): Promise<number> {
  let a: Args;
  try {
    a = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench:parallel: ${e.message}\n`);
    return 2;
  }
  const all = testFunctions();
  const unknown = (a.only ?? []).filter((n) => !all.some((o) => o.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`bench:parallel: unknown function(s) ${unknown.join(', ')}; known: ${all.map((o) => o.name).join(', ')}\n`);
    return 2;
  }
  const objectives = all.filter((o) => a.only === null || a.only.includes(o.name));
  const seeds = Array.from({ length: a.seeds }, (_, i) => a.firstSeed + i);
  const t0 = performance.now();
  const summaries: ParallelSummary[] = [];
  for (const o of objectives) {
    const t = performance.now();
    summaries.push(await summarizeParallel(o, seeds, a.budget, KS));
    process.stderr.write(`${o.name}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  // For scale: one worker stopped k - 1 evaluations early, which is what k - 1 runs in flight hide from each proposal.
  const most0 = KS.at(-1) as number;
  const early: number[] = [];
  for (let i = 0; i < objectives.length; i++) {
    const short = await summarizeParallel(objectives[i]!, seeds, a.budget - (most0 - 1), [1]);
    const full = summaries[i]!.regret[1] as number;
    const r = short.regret[1] as number;
    early.push(full === 0 ? (r === 0 ? 1 : Infinity) : r / full);
  }
  const wall = (performance.now() - t0) / 1000;
  const ratios = overall(summaries, KS);
  const most = KS.at(-1) as number;
  const worst = ratios[most] as number;
  const rejected = summaries.reduce((n, s) => n + s.rejected, 0);
  const pass = worst <= TARGET && rejected === 0;
  const lines = [
    `bench:parallel ${new Date().toISOString().slice(0, 10)}: built-in TPE (${STARTUP} startup trials), ${a.budget} completed evaluations, k = ${KS.join(' / ')} workers, ` +
      `bench seeds ${seeds.join(', ')}`,
    `schedule: one proposal per free worker, the configs in flight passed as pending (constant liar), history = completed evaluations only; ` +
      `durations uniform ${DURATION.min}–${DURATION.max} from createRng(seedFromString("bench:parallel durations <bench seed>")), evaluation i the same at every k`,
    `regret: |median over seeds of the best value − known optimum| (lower is better); ratio: k / k=1; makespan in time units`,
    '',
    parallelTable(summaries, KS),
    '',
    ...KS.slice(1).map((k) => `k=${k} / k=1, geometric mean over ${summaries.length} functions: ${(ratios[k] as number).toFixed(2)}x`),
    `for scale: k=1 stopped at ${a.budget - (most0 - 1)} evaluations / k=1 at ${a.budget}, geometric mean: ${geometricMean(early).toFixed(2)}x (the information k = ${most0} holds back from each proposal)`,
    `${worst <= TARGET ? 'PASS' : 'FAIL'} regret at ${a.budget} evaluations with k = ${most} at most ${TARGET}x that with k = 1: ${worst.toFixed(2)}x`,
    rejected === 0 ? 'validator rejections: 0' : `FAIL validator rejected ${rejected} proposals`,
    `wall time ${wall.toFixed(1)} s`,
  ];
  const result = {
    date: new Date().toISOString(),
    args: a,
    ks: KS,
    seeds,
    duration: DURATION,
    overall: ratios,
    earlyStop: geometricMean(early),
    target: TARGET,
    pass,
    wall_s: wall,
    summaries: summaries.map(({ runs, ...s }) => ({
      ...s,
      runs: Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, rs.map((r) => ({ values: r.values, completed: r.completed, makespan: r.makespan }))])),
    })),
  };
  const out = join(PROJECT_ROOT, 'bench', 'out', 'parallel');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(result)}\n`);
  process.stdout.write(a.json ? `${JSON.stringify(result)}\n` : `${lines.join('\n')}\n`);
  return pass ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`bench:parallel: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
