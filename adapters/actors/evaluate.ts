/** The evaluate actor: compares the run's sample with the incumbent's. */
import { fromCallback, type EventObject } from 'xstate';
import { evaluateRun, sampleOf } from '../../domain/evaluate.js';
import type { EvaluateInput } from '../../machines/loop.machine.js';
import { makeEvent, type LoopDeps } from './deps.js';

/** Creates the `evaluate` actor. */
export function evaluateActor(deps: LoopDeps) {
  return fromCallback<EventObject, EvaluateInput>(({ input, sendBack }) => {
    const finished = input.run.finished;
    if (!finished) throw new Error(`run ${input.run.runId} has no result to evaluate`);
    const verdict = evaluateRun({ runId: input.run.runId, sample: sampleOf(finished, input.metric.name) }, input.incumbent, input.metric);
    sendBack(makeEvent('RunEvaluated', { runId: input.run.runId, ...verdict }, input.session, deps.now()));
  });
}
