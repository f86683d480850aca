/**
 * The loop suite in process (`--suite sim`): the same sessions as bench/loop/session.ts — baseline
 * run 001, replicates and incumbent re-runs decided by the loop's own functions
 * (bench/decisions/engine.ts) at the loop's default statistics, each run `episodes` noisy values
 * from the same noise as the loop suite's trainer — without a workspace or a child process per
 * run. The built-in proposer is fed what the loop's tpe actor feeds it (every run as run, its
 * sample mean and size, the incumbent's config as the base); Optuna gets what
 * bench/optuna_propose.py rebuilds from the run folders (every run a trial, seeded by the trials
 * so far); random search draws as the loop's `random` proposer. For choosing settings quickly on
 * many seeds; the through-the-loop suite stays the measure the README reports.
 */
import { getPath, scalarsAt, type Scalar } from '../../domain/config/config.js';
import { baseConfigFor } from '../../domain/config/base-config.js';
import { planLaunch } from '../../domain/run/launch-plan.js';
import { parseSettings } from '../../domain/config/settings.js';
import { proposeRandom } from '../../domain/proposers/random.js';
import { proposalSeed } from '../../domain/proposers/seed.js';
import { proposeTpe, type Observation, type TpeOptions } from '../../domain/proposers/tpe.js';
import { mean } from '../../domain/judging/sample.js';
import { validateOverrides } from '../../domain/policy/validate.js';
import { DecidedSession } from '../decisions/engine.js';
import { STARTUP } from '../proposers/methods.js';
import { optunaSpace, type OptunaServer } from '../proposers/optuna.js';
import type { LoopRun, SessionResult } from './results.js';
import type { SessionSpec } from './session.js';
import { episodeSample, noiseSeed } from './trainer-core.js';

/** The loop's default statistics, as a workspace that does not set them has them. */
export const LOOP_STATISTICS = parseSettings({
  trainer: { command: ['x'] },
  metric: { name: 'mean_reward', direction: 'maximize' },
  timeouts: { quick: { wall_seconds: 60, no_output_seconds: 60 } },
}).statistics;

/** The next proposal of `spec.method` on the runs so far, as overrides of the policy keys. */
async function propose(spec: SessionSpec, session: DecidedSession, runId: string, server: OptunaServer | null, tpe: Partial<TpeOptions>): Promise<Record<string, Scalar>> {
  const { objective, seed } = spec;
  const draw = proposalSeed(seed, '0001', runId, 1);
  if (spec.method === 'random') return proposeRandom(objective.policy, draw).overrides as Record<string, Scalar>;
  if (spec.method === 'builtin') {
    const history: Observation[] = session.runs.map((r) => ({ runId: r.runId, overrides: r.override, value: mean(r.sample), n: r.sample.length }));
    const base = baseConfigFor(objective.baseline, session.incumbent?.override);
    const [p] = proposeTpe(objective.policy, history, { ...tpe, seed: draw, direction: 'maximize', base });
    if (!p) throw new Error(`the built-in proposer made no proposal for run ${runId}`);
    return p.overrides;
  }
  if (server === null) throw new Error('an Optuna session in process needs the ask/tell server (bench/proposers/optuna.ts OptunaServer)');
  const space = optunaSpace(objective.policy);
  const trials = session.runs.map((r) => ({ params: space.toParams(r.override), value: mean(r.sample) }));
  return space.toOverrides(await server.propose(space.space, trials, seed * 1000 + trials.length, STARTUP, 'maximize'));
}

/**
 * One session in process (`server`: Optuna's ask/tell server, needed for method `optuna` only);
 * `tpe` overrides the built-in proposer's options (for choosing them).
 * A proposal the validator rejects fails the session, as the built-in's and Optuna's never should.
 */
export async function simulateLoopSession(spec: SessionSpec, server: OptunaServer | null, tpe: Partial<TpeOptions> = {}): Promise<SessionResult> {
  const { objective } = spec;
  const session = new DecidedSession(spec.runs, LOOP_STATISTICS);
  const runs: LoopRun[] = [];
  while (session.runs.length < spec.runs) {
    const next = session.next();
    const base = baseConfigFor(objective.baseline, session.incumbent?.override);
    const overrides = next.override ?? (await propose(spec, session, next.runId, server, tpe));
    const checked = validateOverrides(overrides, next.kind === 'proposal' ? base : objective.baseline, objective.policy);
    if (!checked.ok) throw new Error(`${objective.name} ${spec.method} seed ${spec.seed}: run ${next.runId}'s config was rejected: ${checked.errors.map((e) => e.message).join('; ')}`);
    // The train seed as the loop's seed policy sets it (the default `increment`; a replicate's drawn from its run id).
    const index = runs.length + 1;
    const plan = planLaunch({
      base: objective.baseline,
      config: checked.config,
      override: overrides,
      kind: next.kind,
      runIndex: index,
      runId: next.runId,
      seeds: { key: 'train.seed', policy: 'increment' },
      checkpoints: { latest: null, best: null, known: [] },
      resolvePath: (p) => p,
    });
    if (!plan.ok) throw new Error(`${objective.name} ${spec.method} seed ${spec.seed}: run ${next.runId} could not be planned: ${plan.errors.map((e) => e.message).join('; ')}`);
    const regret = objective.f(plan.config);
    const sample = episodeSample(noiseSeed(spec.seed, next.runId, Number(getPath(plan.config, 'train.seed'))), -regret, objective.noiseSd, objective.episodes);
    const decided = session.record({ ...next, override: scalarsAt(plan.config, Object.keys(objective.policy.keys)) }, sample);
    runs.push({ runId: next.runId, kind: decided.rerun ? 'rerun' : next.kind, config: decided.override, sample, regret });
  }
  return { runs, rejected: 0 };
}
