/** The propose actor: plans the run if needed, asks the proposer, and reports what it answered. */
import { fromCallback, type EventObject } from 'xstate';
import { runIdOf } from '../../domain/numbers.js';
import { proposeRandom } from '../../domain/proposers/random.js';
import { toRecordable } from '../../domain/recordable.js';
import { seedFromString } from '../../domain/rng.js';
import type { ProposeInput } from '../../machines/loop.machine.js';
import { makeEvent, type LoopDeps } from './deps.js';

/** Creates the `propose` actor. */
export function proposeActor(deps: LoopDeps) {
  return fromCallback<EventObject, ProposeInput>(({ input, sendBack }) => {
    const stamp = () => deps.now();
    let run = input.run;
    let runId: string;
    if (!run) {
      runId = runIdOf(input.nextRunIndex);
      sendBack(makeEvent('RunPlanned', { runId, index: input.nextRunIndex, kind: 'proposal', mode: input.mode }, input.session, stamp()));
    } else runId = run.runId;
    // A proposer restarted after a crash answers the attempt that was asked, rather than asking anew.
    const attempt = run?.awaitingProposal ? run.proposalAttempt : (run?.proposalAttempt ?? 0) + 1;
    if (!run?.awaitingProposal)
      sendBack(
        makeEvent('ProposalRequested', { runId, attempt, proposer: input.proposer, previousErrors: run?.errors ?? [] }, input.session, stamp()),
      );
    try {
      // The seed is derived from where the draw happens, so a replay of the log gives the same proposal.
      const seed = seedFromString(`${input.session}/${runId}/${attempt}`);
      const proposal = proposeRandom(deps.policy, seed);
      sendBack(
        makeEvent(
          'ProposalReceived',
          { runId, attempt, proposer: input.proposer, seed, overrides: toRecordable(proposal.overrides), rationale: proposal.rationale, hypothesis: proposal.hypothesis },
          input.session,
          stamp(),
        ),
      );
    } catch (err) {
      sendBack(makeEvent('ProposalFailed', { runId, attempt, proposer: input.proposer, message: (err as Error).message }, input.session, stamp()));
    }
  });
}
