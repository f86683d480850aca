/** The evaluate actor: judges the run's sample against the incumbent's, as the replication under way says (see domain/judging/judge.ts). */
import { fromCallback, type EventObject } from 'xstate';
import { sampleOf } from '../../domain/judging/evaluate.js';
import { judgeRun } from '../../domain/judging/judge.js';
import type { EvaluateInput } from '../../machines/loop.machine.js';
import { makeEvent, type ActorDeps } from './deps.js';
import { reporter } from '../recorder.js';

/** Creates the `evaluate` actor. */
export function evaluateActor(deps: ActorDeps) {
  return fromCallback<EventObject, EvaluateInput>(({ input, self }) => {
    const record = reporter(deps.recorder, self);
    const { run, replication } = input;
    if (!run.finished) throw new Error(`run ${run.runId} has no result to evaluate`);
    const own = sampleOf(run.finished, input.metric.name);
    const verdict = judgeRun(run, own, replication, input.incumbent, input.metric, deps.settings.statistics, input.runsRequested);
    record(makeEvent('RunEvaluated', { runId: run.runId, ...verdict }, input.session, deps.now()));
  });
}
