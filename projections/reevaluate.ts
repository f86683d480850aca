/**
 * Re-derives every recorded verdict from the log alone: the candidate's sample from its
 * RunFinished (pooled with the runs RunEvaluated names), the incumbent's from the last
 * IncumbentChanged (or LoopStarted, or RolledBack) before it, the settings RunEvaluated recorded, and the seed
 * from the run id. Each verdict must come out bit for bit as recorded. Pure.
 */
import type { AutopilotEvent, DataOf, IncumbentRef } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';
import { evaluateRun } from '../domain/judging/evaluate.js';
import { mean, sampleOf } from '../domain/judging/sample.js';
import { canonicalJson } from '../events/canonical.js';

/** One verdict that did not come out as recorded. */
export interface VerdictMismatch {
  seq: number;
  runId: string;
  recorded: DataOf<'RunEvaluated'>;
  recomputed: DataOf<'RunEvaluated'> | null;
  why: string;
}

/** What the re-evaluation found. */
export interface ReevaluationReport {
  /** Verdicts recomputed (those recorded with the bootstrap, or as a baseline). */
  checked: number;
  /** Verdicts recorded by an older method, which cannot be recomputed this way. */
  skipped: number;
  mismatches: VerdictMismatch[];
}

/** Recomputes every RunEvaluated of `events` (the whole log, in order). */
export function reevaluateVerdicts(events: Iterable<StoredEvent<AutopilotEvent>>): ReevaluationReport {
  const finished = new Map<string, DataOf<'RunFinished'>>();
  let incumbent: IncumbentRef | null = null;
  const report: ReevaluationReport = { checked: 0, skipped: 0, mismatches: [] };
  for (const stored of events) {
    const e = stored.event;
    if (e.type === 'LoopStarted') incumbent = e.data.incumbent;
    // A rollback puts an incumbent back without a new session when the one it was recorded in resumes.
    else if (e.type === 'IncumbentChanged' || e.type === 'RolledBack') incumbent = e.data.incumbent;
    else if (e.type === 'RunFinished') {
      finished.set(e.data.runId, e.data);
    } else if (e.type === 'RunEvaluated') {
      const d = e.data;
      const recomputable = d.method.startsWith('bootstrap-') || d.method === 'welch-t';
      if (!recomputable && d.verdict !== 'baseline') {
        report.skipped++;
        continue;
      }
      report.checked++;
      const runs = d.pooled ?? [d.runId];
      const missing = runs.filter((id) => !finished.has(id));
      if (missing.length > 0) {
        report.mismatches.push({ seq: stored.seq, runId: d.runId, recorded: d, recomputed: null, why: `no RunFinished for ${missing.join(', ')}` });
        continue;
      }
      const sample = runs.flatMap((id) => sampleOf(finished.get(id)!, d.metric));
      const freshMissing = (d.against ?? []).filter((id) => !finished.has(id));
      if (freshMissing.length > 0) {
        report.mismatches.push({ seq: stored.seq, runId: d.runId, recorded: d, recomputed: null, why: `no RunFinished for ${freshMissing.join(', ')}` });
        continue;
      }
      // A confirmation judged against fresh re-runs of the incumbent: their samples are its side.
      const freshSample = d.against?.flatMap((id) => sampleOf(finished.get(id)!, d.metric));
      const against = d.incumbent === null ? null : incumbent && freshSample ? { ...incumbent, sample: freshSample, n: freshSample.length, mean: mean(freshSample) } : incumbent;
      if (d.incumbent !== null && incumbent?.runId !== d.incumbent.runId) {
        report.mismatches.push({
          seq: stored.seq,
          runId: d.runId,
          recorded: d,
          recomputed: null,
          why: `judged against ${d.incumbent.runId}, but the incumbent then was ${incumbent?.runId ?? 'none'}`,
        });
        continue;
      }
      const recomputed = {
        runId: d.runId,
        ...(d.against ? { against: d.against } : {}),
        ...evaluateRun(
          { runId: d.runId, sample, ...(d.pooled ? { pooled: d.pooled } : {}) },
          against,
          { name: d.metric, direction: d.direction },
          {
            alpha: d.alpha ?? 0.05,
            sidedness: d.sidedness ?? 'two-sided',
            resamples: d.resamples ?? 10_000,
            interval: d.method === 'bootstrap-bca' ? 'bca' : d.method === 'welch-t' ? 'welch' : 'percentile',
          },
        ),
      };
      // Baselines record no settings; the comparison is of what both hold.
      const same = d.verdict === 'baseline' ? recomputed.verdict === 'baseline' && recomputed.candidate.n === d.candidate.n : canonicalJson(recomputed) === canonicalJson(d);
      if (!same) report.mismatches.push({ seq: stored.seq, runId: d.runId, recorded: d, recomputed, why: 'the recomputed verdict differs from the recorded one' });
    }
  }
  return report;
}
