/**
 * The schedule the loop will use for parallel trials (issue 18), simulated: `workers` slots; each
 * time a slot is free the built-in TPE is asked for one proposal, with the completed evaluations as
 * its history and the configs still in flight as `pending` (its constant liar), as the loop will
 * ask once per free slot. Each evaluation takes a seeded random duration, so results come back out
 * of order. With one worker it is bench:proposers' sequential built-in (bench/proposers/methods.ts
 * runBuiltin): the same proposal seeds, the same history, the same values.
 */
import type { Scalar } from '../../domain/config/config.js';
import { proposeTpe, type Observation, type TpeOptions } from '../../domain/proposers/tpe.js';
import { createRng, seedFromString } from '../../domain/rng.js';
import type { Objective } from '../objectives/objective.js';
import { evaluate, type Sequence } from '../proposers/methods.js';

/** Shortest and longest simulated duration of one evaluation, in time units (drawn uniformly). */
export const DURATION = { min: 0.5, max: 1.5 } as const;

/** The seed of a bench seed's durations: evaluation i takes the i-th draw, whatever the number of workers. */
export function durationSeed(seed: number): number {
  return seedFromString(`bench:parallel durations ${seed}`);
}

/** One evaluation as the schedule ran it. */
export interface Trial {
  /** 0-based order of dispatch (the proposal's index, as in runBuiltin's seed). */
  index: number;
  worker: number;
  start: number;
  end: number;
  /** The policy keys' values as run (what history and `pending` hold). */
  config: Record<string, Scalar>;
  value: number | null;
  /** What the proposer was given: the indices of the completed trials (history) and of those in flight (pending), in order. */
  history: number[];
  pending: number[];
}

/** One bench seed's run of the schedule: `values` in completion order (a {@link Sequence}), and every trial. */
export interface ParallelRun extends Sequence {
  /** Trials in dispatch order. */
  trials: Trial[];
  /** Trial indices in completion order. */
  completed: number[];
  /** Simulated time at which the last evaluation completed. */
  makespan: number;
}

/** Runs `budget` evaluations of `objective` on `workers` slots (bench seed `seed`); `options` for experiments, as runBuiltin's. */
export async function simulateParallel(objective: Objective, seed: number, budget: number, workers: number, options: Partial<TpeOptions> = {}): Promise<ParallelRun> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer (got ${workers})`);
  const draw = createRng(durationSeed(seed));
  const trials: Trial[] = [];
  const inFlight: Trial[] = [];
  const history: Observation[] = [];
  const out: ParallelRun = { values: [], rejected: 0, trials, completed: [], makespan: 0 };
  let now = 0;
  const free = Array.from({ length: workers }, (_, w) => w);
  while (out.completed.length < budget) {
    // One proposal per free slot, each with every other config in flight as pending.
    while (free.length > 0 && trials.length < budget) {
      const index = trials.length;
      const pending = inFlight.map((t) => t.config);
      const [proposal] = proposeTpe(objective.policy, history, { ...options, seed: seed * 7_919 + index, direction: objective.direction, base: objective.base, pending });
      const r = await evaluate(objective, proposal?.overrides ?? {}, seed, index);
      if (r.rejected) out.rejected++;
      const duration = DURATION.min + (DURATION.max - DURATION.min) * draw();
      const t: Trial = {
        index,
        worker: free.shift() as number,
        start: now,
        end: now + duration,
        config: r.asRun,
        value: r.value,
        history: out.completed.slice(),
        pending: inFlight.map((p) => p.index),
      };
      trials.push(t);
      inFlight.push(t);
    }
    // The next completion (the earliest end; ties by dispatch order) frees its slot.
    const next = inFlight.reduce((a, b) => (b.end < a.end ? b : a));
    inFlight.splice(inFlight.indexOf(next), 1);
    now = next.end;
    free.push(next.worker);
    out.completed.push(next.index);
    out.values.push(next.value);
    history.push({ runId: String(next.index + 1).padStart(3, '0'), overrides: next.config, value: next.value });
  }
  out.makespan = now;
  return out;
}
