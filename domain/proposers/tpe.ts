/**
 * The built-in model-based proposer: a multivariate Tree-structured Parzen
 * Estimator (TPE) in the manner of Optuna's, warm-started from every run in
 * the log. Pure and deterministic given its inputs and seed.
 *
 * Each policy key is searched in the scale random search samples it in (log
 * for decades, -log(1 - x) for discount factors, the exponent for powers of
 * two, integer cells, choices). Scored runs are split into a good group (the
 * best gamma(n)) and a bad group (the rest, failed runs and pending runs);
 * a Parzen estimator l(x) is fitted to the good group and g(x) to the bad
 * one; candidates are drawn from l and the one with the largest l(x) / g(x)
 * is proposed. Until enough runs have a score, it samples at random.
 *
 * Unlike Optuna's, each run's kernel is as wide as the distance to its nearest
 * other run (tpe/bandwidth.ts), so the search narrows around good runs as runs
 * gather there instead of keeping Scott's broad width; bench:proposers measures
 * the difference.
 *
 * The exploration floor lives in the model and the acquisition, not beside
 * them: g's kernels are never narrower than l's narrowest allowed kernel, a
 * discrete key's kernel spans at least half its value's cell, and each round
 * adds {@link TPE_DEFAULTS}.priorCandidates draws from the prior to the
 * candidates, scored by the same l(x) / g(x). Where every run shares a value,
 * l and g then have the same shape there and differ only in weight, so
 * l(x) / g(x) is largest away from the runs (the prior's share of l over its
 * share of g), and a prior candidate wins. Stated floor, tested in
 * test/domain/proposers/tpe-floor.unit.test.ts: after 50 runs that share one
 * value v of every key (continuous keys within 0.1% of their range), each key
 * is proposed away from v (continuous: farther than 5% of its range in its
 * search scale) with probability at least (1 - p(v)) / 2, p(v) the uniform
 * prior mass of v: 1/2 for a boolean (floor 0.25), 1/K for an enum, integer
 * or power-of-two key of K values (0.33 for K = 3, 0.44 for K = 8), 0.1 for a
 * continuous key, uniform, log or logit (0.45). Measured there: 0.5 to 0.95.
 * It is a property of the model on that history, not a bound for every
 * history: where good runs really cluster, the acquisition still prefers them.
 */
import type { Config, Scalar } from '../config/config.js';
import { compareKeys } from '../config/diff.js';
import { checkValue } from '../policy/key-spec.js';
import type { Policy } from '../policy/policy.js';
import type { Proposal } from '../policy/proposal.js';
import { createRng } from '../rng.js';
import { validateOverrides } from '../policy/validate.js';
import { sample } from './random.js';
import { describeChanges, describeStep, formatScore, shortNames } from './tpe/explain.js';
import { fitModel } from './tpe/model.js';
import { logDensity, sampleParzen } from './tpe/parzen.js';
import { drawJump, planJump, staleRounds, staleSteps, stepKind, type Schedule } from './tpe/explore.js';
import { coordinates, pointName, pooledPoints, toPoint, type Observation, type Point } from './tpe/points.js';
import { buildSpace, type Space } from './tpe/space.js';

export type { Observation } from './tpe/points.js';

/** A TPE proposal: the three fields of {@link Proposal}, with flat, checked overrides. */
export type TpeProposal = Proposal & { overrides: Record<string, Scalar> };

