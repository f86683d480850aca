/**
 * The projections of the log, registered in one shape ({@link Projection}): the workspace view and
 * the files it renders, the journal documents kept as segments, and the summary `status` and
 * `replay` show. Pure.
 */
import { EVENT_TYPES, type AutopilotEventType } from '../events/catalogue.js';
import { labbookProjection, notesProjection } from './journal.js';
import type { Projection } from './projection.js';
import { renderAll } from './render.js';
import { emptySummary, evolveSummary, summaryReport, type SummaryFold, type ViewSummary } from './summary.js';
import { emptyView, evolveView, type WorkspaceView } from './view.js';

const ALL_TYPES: ReadonlySet<AutopilotEventType> = new Set(EVENT_TYPES);

/** The workspace view, rendered as every projection file (`relative path → content`). */
export const workspaceProjection: Projection<WorkspaceView, Map<string, string>> = {
  name: 'workspace',
  canHandle: ALL_TYPES,
  initialState: emptyView,
  evolve: evolveView,
  render: renderAll,
};

/** The summary of the log (`status`, `replay`), snapshotted every SNAPSHOT_EVERY events. */
export const summaryProjection: Projection<SummaryFold, ViewSummary> = {
  name: 'summary',
  canHandle: ALL_TYPES,
  initialState: emptySummary,
  evolve: evolveSummary,
  render: summaryReport,
};

export { labbookProjection, notesProjection };
