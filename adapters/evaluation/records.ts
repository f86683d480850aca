/** What an evaluator's launch records, the same for `autopilot eval` and a promotion's confirmation. */
import type { AutopilotEvent, Metadata } from '../../events/catalogue.js';
import type { TargetContext } from './target-context.js';

/** The recording callbacks of a target of evaluation `evaluationId`: each event goes to `record`, with `metadata()`. */
export function evaluatorRecords(
  evaluationId: string,
  record: (event: AutopilotEvent) => void,
  metadata: () => Metadata,
): Pick<TargetContext, 'onStarted' | 'onPlanned' | 'onCommandFailed'> {
  return {
    onStarted: (s) => record({ type: 'EvaluatorStarted', data: { evaluationId, ...s }, metadata: metadata() }),
    onPlanned: (p) => record({ type: 'EvaluatorJobPlanned', data: { evaluationId, ...p }, metadata: metadata() }),
    // A failing scheduler command of an evaluator's job names no run.
    onCommandFailed: (f) => record({ type: 'LauncherCommandFailed', data: f, metadata: metadata() }),
  };
}