/** Options of {@link proposeTpe}. */
export interface TpeOptions {
  /** Seed of every random draw; record it with the proposal (same inputs and seed, same proposals). */
  seed: number;
  /** Whether a larger score is better. */
  direction: 'maximize' | 'minimize';
  /** How many proposals to make, for parallel runs (default 1). */
  batch?: number;
  /** Configs of runs started but not finished: counted as bad observations (constant liar), each weighing `pendingWeight` in g. */
  pending?: ReadonlyArray<Record<string, Scalar>>;
  /**
   * Weight of each pending run's kernel in g(x), relative to a finished run's (default
   * {@link TPE_DEFAULTS}.pendingWeight): 1 is the plain constant liar, 0 leaves pending runs out
   * of g (they still shape the kernel widths, the startup count and the patience).
   */
  pendingWeight?: number;
  /** Scored runs needed before the model is used; fewer give seeded random samples (default {@link TPE_DEFAULTS}.startupTrials). */
  startupTrials?: number;
  /** Size of the good group for n observations (default {@link defaultGamma}); clamped to [1, scored runs]. */
  gamma?: (n: number) => number;
  /** Candidates drawn from l(x) per proposal (default {@link TPE_DEFAULTS}.candidates). */
  candidates?: number;
  /** Further candidates drawn from the prior per proposal, scored alike (default {@link TPE_DEFAULTS}.priorCandidates). */
  priorCandidates?: number;
  /** Model proposals made as Optuna 3.1's TPE would before the narrow kernels take over (default {@link TPE_DEFAULTS}.broadSteps; 0: none). */
  broadSteps?: number;
  /**
   * Model proposals in a row that found no better run, after which the search counts as stalled
   * until one does: its proposals are jumps (a good run with keys redrawn from the prior,
   * tpe/explore.ts) and broad steps (default {@link TPE_DEFAULTS}.patience; 0: never stalled).
   * With runs in flight it counts rounds of concurrent proposals (tpe/explore.ts staleRounds).
   */
  patience?: number;
  /** While stalled, every `jumpEvery`-th model proposal is a jump and the others broad (default {@link TPE_DEFAULTS}.jumpEvery; 0: no jumps). */
  jumpEvery?: number;
  /** False: broad steps instead of exploit steps while the search improves (default {@link TPE_DEFAULTS}.exploit). */
  exploit?: boolean;
  /**
   * The base config the overrides will be merged into. When given, every
   * proposal passes `validateOverrides(overrides, base, policy)`, derived rules
   * included; without it, every value satisfies its key's spec, but a derived
   * rule may still reject the merged config.
   */
  base?: Config;
}

/**
 * Defaults of {@link TpeOptions}: Optuna's 24 candidates; a short random start, since RL runs are
 * expensive; 6 prior candidates beside them (chosen on bench seeds 300–499, see README "Benchmarks");
 * 5 broad steps, a patience of 5 and a jump every 3rd stalled step (chosen on the tuning objectives
 * griewank, salomon, styblinski-tang, drop-wave and alpine, seeds 100–159, and the core suite's
 * seeds 300–339; never on the reported ones). A pending run weighs 0.3 of a finished one in g (chosen on
 * bench:parallel's seeds 0–119 with the patience counted in rounds, where 0.3–0.5 tie and 0.1 and 1 are
 * worse; checked on seeds 120–239; README "bench:parallel"): a full-weight liar pushes the next
 * proposals away from the best region while it is still being refined, a lighter one lets them pile up.
 */
export const TPE_DEFAULTS = { startupTrials: 5, candidates: 24, priorCandidates: 6, broadSteps: 5, patience: 5, jumpEvery: 3, exploit: true, pendingWeight: 0.3 } as const;

/** Rounds of `candidates` draws tried before giving up on finding a config the validator accepts. */
const MAX_ROUNDS = 20;

