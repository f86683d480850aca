/**
 * `evaluation.confirm_promotion`: when a promotion waits on a held-out evaluation of the candidate's
 * checkpoint against the incumbent's, what counts as confirmed, and the journal entry of a promotion
 * that was not. Pure.
 */
import type { DataOf, IncumbentRef } from '../../events/catalogue.js';
import { pairedVerdictText } from './verdict-text.js';

/** How a promotion's confirmation ended: confirmed, or why not (a sentence). */
export type Confirmation = { confirmed: true; evaluationId: string } | { confirmed: false; why: string };

/**
 * Whether promoting `promote` over `incumbent` needs a confirmation: only a change of incumbent does
 * (the baseline has nothing to beat; a re-run of the incumbent only grows its sample).
 */
export function needsConfirmation(enabled: boolean, promote: IncumbentRef, incumbent: IncumbentRef | null): boolean {
  return enabled && incumbent !== null && promote.runId !== incumbent.runId;
}

/** The confirmation a finished promotion evaluation gives: confirmed only when the paired interval says the candidate (first target) is better. */
export function confirmationOf(planned: DataOf<'EvaluationPlanned'>, finished: DataOf<'EvaluationFinished'>): Confirmation {
  const [candidate, incumbent] = planned.targets;
  const paired = finished.paired;
  if (!paired || !candidate || !incumbent) return { confirmed: false, why: `evaluation ${planned.evaluationId} compared no two checkpoints` };
  if (paired.verdict === 'improved') return { confirmed: true, evaluationId: planned.evaluationId };
  const text = pairedVerdictText(paired, `${candidate.runId} (${candidate.checkpoint})`, `${incumbent.runId} (${incumbent.checkpoint})`, planned.metric);
  return { confirmed: false, why: `evaluation ${planned.evaluationId} on held-out seeds: ${text}` };
}

/**
 * The journal entry of a run whose promotion of `promote` was not confirmed: its outcome without the
 * promotion, saying why, and that `incumbent` stays.
 */
export function unconfirmedEntry<E extends { outcome: string }>(entry: E, runId: string, promote: IncumbentRef, incumbent: IncumbentRef, why: string): E {
  const promoted = promote.runId === runId ? ' -> incumbent' : ` -> incumbent ${promote.runId}`;
  const base = entry.outcome.endsWith(promoted) ? entry.outcome.slice(0, -promoted.length) : entry.outcome;
  return { ...entry, outcome: `${base}; promotion of ${promote.runId} not confirmed: ${why}; incumbent stays ${incumbent.runId}` };
}
