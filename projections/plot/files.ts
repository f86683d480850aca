/**
 * Where `autopilot plot` writes (workspace-relative, without the .svg/.png extension). Plots are not
 * projections: they are drawn on command, never by the loop, and `rebuild` leaves them alone.
 */

/** The optimizer-progress chart. */
export const PROGRESS_PLOT = 'journal/plots/progress';

/** The name of a run's learning-curve file, without its extension. */
export const LEARNING_CURVE = 'learning_curve';

/** A run's learning-curve chart. */
export function learningCurveFile(runId: string): string {
  return `runs/${runId}/${LEARNING_CURVE}`;
}

/** Plot files the loop finds in a run folder (and their temp files while written): not the trainer's, so not a change to its outputs. */
export function isPlotFile(rel: string): boolean {
  return /^learning_curve\.(svg|png)(\.tmp-\d+-[0-9a-z]+)?$/.test(rel);
}