/** Optuna's default good-group size: the best 10% of n observations, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * Proposes `options.batch` configs (default 1) for the next runs.
 *
 * - Fewer than `startupTrials` scored runs: seeded random samples of every key
 *   (as random search draws them), rationale `explore: …`.
 * - Otherwise multivariate TPE: the best `gamma(n)` scored runs form the good
 *   group (n counts every finished observation, failed included), the rest
 *   the bad group, where each pending run weighs `pendingWeight` of a finished
 *   one; of `candidates` draws from l(x) and `priorCandidates` draws
 *   from the prior, the one with the largest log l - log g is proposed. Each
 *   model proposal is one of three steps (tpe/explore.ts): the first
 *   `broadSteps` are broad (Optuna 3.1's estimator and scoring; rationale
 *   `explore: wide kernel around <run> …`); then exploit steps, where each run's
 *   kernel is as wide as its distance to the nearest other run, never narrower
 *   than the good group's floor (`exploit: near <run> …`); and once `patience` model
 *   proposals in a row found no better run, until one does, every
 *   `jumpEvery`-th proposal is a jump, which keeps a good run's values and
 *   redraws one to three keys from the prior (`explore: from <run>, redraws
 *   …`), and the others are broad steps. A winning prior draw reads
 *   `explore: broad draw from the prior …`.
 * - A batch uses a constant liar: each proposal joins the bad group as a
 *   pending run before the next is drawn, so a batch spreads out. Runs in
 *   flight count as model proposals made (for the first `broadSteps`), and the
 *   patience counts rounds of concurrent proposals: with r runs in flight, s
 *   finished runs since the best are floor(s / (r + 1)) stale proposals
 *   (tpe/explore.ts staleRounds), so k workers stall after as many rounds as one
 *   worker stalls after proposals; with nothing in flight nothing changes.
 *
 * Keys that `product` or `equal` rules derive are left out (the rules set them).
 * Values are rounded to 6 significant digits and kept in range, so each key's
 * spec accepts them; with `options.base` the validator accepts the whole
 * proposal. Throws a RangeError when `batch` or `candidates` is not a positive
 * integer, or `startupTrials` not a non-negative one.
 */
