/**
 * The through-the-loop suite of bench:proposers (issue 15): every method runs through the
 * product's own loop, one fresh workspace per (method, objective, bench seed), on the multimodal
 * objectives of bench/objectives/multimodal.ts; see bench/proposers.ts for what is printed. With
 * `--suite sim` the same sessions run in process (bench/loop/sim.ts), in seconds instead of minutes.
 */
import type { LoopObjective } from '../objectives/multimodal.js';
import type { Args } from '../proposers/args.js';
import { pool } from '../proposers/pool.js';
import { STARTUP } from '../proposers/methods.js';
import { summarizeLoop, type LoopSummary, type MethodSessions } from './report.js';
import { runSession, type SessionOutcome, type SessionSpec } from './session.js';
import { simulateLoopSession } from './sim.js';
import { OptunaServer } from '../proposers/optuna.js';
import { behaviourTable, regretTable, targetLines } from './table.js';
import type { LoopMethod } from './workspace.js';

/** What a suite hands back to bench/proposers.ts: its printed lines, its JSON result, and whether its targets passed. */
export interface SuiteOutcome {
  lines: string[];
  result: Record<string, unknown>;
  pass: boolean;
}

/** Every session of one objective: random search at 3x the budget first (the longest), then Optuna's (the slowest per run), then the built-in's. */
function sessionsOf(objective: LoopObjective, a: Args) {
  const seeds = Array.from({ length: a.seeds }, (_, i) => a.firstSeed + i);
  const specs = (method: LoopMethod, runs: number) => seeds.map((seed) => ({ objective, method, seed, runs }));
  return [...specs('random', 3 * a.budget), ...specs('optuna', a.budget), ...specs('builtin', a.budget)];
}

/** One session in process (bench/loop/sim.ts), shaped as a through-the-loop one. */
async function simulated(spec: SessionSpec, server: OptunaServer, tpe: Args['tpe']): Promise<SessionOutcome> {
  const t0 = performance.now();
  const r = await simulateLoopSession(spec, server, tpe);
  return { ...r, spec: { objective: spec.objective.name, method: spec.method, seed: spec.seed, runs: spec.runs }, workspace: '', wallS: (performance.now() - t0) / 1000 };
}

/**
 * Runs the suite on `objectives`, `a.jobs` sessions at a time; a failed session rejects (the bench
 * fails). `a.suite` `sim` runs each session in process (bench/loop/sim.ts) instead of through `autopilot loop`.
 */
export async function runLoopSuite(objectives: readonly LoopObjective[], a: Args, optuna: string, log: (s: string) => void): Promise<SuiteOutcome> {
  const specs = objectives.flatMap((o) => sessionsOf(o, a));
  const server = a.suite === 'sim' ? new OptunaServer() : null;
  const t0 = performance.now();
  let done = 0;
  const outcomes = await pool(
    specs.map((spec) => async () => {
      const s = server ? await simulated(spec, server, a.tpe) : await runSession(spec);
      done++;
      log(
        `  ${a.suite}: ${spec.objective.name} ${spec.method} seed ${spec.seed} done in ${s.wallS.toFixed(0)} s (${done}/${specs.length}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
      return s;
    }),
    a.jobs,
  ).finally(() => server?.close());
  const checkpoints = [...new Set([Math.round(a.budget / 3), Math.round((2 * a.budget) / 3), a.budget])];
  const summaries: LoopSummary[] = objectives.map((o) => {
    const of = (m: LoopMethod): MethodSessions => {
      const mine = outcomes.filter((s: SessionOutcome) => s.spec.objective === o.name && s.spec.method === m);
      return { runs: mine.map((s) => s.runs), rejected: mine.map((s) => s.rejected) };
    };
    return summarizeLoop(o.name, { builtin: of('builtin'), optuna: of('optuna'), random: of('random') }, checkpoints, 3 * a.budget);
  });
  const wall = (performance.now() - t0) / 1000;
  const targets = targetLines(summaries);
  const lines = [
    `bench:proposers ${a.suite === 'sim' ? "loop suite in process (bench/loop/sim.ts: the loop's decisions, no workspace)" : 'loop suite'}: ${a.seeds} seeds (${a.firstSeed}..${a.firstSeed + a.seeds - 1}) x ${a.budget} runs ` +
      `${a.suite === 'sim' ? '' : 'through `autopilot loop` '}(random search ${3 * a.budget}), each a fresh session: baseline run 001, loop defaults (replicates, re-runs), ${objectives[0]?.episodes ?? '?'} noisy episodes a run`,
    `built-in: proposer.kind builtin; random: kind random (proposer.seed = bench seed); Optuna ${optuna}: ${a.suite === 'sim' ? 'what bench/optuna_propose.py does, by bench/optuna_ask_tell.py' : 'kind command, bench/optuna_propose.py'}, ` +
      `TPESampler(multivariate=True, n_startup_trials=${STARTUP}) rebuilt from the run folders each call`,
    `best-so-far at ${checkpoints.join(' / ')} runs (every run counted): the config with the best pooled observed mean; shown: its true regret, median over seeds`,
    '',
    regretTable(summaries),
    '',
    'distinct values of each discrete key in the last 20 of the first ' + a.budget + ' runs, and replicates / incumbent re-runs per session: median (min–max) over seeds',
    '',
    behaviourTable(summaries),
    '',
    ...targets.lines,
    `loop suite wall time ${wall.toFixed(0)} s, ${a.jobs} session(s) at a time`,
  ];
  const raw = outcomes.map((s) => ({ ...s.spec, rejected: s.rejected, wall_s: s.wallS, runs: s.runs }));
  return { lines, result: { suite: a.suite === 'sim' ? 'sim' : 'loop', checkpoints, summaries, pass: targets.pass, wall_s: wall, sessions: raw }, pass: targets.pass };
}
