/**
 * The kinds of the TPE's model steps and when each comes, and its jump steps: candidates that
 * keep a good run's values but redraw one to three keys from the prior, so the search can leave
 * the basin its good runs sit in one or two keys at a time (as a researcher tries another batch
 * size or activation on the best config), instead of only refining inside it. The kind of a step
 * follows from the history alone, so it is reproducible, and the rationale states it.
 */
import type { Coordinate } from './parzen.js';
import type { Point } from './points.js';
import type { Space } from './space.js';

/** How many keys a jump redraws: one, two or three, with these probabilities. */
const REDRAW_SHARES = [0.5, 0.3, 0.2] as const;
/** A redrawn numeric key lands at least this far (unit coordinate) from the anchor's value: out of its basin, not beside it. */
export const MIN_JUMP = 0.15;
/** Tries at a far enough draw before taking the farthest one drawn. */
const JUMP_TRIES = 16;

/** A jump candidate: the draw in the estimator's units, the good run it starts from, and the dimensions redrawn. */
export interface Jump {
  units: number[];
  anchor: Point;
  redrawn: number[];
}

/**
 * The kinds of model step: `broad` proposes as Optuna 3.1's multivariate TPE would (its wide
 * kernels and its scoring, tpe/parzen.ts), which follows the overall slope of a landscape rather
 * than its ripples and moves every key at once; `exploit` draws from l(x) with the narrow
 * nearest-run kernels, which refine around the good runs; `jump` starts from a good run with keys
 * redrawn from the prior, to leave a basin one or a few keys at a time.
 */
export const STEP_KINDS = ['broad', 'exploit', 'jump'] as const;
/** One kind of model step. */
export type StepKind = (typeof STEP_KINDS)[number];

/** When each kind of step comes (see {@link stepKind}). */
export interface Schedule {
  /** The first `broadSteps` model proposals are broad steps (0: none). */
  broadSteps: number;
  /** After `patience` model proposals in a row found no better run, the search is stalled until one does (0: never). */
  patience: number;
  /** While stalled, model proposal `step` is a jump when `step % jumpEvery === 0`, else broad (0: never a jump; 1: always). */
  jumpEvery: number;
  /** False: broad steps where exploit steps would come (while the search improves); absent: true. */
  exploit?: boolean;
}

/**
 * The kind of the model's `step`-th proposal (0-based), `stale` model proposals after the last
 * one that found the best run so far: broad while the model is young, then exploit while the
 * search keeps finding better runs; once it has stalled (a basin's floor is reached), jumps that
 * move a few keys alternate with broad steps that move all of them (every `jumpEvery`-th a jump):
 * jumps leave basins of landscapes whose keys act apart, broad steps those whose keys act
 * together. A pure function of the history, so a replay draws the same steps.
 */
export function stepKind(step: number, stale: number, schedule: Schedule): StepKind {
  if (step < schedule.broadSteps) return 'broad';
  if (schedule.patience === 0 || stale < schedule.patience) return schedule.exploit === false ? 'broad' : 'exploit';
  return schedule.jumpEvery > 0 && step % schedule.jumpEvery === 0 ? 'jump' : 'broad';
}

/**
 * Model proposals since the best scored point (points in the order they ran; a pool sits where
 * its first run did): 0 when the latest scored point is the best. Points before `startup` (the
 * random start) do not count as stale proposals.
 */
export function staleSteps(values: readonly number[], direction: 'maximize' | 'minimize', startup: number): number {
  const sign = direction === 'maximize' ? 1 : -1;
  let best = -1;
  values.forEach((v, i) => {
    if (best < 0 || sign * (v - (values[best] as number)) > 0) best = i;
  });
  return Math.max(0, values.length - 1 - Math.max(best, startup - 1));
}

/**
 * Stale model proposals counted in rounds of concurrent ones, as the patience counts them: with
 * `inFlight` runs in flight, a proposal is one of `inFlight + 1` made at once from nearly the same
 * model (each sees the others only as pending runs), so such a round learns about as much as one
 * sequential proposal, not `inFlight + 1` of them. `stale` finished runs since the best are then
 * floor(stale / (inFlight + 1)) rounds; with nothing in flight, `stale` itself. Without it, k
 * workers would stall (and leave for jumps and broad steps) after a k-th of the sequential
 * search's progress; bench:parallel (issue 18 b) measures the difference.
 */
export function staleRounds(stale: number, inFlight: number): number {
  return Math.floor(stale / (inFlight + 1));
}

/**
 * The plan of one jump step: which good run it starts from (uniformly among `good`) and
 * which 1–3 keys it redraws (uniformly among the keys). The plan is drawn once per step, so the
 * acquisition chooses where those keys go, not which keys move: scored by l(x) / g(x), a jump in
 * a categorical key would otherwise always beat one in a numeric key (it keeps every value l knows).
 */
export function planJump(space: Space, good: readonly Point[], rng: () => number): { anchor: Point; redrawn: number[] } {
  const anchor = good[Math.min(good.length - 1, Math.floor(rng() * good.length))] as Point;
  const dims = space.modelled.length;
  let r = rng();
  let k = 1;
  for (const share of REDRAW_SHARES) {
    if (r < share) break;
    r -= share;
    k++;
  }
  const order = Array.from({ length: dims }, (_, d) => d);
  // A partial Fisher-Yates shuffle picks k distinct dimensions.
  for (let i = 0; i < Math.min(k, dims); i++) {
    const j = i + Math.floor(rng() * (dims - i));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return { anchor, redrawn: order.slice(0, Math.min(k, dims)).sort((a, b) => a - b) };
}

/** One candidate of a planned jump: the anchor's coordinates with the planned keys redrawn far from it. */
export function drawJump(space: Space, plan: { anchor: Point; redrawn: number[] }, rng: () => number): Jump {
  const units = space.modelled.map((dim, d) => unitOf(plan.anchor.coords[d] ?? null, dim.kind === 'categorical' ? choicesOf(space, d) : 0, rng));
  for (const d of plan.redrawn) units[d] = redraw(space, d, units[d] as number, rng);
  return { units, anchor: plan.anchor, redrawn: plan.redrawn };
}

function choicesOf(space: Space, d: number): number {
  const dim = space.modelled[d];
  return dim?.kind === 'categorical' ? dim.choices.length : 0;
}

/** The anchor's place in one dimension (a unit coordinate or a choice index); a fresh prior draw where it is unknown. */
function unitOf(at: Coordinate, choices: number, rng: () => number): number {
  if (at === null) return choices > 0 ? Math.floor(rng() * choices) : rng();
  if ('u' in at) return at.u;
  if ('cell' in at) return at.cell.centre;
  return at.index;
}

/**
 * A uniform draw of dimension `d` at least {@link MIN_JUMP} from `current` (another choice for a
 * categorical key): the prior conditioned on leaving the anchor's neighbourhood, where the model's
 * own kernels already search.
 */
function redraw(space: Space, d: number, current: number, rng: () => number): number {
  const dim = space.modelled[d];
  if (dim === undefined) return current;
  if (dim.kind === 'categorical') {
    const n = dim.choices.length;
    return n < 2 ? current : (current + 1 + Math.floor(rng() * (n - 1))) % n;
  }
  const at = (u: number) => dim.toUnit(dim.snap(u)) ?? u;
  let farthest = rng();
  for (let i = 1; i < JUMP_TRIES && Math.abs(at(farthest) - current) < MIN_JUMP; i++) {
    const u = rng();
    if (Math.abs(at(u) - current) > Math.abs(at(farthest) - current)) farthest = u;
  }
  return farthest;
}