export function proposeTpe(policy: Policy, history: readonly Observation[], options: TpeOptions): TpeProposal[] {
  const batch = options.batch ?? 1;
  const candidates = options.candidates ?? TPE_DEFAULTS.candidates;
  const startupTrials = options.startupTrials ?? TPE_DEFAULTS.startupTrials;
  const priorCandidates = options.priorCandidates ?? TPE_DEFAULTS.priorCandidates;
  const broadSteps = options.broadSteps ?? TPE_DEFAULTS.broadSteps;
  const patience = options.patience ?? TPE_DEFAULTS.patience;
  const jumpEvery = options.jumpEvery ?? TPE_DEFAULTS.jumpEvery;
  const pendingWeight = options.pendingWeight ?? TPE_DEFAULTS.pendingWeight;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer (got ${batch})`);
  if (!Number.isInteger(candidates) || candidates < 1) throw new RangeError(`candidates must be a positive integer (got ${candidates})`);
  if (!Number.isInteger(startupTrials) || startupTrials < 0) throw new RangeError(`startupTrials must be a non-negative integer (got ${startupTrials})`);
  if (!Number.isInteger(priorCandidates) || priorCandidates < 0) throw new RangeError(`priorCandidates must be a non-negative integer (got ${priorCandidates})`);
  if (!Number.isInteger(broadSteps) || broadSteps < 0) throw new RangeError(`broadSteps must be a non-negative integer (got ${broadSteps})`);
  if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`patience must be a non-negative integer (got ${patience})`);
  if (!Number.isInteger(jumpEvery) || jumpEvery < 0) throw new RangeError(`jumpEvery must be a non-negative integer (got ${jumpEvery})`);
  if (!Number.isFinite(pendingWeight) || pendingWeight < 0) throw new RangeError(`pendingWeight must be a finite non-negative number (got ${pendingWeight})`);

  const space = buildSpace(policy);
  const ctx: Context = {
    policy,
    space,
    options,
    candidates,
    priorCandidates,
    schedule: { broadSteps, patience, jumpEvery, exploit: options.exploit ?? TPE_DEFAULTS.exploit },
    startupTrials,
    pendingWeight,
    gamma: options.gamma ?? defaultGamma,
    rng: createRng(options.seed),
    names: shortNames(space.modelled.map((d) => d.key)),
    accepts: acceptor(policy, options.base),
  };
  const points = pooledPoints(space, history);
  (options.pending ?? []).forEach((overrides, i) => points.push(toPoint(space, `pending ${i + 1}`, overrides, null, 'pending')));

  const proposals: TpeProposal[] = [];
  for (let j = 0; j < batch; j++) {
    const proposal = proposeOne(ctx, points, j, batch);
    proposals.push(proposal);
    // Constant liar: the pick counts as a bad run until its result is known.
    points.push(toPoint(space, `batch pick ${j + 1}`, proposal.overrides, null, 'pending'));
  }
  return proposals;
}

interface Context {
  policy: Policy;
  space: Space;
  options: TpeOptions;
  candidates: number;
  priorCandidates: number;
  schedule: Schedule;
  startupTrials: number;
  pendingWeight: number;
  gamma: (n: number) => number;
  rng: () => number;
  names: Map<string, string>;
  accepts: (overrides: Record<string, Scalar>) => boolean;
}

function proposeOne(ctx: Context, points: readonly Point[], j: number, batch: number): TpeProposal {
  const scored = points.filter((p) => p.status === 'scored');
  const inFlight = points.filter((p) => p.status === 'pending').length;
  const where = batch > 1 ? `, pick ${j + 1} of ${batch}` : '';
  // Runs in flight count towards the startup trials: they are random draws already, and k of them at once must not stretch the random start by k - 1.
  if (scored.length === 0 || scored.length + inFlight < ctx.startupTrials) {
    const overrides = drawValid(ctx, () => randomOverrides(ctx));
    if (overrides === null) return fallback(ctx, points, where);
    const failed = points.filter((p) => p.status === 'failed').length;
    const runs = `${scored.length} scored run${scored.length === 1 ? '' : 's'}${failed > 0 ? ` (${failed} failed)` : ''}`;
    return {
      overrides,
      rationale: `explore: ${runs}${inFlight > 0 ? ` and ${inFlight} in flight` : ''} ${scored.length + inFlight < ctx.startupTrials ? `< ${ctx.startupTrials} startup trials` : '(no score to model yet)'}, seeded random sample (TPE seed ${ctx.options.seed}${where}).`,
      hypothesis: `A random configuration spreads the first runs over the policy's ranges so the TPE model has runs to fit; a reference point, not an expected improvement.`,
    };
  }

  // The model's proposals so far (pooled replicates count once; those in flight too, so k at once do not stretch the broad start) and its progress set the kind of step.
  const step = Math.max(0, scored.length + inFlight - ctx.startupTrials);
  // Finished runs since the best; the patience counts them in rounds of concurrent proposals (staleRounds).
  const stale = staleSteps(
    scored.map((p) => p.value as number),
    ctx.options.direction,
    ctx.startupTrials,
  );
  const kind = stepKind(step, staleRounds(stale, inFlight), ctx.schedule);
  const { ranked, nGood, good, l, g } = fitModel(ctx.space, points, ctx.options.direction, ctx.gamma, kind === 'broad' ? 'broad' : 'nearest', ctx.pendingWeight);
  const plan = kind === 'jump' ? planJump(ctx.space, good, ctx.rng) : null;
  let best: { overrides: Record<string, Scalar>; score: number; anchor: number | null; width: number; redrawn: number[] | null } | null = null;
  let drawn = 0;
  let fromPrior = 0;
  for (let round = 0; round < MAX_ROUNDS && best === null; round++) {
    for (let c = 0; c < ctx.candidates + ctx.priorCandidates; c++) {
      drawn++;
      const prior = c >= ctx.candidates;
      if (prior) fromPrior++;
      const jump = plan !== null && !prior ? drawJump(ctx.space, plan, ctx.rng) : null;
      const draw = jump === null ? sampleParzen(l, ctx.rng, prior) : null;
      const overrides = toOverrides(ctx.space, jump?.units ?? draw?.units ?? []);
      if (!ctx.accepts(overrides)) continue;
      // Scored where the proposal really is: after rounding and snapping to valid values.
      const at = coordinates(ctx.space, overrides);
      const score = logDensity(l, at) - logDensity(g, at);
      if (best !== null && score <= best.score) continue;
      if (jump !== null) best = { overrides, score, anchor: points.indexOf(jump.anchor), width: 1, redrawn: jump.redrawn };
      else {
        const chosen = l.components[draw?.component ?? -1];
        best = { overrides, score, anchor: chosen?.anchor ?? null, width: chosen?.width ?? 1, redrawn: null };
      }
    }
  }
  if (best === null) return fallback(ctx, points, where);

  const best0 = ranked[0] as Point;
  const cutoff = ranked[nGood - 1] as Point;
  const failed = points.filter((p) => p.status === 'failed').length;
  const pending = points.filter((p) => p.status === 'pending').length;
  const ratio = formatScore(Math.exp(best.score));
  const groups =
    `good group = best ${nGood} of ${scored.length} scored runs` +
    (failed + pending > 0
      ? `; ${[failed > 0 ? `${failed} failed` : '', pending > 0 ? `${pending} pending` : ''].filter(Boolean).join(' and ')} counted as bad${pending > 0 && ctx.pendingWeight !== 1 ? ` (pending at weight ${ctx.pendingWeight})` : ''}`
      : '');
  const plain = ctx.schedule.broadSteps === 0 && ctx.schedule.patience === 0;
  const schedule = plain ? '' : `; ${describeStep(kind, step, stale, ctx.schedule, inFlight)}`;
  const model = `TPE seed ${ctx.options.seed}${where}: ${groups}${schedule}; highest l/g (${ratio}) of ${drawn} candidates${fromPrior > 0 ? ` (${fromPrior} from the prior)` : ''}`;
  const anchor = best.anchor === null ? null : (points[best.anchor] ?? null);
  if (anchor !== null && best.redrawn !== null) {
    const rank = ranked.indexOf(anchor) + 1;
    const keys = best.redrawn.map((d) => ctx.names.get(ctx.space.modelled[d]?.key ?? '') ?? '').join(', ');
    const changes = describeChanges(ctx.space.modelled, anchor.overrides, best.overrides, ctx.names);
    return {
      overrides: best.overrides,
      rationale: `explore: from ${pointName(anchor)} (#${rank} of ${scored.length}, ${formatScore(anchor.value as number)}), redraws ${keys} from the prior, keeps the rest: ${changes}. ${model}.`,
      hypothesis:
        `${pointName(anchor)}'s config with ${keys} moved to another region tests whether a better basin lies there (l/g = ${ratio}); ` +
        `it may beat the best ${formatScore(best0.value as number)} (${pointName(best0)}), or show that ${keys} ${best.redrawn.length === 1 ? 'is' : 'are'} best left where ${anchor.runId} has ${best.redrawn.length === 1 ? 'it' : 'them'}.`,
    };
  }
  if (anchor !== null) {
    const rank = ranked.indexOf(anchor) + 1;
    const changes = describeChanges(ctx.space.modelled, anchor.overrides, best.overrides, ctx.names);
    return {
      overrides: best.overrides,
      rationale:
        `${kind === 'broad' ? 'explore: wide kernel around' : 'exploit: near'} ${pointName(anchor)} (#${rank} of ${scored.length}, ${formatScore(anchor.value as number)}; kernel width ${Number((100 * best.width).toPrecision(2))}% of each range): ` +
        `${changes}. ${model}.`,
      hypothesis:
        `A step from ${anchor.runId} (${formatScore(anchor.value as number)}) inside the region of the good runs (l/g = ${ratio}) ` +
        (nGood === 1
          ? `should score close to ${best0.runId}'s ${formatScore(best0.value as number)}, and may beat it.`
          : `should score at least the good group's cutoff ${formatScore(cutoff.value as number)}, and may beat the best ${formatScore(best0.value as number)} (${best0.runId}).`),
    };
  }
  const changes = describeChanges(ctx.space.modelled, best0.overrides, best.overrides, ctx.names);
  return {
    overrides: best.overrides,
    rationale: `explore: broad draw from the prior, not near one good run; vs best ${best0.runId} (${formatScore(best0.value as number)}): ${changes}. ${model}.`,
    hypothesis:
      `Tests a region the good runs do not cover yet (l/g = ${ratio}): it may beat the best ${formatScore(best0.value as number)} (${best0.runId}), ` +
      `or show the region scores below the good group's cutoff ${formatScore(cutoff.value as number)}.`,
  };
}

