/** `autopilot diff RUN_A RUN_B`: run B's config against run A's, and B's sample compared with A's (read-only). */
import { loadSettings } from '../adapters/workspace.js';
import { printJson, printText } from '../orchestrator/console.js';
import { normalizeRunId } from '../projections/audit/fold.js';
import { diffRuns, renderRunDiff } from '../projections/run-diff.js';
import { foldView } from '../projections/view.js';
import { AutopilotError, EXIT } from '../domain/errors.js';
import { openReader } from './open-store.js';
import type { CliIo } from './io.js';

/** Runs `diff`; returns the exit code. */
export function diffCommand(aArg: string, bArg: string, o: { workspace: string; json?: boolean }, io: CliIo): number {
  const { paths, store } = openReader(o.workspace);
  if (!store) throw new AutopilotError('no-log', `no log in ${paths.root}: there are no runs to compare`);
  let view;
  try {
    view = foldView(store.readAll());
  } finally {
    store.close();
  }
  const settings = loadSettings(paths);
  const d = diffRuns(view, normalizeRunId(aArg), normalizeRunId(bArg), settings.metric, settings.statistics);
  if (o.json) printJson(d, io.out);
  else printText(renderRunDiff(d), io.out);
  return EXIT.ok;
}
