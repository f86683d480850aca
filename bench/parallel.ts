/**
 * bench:parallel (issue 18): what running k trials in parallel buys and costs. Three parts, run in
 * the order b, a, c (`--part a,b,c` picks them; the default is all):
 *
 * (b) the built-in optimizer's regret. It simulates the loop's schedule (bench/parallel/sim.ts): k
 * workers; whenever one is free the TPE is asked for one proposal with the completed evaluations as
 * history and the configs in flight as `pending` (constant liar); each evaluation takes a seeded
 * uniform 0.5–1.5 time units, so results come back out of order. It stops at `--budget` completed
 * evaluations, on bench:proposers' four test functions (branin, hartmann6, rosenbrock4-log, mixed:
 * noise-free, known optima), its bench seeds and proposal seeds. Printed: per function, the median
 * over seeds of the regret at k = 1, 2, 4 and the ratios to k = 1; then the geometric mean over
 * functions of the k = 4 / k = 1 ratios. Target: at most 1.3x. Beside it, the ratio's paired
 * bootstrap interval over the seeds run (bench/parallel/interval.ts): how far they pin it down.
 *
 * (a) wall time (bench/parallel/wall.ts): `--wall-runs` (24) runs of a trainer of exactly 2 s of
 * wall time (bench/parallel/trainer.ts, sleeping) at k = 1, 2, 4: the compiled CLI's `autopilot loop
 * --parallel K` as a child process, local launcher, built-in proposer, a fresh copy of the shipped
 * workspace per k with a pinned proposer seed. Printed as a ratio to k = 1 measured in the same run.
 * Target at k = 4: at most 0.3x. A session that fails or stops short fails the part.
 *
 * (c) orchestration overhead per run at k = 4 against the trainer's own time, from the k = 4
 * session's log (its own session when (a) is not run); defined in bench/parallel/overhead.ts.
 * Printed as a measurement: issue 18 sets no target.
 *
 * Exit 0 when every part run passes, 1 when one fails, 2 on a usage error. Results go to
 * bench/out/parallel/results.json: (b)'s under `regret`, (a)'s under `wall`, (c)'s under `overhead`,
 * the parts run under `parts`, `pass` for all of them.
 *
 *   npm run bench:parallel [-- --part a,b,c --only branin,mixed --seeds 10 --first-seed 0 --budget 30 --wall-runs 24 --json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../adapters/workspace.js';
import { testFunctions } from './objectives/functions.js';
import { DURATION } from './parallel/sim.js';
import { geometricMean, overall, parallelTable, summarizeParallel, TARGET, type ParallelSummary } from './parallel/report.js';
import { parseArgs, UsageError, type Args } from './proposers/args.js';
import { STARTUP } from './proposers/methods.js';
import { overheadPart, wallPart, type PartResult, type WallSession } from './parallel/wall.js';
import { ratioInterval } from './parallel/interval.js';
import { seedFromString } from '../domain/rng.js';

/** Numbers of workers (b) and of runs in flight (a); the first is the sequential reference. */
const KS = [1, 2, 4];
/** The parts of issue 18's bench, in the order they run. */
const PARTS = ['b', 'a', 'c'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  args: Args;
  parts: Part[];
  wallRuns: number;
}

