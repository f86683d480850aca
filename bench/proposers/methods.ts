/**
 * The three methods of bench:proposers, each run as one sequential sequence of evaluations per
 * bench seed: the built-in TPE (warm-started from every evaluation so far, as the loop does),
 * seeded random search, and Optuna's TPE. Every proposal goes through the validator first; the
 * objective scores the merged config. A rejected proposal counts as a failed evaluation.
 */
import { scalarsAt, type Scalar } from '../../domain/config/config.js';
import { proposeRandom } from '../../domain/proposers/random.js';
import { proposeTpe, TPE_DEFAULTS, type Observation, type TpeOptions } from '../../domain/proposers/tpe.js';
import { validateOverrides } from '../../domain/policy/validate.js';
import type { Objective } from '../objectives/objective.js';
import { optunaSpace, type OptunaServer } from './optuna.js';

/** A method's name in the table. */
export type Method = 'builtin' | 'optuna' | 'random';

/** One method's evaluations on one bench seed, in order (null: failed or rejected). */
export interface Sequence {
  values: Array<number | null>;
  /** Proposals the validator rejected (the built-in proposer's must stay at 0). */
  rejected: number;
}

/** Random trials before a model is used, for the built-in TPE and Optuna alike. */
export const STARTUP = TPE_DEFAULTS.startupTrials;

/** Validates `overrides` and scores the merged config; also returns the policy keys' values as run. */
export async function evaluate(objective: Objective, overrides: Record<string, Scalar>, seed: number, index: number) {
  const checked = validateOverrides(overrides, objective.base, objective.policy);
  if (!checked.ok) return { value: null, asRun: overrides, rejected: true };
  const asRun = scalarsAt(checked.config, Object.keys(objective.policy.keys));
  const value = await objective.evaluate(checked.config, { seed, index });
  return { value: value !== null && Number.isFinite(value) ? value : null, asRun, rejected: false };
}

/** The built-in TPE: each step proposes from every earlier evaluation (values as run, failures as bad); `options` for experiments. */
export async function runBuiltin(objective: Objective, seed: number, budget: number, options: Partial<TpeOptions> = {}): Promise<Sequence> {
  const history: Observation[] = [];
  const out: Sequence = { values: [], rejected: 0 };
  for (let i = 0; i < budget; i++) {
    const [proposal] = proposeTpe(objective.policy, history, { ...options, seed: seed * 7_919 + i, direction: objective.direction, base: objective.base });
    const r = await evaluate(objective, proposal?.overrides ?? {}, seed, i);
    out.values.push(r.value);
    if (r.rejected) out.rejected++;
    history.push({ runId: String(i + 1).padStart(3, '0'), overrides: r.asRun, value: r.value });
  }
  return out;
}

/** Seeded random search: one independent draw per evaluation. */
export async function runRandom(objective: Objective, seed: number, budget: number): Promise<Sequence> {
  const out: Sequence = { values: [], rejected: 0 };
  for (let i = 0; i < budget; i++) {
    const r = await evaluate(objective, proposeRandom(objective.policy, seed * 7_919 + i + 99).overrides as Record<string, Scalar>, seed, i);
    out.values.push(r.value);
    if (r.rejected) out.rejected++;
  }
  return out;
}

/** Optuna's TPESampler(multivariate=True) by ask and tell, over the same space, with {@link STARTUP} random trials. */
export async function runOptuna(server: OptunaServer, objective: Objective, seed: number, budget: number): Promise<Sequence> {
  const space = optunaSpace(objective.policy);
  const study = await server.study(space.space, seed, STARTUP, objective.direction);
  const out: Sequence = { values: [], rejected: 0 };
  try {
    for (let i = 0; i < budget; i++) {
      const r = await evaluate(objective, space.toOverrides(await study.ask()), seed, i);
      out.values.push(r.value);
      if (r.rejected) out.rejected++;
      await study.tell(r.value);
    }
  } finally {
    await study.close();
  }
  return out;
}
