/**
 * The through-the-loop suite of bench:proposers (issue 15): every method runs through the
 * product's own loop, one fresh workspace per (method, objective, bench seed), on the multimodal
 * objectives of bench/objectives/multimodal.ts; see bench/proposers.ts for what is printed.
 */
import type { LoopObjective } from '../objectives/multimodal.js';
import type { Args } from '../proposers/args.js';
import { pool } from '../proposers/pool.js';
import { STARTUP } from '../proposers/methods.js';
import { summarizeLoop, type LoopSummary, type MethodSessions } from './report.js';
import { runSession, type SessionOutcome } from './session.js';
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

/** Runs the suite on `objectives`, `a.jobs` sessions at a time; a failed session rejects (the bench fails). */
export async function runLoopSuite(objectives: readonly LoopObjective[], a: Args, optuna: string, log: (s: string) => void): Promise<SuiteOutcome> {
  const specs = objectives.flatMap((o) => sessionsOf(o, a));
  const t0 = performance.now();
  let done = 0;
  const outcomes = await pool(
    specs.map((spec) => async () => {
      const s = await runSession(spec);
      done++;
      log(`  loop: ${spec.objective.name} ${spec.method} seed ${spec.seed} done in ${s.wallS.toFixed(0)} s (${done}/${specs.length}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      return s;
    }),
    a.jobs,
  );
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
    `bench:proposers loop suite: ${a.seeds} seeds (${a.firstSeed}..${a.firstSeed + a.seeds - 1}) x ${a.budget} runs through \`autopilot loop\` ` +
      `(random search ${3 * a.budget}), each in a fresh workspace: baseline run 001, loop defaults (replicates, re-runs), ${objectives[0]?.episodes ?? '?'} noisy episodes a run`,
    `built-in: proposer.kind builtin; random: kind random (proposer.seed = bench seed); Optuna ${optuna}: kind command, bench/optuna_propose.py, ` +
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
  return { lines, result: { suite: 'loop', checkpoints, summaries, pass: targets.pass, wall_s: wall, sessions: raw }, pass: targets.pass };
}