/** bench:proposers' command line, less the flags that mean nothing here (one process, the TPE as it ships), plus --part and --wall-runs. */
function parse(argv: readonly string[]): Options {
  const usage = 'flags: --part a,b,c --only a,b --seeds N --first-seed N --budget N --wall-runs N --json';
  const foreign = argv.filter((x) => ['--suite', '--jobs', '--tpe'].includes(x));
  if (foreign.length > 0) throw new UsageError(`${foreign.join(', ')}: not a flag of bench:parallel (${usage})`);
  const rest: string[] = [];
  let parts: Part[] = [...PARTS];
  let wallRuns = 24;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag !== '--part' && flag !== '--wall-runs') {
      rest.push(flag);
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value (${usage})`);
    if (flag === '--wall-runs') {
      wallRuns = Number(v);
      if (!Number.isInteger(wallRuns) || wallRuns < 2) throw new UsageError(`--wall-runs must be an integer >= 2 (got ${v})`);
    } else {
      const asked = v.split(',').filter(Boolean);
      const bad = asked.filter((x) => !(PARTS as readonly string[]).includes(x));
      if (bad.length > 0 || asked.length === 0) throw new UsageError(`--part must list some of a, b, c (got ${v})`);
      parts = PARTS.filter((x) => asked.includes(x));
    }
  }
  return { args: parseArgs(rest), parts, wallRuns };
}

/** Part (b): the regret of k workers against one, simulated. */
async function regret(a: Args): Promise<PartResult> {
  const all = testFunctions();
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
  const most = KS.at(-1) as number;
  const early: number[] = [];
  for (let i = 0; i < objectives.length; i++) {
    const short = await summarizeParallel(objectives[i]!, seeds, a.budget - (most - 1), [1]);
    const full = summaries[i]!.regret[1] as number;
    const r = short.regret[1] as number;
    early.push(full === 0 ? (r === 0 ? 1 : Infinity) : r / full);
  }
  const wall = (performance.now() - t0) / 1000;
  const ratios = overall(summaries, KS);
  const worst = ratios[most] as number;
  const rejected = summaries.reduce((n, s) => n + s.rejected, 0);
  const pass = worst <= TARGET && rejected === 0;
  // How far the seeds run pin the ratio down: a target read on few seeds is read with this beside it.
  const interval = ratioInterval(summaries, objectives, {
    ref: 1,
    k: most,
    budget: a.budget,
    seed: seedFromString('bench:parallel bootstrap'),
    resamples: 2000,
    level: 0.95,
    target: TARGET,
  });
  const lines = [
    `(b) built-in TPE (${STARTUP} startup trials), ${a.budget} completed evaluations, k = ${KS.join(' / ')} workers, bench seeds ${seeds.join(', ')}`,
    `schedule: one proposal per free worker, the configs in flight passed as pending (constant liar), history = completed evaluations only; ` +
      `durations uniform ${DURATION.min}–${DURATION.max} from createRng(seedFromString("bench:parallel durations <bench seed>")), evaluation i the same at every k`,
    `regret: |median over seeds of the best value − known optimum| (lower is better); ratio: k / k=1; makespan in time units`,
    '',
    parallelTable(summaries, KS),
    '',
    ...KS.slice(1).map((k) => `k=${k} / k=1, geometric mean over ${summaries.length} functions: ${(ratios[k] as number).toFixed(3)}x`),
    `for scale: k=1 stopped at ${a.budget - (most - 1)} evaluations / k=1 at ${a.budget}, geometric mean: ${geometricMean(early).toFixed(2)}x (the information k = ${most} holds back from each proposal)`,
    `k=${most} / k=1, ${interval.level * 100}% paired bootstrap interval over the ${seeds.length} bench seeds: [${interval.lo.toFixed(2)}x, ${interval.hi.toFixed(2)}x]; ` +
      `${(interval.atMostTarget * 100).toFixed(0)}% of resamples at most ${TARGET}x (seed ${interval.seed}, ${interval.resamples} resamples)`,
    `${worst <= TARGET ? 'PASS' : 'FAIL'} regret at ${a.budget} evaluations with k = ${most} at most ${TARGET}x that with k = 1: ${worst.toFixed(3)}x`,
    rejected === 0 ? 'validator rejections: 0' : `FAIL validator rejected ${rejected} proposals`,
    `(b) took ${wall.toFixed(1)} s`,
  ];
  const result = {
    ks: KS,
    seeds,
    duration: DURATION,
    overall: ratios,
    earlyStop: geometricMean(early),
    interval,
    target: TARGET,
    pass,
    wall_s: wall,
    summaries: summaries.map(({ runs, ...s }) => ({
      ...s,
      runs: Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, rs.map((r) => ({ values: r.values, completed: r.completed, makespan: r.makespan }))])),
    })),
  };
  return { lines, result, pass };
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench:parallel: ${e.message}\n`);
    return 2;
  }
  const a = o.args;
  const known = testFunctions().map((f) => f.name);
  const unknown = (a.only ?? []).filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench:parallel: unknown function(s) ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
    return 2;
  }
  const results: Partial<Record<Part, PartResult>> = {};
  if (o.parts.includes('b')) results.b = await regret(a);
  let sessions: WallSession[] = [];
  if (o.parts.includes('a')) ({ sessions, part: results.a } = await wallPart(KS, o.wallRuns));
  if (o.parts.includes('c')) results.c = await overheadPart(sessions, KS.at(-1) as number, o.wallRuns);
  const verdicts = Object.values(results).map((r) => r.pass);
  const pass = verdicts.every((v) => v !== false);
  const result = {
    date: new Date().toISOString(),
    args: a,
    parts: o.parts,
    pass,
    regret: results.b?.result,
    wall: results.a?.result,
    overhead: results.c?.result,
  };
  const out = join(PROJECT_ROOT, 'bench', 'out', 'parallel');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(result)}\n`);
  const lines = [`bench:parallel ${result.date.slice(0, 10)}: parts ${o.parts.join(', ')}`, ...Object.values(results).flatMap((r) => ['', ...r.lines])];
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
