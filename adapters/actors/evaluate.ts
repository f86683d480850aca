/** The evaluate actor: judges the run's sample (pooled with its parent's if it is a replicate) against the incumbent's. */
import { fromCallback, type EventObject } from 'xstate';
import { evaluateRun, sampleOf } from '../../domain/evaluate.js';
import { pooledSample } from '../../domain/replication.js';
import type { EvaluateInput } from '../../machines/loop.machine.js';
import { makeEvent, type LoopDeps } from './deps.js';

/** Creates the `evaluate` actor. */
export function evaluateActor(deps: LoopDeps) {
  return fromCallback<EventObject, EvaluateInput>(({ input, sendBack }) => {
    const { run, replication } = input;
    if (!run.finished) throw new Error(`run ${run.runId} has no result to evaluate`);
    const own = sampleOf(run.finished, input.metric.name);
    const replicate = run.kind === 'replicate' && replication !== null;
    const sample = pooledSample(run, own, replication);
    // A replicate of the baseline adds to the incumbent's own sample: there is nothing to compare it with.
    const against = replicate && replication.reason === 'baseline' ? null : input.incumbent;
    const s = deps.settings.statistics;
    const verdict = evaluateRun(
      { runId: run.runId, sample, ...(replicate ? { pooled: [...replication.runs, run.runId] } : {}) },
      against,
      input.metric,
      { alpha: s.alpha, sidedness: s.sidedness, resamples: s.resamples, interval: s.interval },
    );
    sendBack(makeEvent('RunEvaluated', { runId: run.runId, ...verdict }, input.session, deps.now()));
  });
}
