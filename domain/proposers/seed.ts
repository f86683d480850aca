/** The seed of one built-in or random proposal, derived from the session's root seed and where the draw happens. */
import { seedFromString } from '../rng.js';

/**
 * The seed of the proposal for attempt `attempt` of run `runId` in `session`: derived from the
 * session's root seed, so two workspaces with different roots propose differently and a replay
 * of the log proposes the same again. A session of an early log (no root recorded) keeps the
 * derivation it was proposed with: from the session id alone.
 */
export function proposalSeed(root: number | undefined, session: string, runId: string, attempt: number): number {
  return seedFromString(root === undefined ? `${session}/${runId}/${attempt}` : `${root}/${session}/${runId}/${attempt}`);
}
