/**
 * One simulated tuning session, decided by the product's own pure decision functions
 * (bench/decisions/engine.ts), on a synthetic trainer: each config has a true mean, and a run of
 * it yields `n` per-episode values drawn from N(mean, sd²) with a seeded generator.
 */
import { createRng } from '../../domain/rng.js';
import type { StatisticsSettings } from '../../domain/judging/error-control.js';
import { DecidedSession } from './engine.js';

/** A session to simulate: the true mean of the baseline (config 0) and of each proposal in order. */
export interface SessionSpec {
  runs: number;
  /** True means of the configs the proposer offers, in the order it offers them (config 0 is the baseline). */
  means: number[];
  sd: number;
  n: number;
  seed: number;
  stats: StatisticsSettings;
}

/** What a session ended with. */
export interface SessionOutcome {
  /** The incumbent's config at the end (0: the baseline). */
  config: number;
  /** The run (1-based) at which that config became the incumbent. */
  promotedAt: number;
}

function normals(rng: () => number, n: number, mean: number, sd: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u1 = 1 - rng();
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(mean + sd * r * Math.cos(2 * Math.PI * u2));
    if (out.length < n) out.push(mean + sd * r * Math.sin(2 * Math.PI * u2));
  }
  return out;
}

/** Runs one session of `spec.runs` runs and returns its final incumbent. */
export function simulateSession(spec: SessionSpec): SessionOutcome {
  const rng = createRng(spec.seed);
  const session = new DecidedSession(spec.runs, spec.stats);
  let proposals = 0;
  for (let index = 1; index <= spec.runs; index++) {
    const next = session.next();
    let override = next.override;
    if (override === null) {
      proposals++;
      override = { config: proposals % spec.means.length === 0 ? 1 : proposals % spec.means.length };
    } else if (next.kind === 'baseline') override = { config: 0 };
    session.record({ ...next, override }, normals(rng, spec.n, spec.means[Number(override.config)]!, spec.sd));
  }
  return { config: session.incumbent ? Number(session.incumbent.override.config ?? 0) : 0, promotedAt: session.promotedAt };
}