/** The proposal of a draw from l(x): every modelled and constant key, in sorted key order. */
function toOverrides(space: Space, units: readonly number[]): Record<string, Scalar> {
  const values = new Map<string, Scalar>();
  space.modelled.forEach((dim, d) => {
    const u = units[d] ?? 0.5;
    values.set(dim.key, dim.kind === 'numeric' ? dim.snap(u) : (dim.choices[u] ?? (dim.choices[0] as Scalar)));
  });
  for (const c of space.constants) values.set(c.key, c.value);
  return sortedRecord(values);
}

/** A random-search draw of the same keys. */
function randomOverrides(ctx: Context): Record<string, Scalar> {
  const values = new Map<string, Scalar>();
  for (const dim of [...ctx.space.modelled, ...ctx.space.constants]) {
    const spec = ctx.policy.keys[dim.key];
    if (spec !== undefined) values.set(dim.key, sample(spec, ctx.rng));
  }
  return sortedRecord(values);
}

/** Up to MAX_ROUNDS x candidates draws until the validator accepts one; null when none is accepted. */
function drawValid(ctx: Context, draw: () => Record<string, Scalar>): Record<string, Scalar> | null {
  for (let i = 0; i < MAX_ROUNDS * ctx.candidates; i++) {
    const overrides = draw();
    if (ctx.accepts(overrides)) return overrides;
  }
  return null;
}

