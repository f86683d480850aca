/**
 * An evaluator's cluster job recorded before it is submitted, as a trainer's attempt is
 * (AttemptPlanned): a loop restarted after a crash, or the next `autopilot eval`, finds the job by
 * its name and comment when no id was recorded, and cancels it before evaluating again.
 */
import { z } from 'zod';
import { event } from './event-schema.js';
import { EvaluationId } from './evaluation-events.js';
import { SlurmJob } from './launch-events.js';

/** Recorded before `sbatch`: the evaluator (evaluation, target, index), its job's name, comment and script, and the submission argv. */
export const EvaluatorJobPlanned = event(
  'EvaluatorJobPlanned',
  z.object({
    evaluationId: EvaluationId,
    /** The target (its spec) and its place among the evaluation's targets (its folder is `logs/eval/<evaluation>-<index>`). */
    target: z.string(),
    index: z.number().int().positive(),
    launcher: z.literal('slurm'),
    /** Named `ap-<evaluation>-e<index>`, with the comment `autopilot:<workspace>/<session>/<evaluation>/e<index>`; its script and result file are in its folder. */
    job: SlurmJob,
    /** The submission command (argv, no shell). */
    argv: z.array(z.string()),
  }),
);
