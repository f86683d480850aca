/**
 * bench:proposers (issues 7 and 15): the built-in optimizer (domain/proposers/tpe.ts), seeded
 * random search and Optuna's TPESampler (Debian's python3-optuna under /usr/bin/python3) on the
 * same objectives, search spaces and budgets, in two suites (`--suite core|loop|all`, default all),
 * and the loop suite in process (`--suite sim`, bench/loop/sim.ts: the same sessions without a
 * workspace, for choosing settings on many seeds; not part of `all`).
 *
 * Core suite (bench/proposers/core.ts): the proposers called directly, Optuna by ask/tell through
 * bench/optuna_ask_tell.py, one noise-free evaluation per step:
 * - `cartpole`: the built-in CartPole trainer in quick mode over the shipped policy (maximized);
 * - `branin`, `hartmann6`, `rosenbrock4-log`, `mixed`: standard test functions written as policies
 *   (bench/objectives/functions.ts), minimized, with known optima.
 * Printed: the median over seeds of the best-so-far at 1/3, 2/3 and all of the budget, random
 * search at 3x, and the built-in / Optuna ratio. Targets: the built-in optimizer at or above Optuna
 * on all objectives but one, and on CartPole at the budget at least as good as random search at 3x.
 *
 * Loop suite (bench/loop/): every method runs through the product's own loop, `autopilot loop` as
 * a child process in a fresh workspace per (method, objective, bench seed): baseline run 001 (a
 * local optimum), then proposals through validation, replicates and incumbent re-runs at the
 * loop's defaults, 16 noisy episodes a run from bench/loop/trainer.ts (noise seeded by bench seed,
 * run id and train seed, so every method meets the same noise). Methods: `proposer.kind` builtin
 * and random (`proposer.seed` = bench seed), and Optuna as a `command` proposer
 * (bench/optuna_propose.py rebuilds a study from the run folders on each call). Objectives:
 * ackley, rastrigin, levy (bench/objectives/multimodal.ts; griewank, salomon and styblinski-tang, for
 * choosing settings, only with --only). Printed: the median over seeds of the true regret of the
 * config with the best pooled observed mean after 1/3, 2/3 and all of the budget (every run counted),
 * random search at 3x, seeds won/lost vs Optuna, distinct values of the discrete keys in the last
 * 20 runs, replicates and re-runs per session, validator rejections. Targets: built-in at the
 * budget at or above Optuna (median regret <=) and strictly better than random search at 3x, on
 * every objective.
 *
 * Exit 0 when every target of the suites run passes, 1 on FAIL (a loop session that fails is
 * one), 2 on a usage error or when Optuna is missing. Results go to bench/out/proposers/ (results.json, loop-results.json).
 *
 *   npm run bench:proposers [-- --suite loop|sim --only ackley,levy --seeds 10 --budget 30 --jobs 2 --first-seed 0 --json]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../adapters/workspace.js';
import { SessionError } from './loop/session.js';
import { runLoopSuite, type SuiteOutcome } from './loop/suite.js';
import { cartpole } from './objectives/cartpole.js';
import { testFunctions } from './objectives/functions.js';
import { loopObjectives } from './objectives/multimodal.js';
import { parseArgs, UsageError, type Args } from './proposers/args.js';
import { runCoreSuite } from './proposers/core.js';
import { optunaVersion, PYTHON } from './proposers/optuna.js';

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
  const core = a.suite === 'loop' || a.suite === 'sim' ? [] : [cartpole(), ...testFunctions()];
  const loop = a.suite === 'core' ? [] : loopObjectives();
  const known = [...core, ...loop].map((o) => o.name);
  const unknown = (a.only ?? []).filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench:proposers: unknown objective(s) ${unknown.join(', ')} for --suite ${a.suite}; known: ${known.join(', ')}\n`);
    return 2;
  }
  // Without --only, the loop suite runs its reported objectives; the tuning ones only when named.
  const coreRun = core.filter((o) => a.only === null || a.only.includes(o.name));
  const loopRun = loop.filter((o) => (a.only === null ? o.reported : a.only.includes(o.name)));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const out = join(PROJECT_ROOT, 'bench', 'out', 'proposers');
  mkdirSync(out, { recursive: true });
  const head = { date: new Date().toISOString(), optuna: optuna.version, args: a };
  const outcomes: SuiteOutcome[] = [];
  let json: Record<string, unknown> = { ...head };
  if (coreRun.length > 0) {
    const c = await runCoreSuite(coreRun, a, optuna.version, log);
    writeFileSync(join(out, 'results.json'), `${JSON.stringify({ ...head, ...c.result })}\n`);
    json = { ...json, ...c.result };
    outcomes.push(c);
  }
  if (loopRun.length > 0) {
    const l = await runLoopSuite(loopRun, a, optuna.version, log);
    writeFileSync(join(out, a.suite === 'sim' ? 'sim-results.json' : 'loop-results.json'), `${JSON.stringify({ ...head, ...l.result })}\n`);
    json = { ...json, loop: l.result };
    outcomes.push(l);
  }
  const text = outcomes.map((o) => o.lines.join('\n')).join('\n\n');
  process.stdout.write(a.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
  return outcomes.every((o) => o.pass) ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    // A loop session that failed is a failure of what the bench measures, not of its command line.
    if (err instanceof SessionError) {
      process.stderr.write(`FAIL bench:proposers: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`bench:proposers: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