/**
 * No draw passed the validator (the derived rules leave little room): repeat
 * the best scored run's values that still pass, or else propose no change.
 */
function fallback(ctx: Context, points: readonly Point[], where: string): TpeProposal {
  const keys = new Set([...ctx.space.modelled, ...ctx.space.constants].map((d) => d.key));
  const sign = ctx.options.direction === 'maximize' ? -1 : 1;
  const scored = points.filter((p) => p.status === 'scored').sort((a, b) => sign * ((a.value as number) - (b.value as number)));
  for (const p of scored) {
    const overrides = sortedRecord(new Map(Object.entries(p.overrides).filter(([k]) => keys.has(k))));
    if (ctx.accepts(overrides)) {
      return {
        overrides,
        rationale: `fallback: no draw passed validation in ${MAX_ROUNDS * ctx.candidates} tries (TPE seed ${ctx.options.seed}${where}); repeating the values of ${p.runId} (${formatScore(p.value as number)}), the best run whose config still passes.`,
        hypothesis: `Repeating ${p.runId} measures its noise; the policy's rules leave the model little room to move.`,
      };
    }
  }
  return {
    overrides: {},
    rationale: `fallback: no draw passed validation in ${MAX_ROUNDS * ctx.candidates} tries (TPE seed ${ctx.options.seed}${where}) and no earlier run's values pass; proposing the base config unchanged.`,
    hypothesis: 'The base config runs again; the policy or its rules may need widening for the optimizer to move.',
  };
}

/** Checks a proposal as the loop will: every key against its spec, and with a base config, the whole validate step. */
function acceptor(policy: Policy, base: Config | undefined): (overrides: Record<string, Scalar>) => boolean {
  if (base !== undefined) return (overrides) => validateOverrides(overrides, base, policy).ok;
  return (overrides) =>
    Object.entries(overrides).every(([key, value]) => {
      const spec = policy.keys[key];
      return spec !== undefined && checkValue(key, value, spec).ok;
    });
}

function sortedRecord(values: Map<string, Scalar>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const key of [...values.keys()].sort(compareKeys)) out[key] = values.get(key) as Scalar;
  return out;
}
